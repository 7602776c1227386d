/* spikeset answer form: an input per question, the grader's input rules checked as the student
 * types (format and unit dimension only, never correctness), autosave in the browser, "Save
 * answers.toml" (exactly the file the grader reads), "Open answers.toml", and the in-page HH
 * simulator of the simulation problems. No network access: everything is in this page. */
(function () {
  "use strict";
  var dataNode = document.getElementById("spikeset-form-data");
  if (!dataNode) return;
  var DATA = JSON.parse(dataNode.textContent);
  var STORE = "spikeset:" + DATA.assignment + ":" + DATA.student + ":" + DATA.variant;
  var byId = {};
  DATA.questions.forEach(function (q) { byId[q.id] = q; });

  // ------------------------------------------------------------------ answer grammar
  // The grader's reading of an answer (answer_grammar.js, SpikesetAnswer): the form accepts what
  // the grader reads and refuses what it refuses, with the grader's hint.
  var MINUSES = /[\u2212\u2013\u2014\ufe63\uff0d]/g;
  var NUMBER = "[+-]?(?:\\d+(?:\\.\\d*)?|\\.\\d+)(?:[eE][+-]?\\d+)?";
  var GRAMMAR = window.SpikesetAnswer;

  /** The unit the grader reads a numeric answer in: null (a pure number), "%" or the question's unit. */
  function asked(q) {
    if (q.asked !== undefined) return q.asked;
    return q.dimension === "number" ? null : q.dimension === "percent" ? "%" : q.unit;
  }

  /** Check one typed answer against the grader's input rules: {state: "empty"|"ok"|"warn"|"error", message}. */
  function check(q, raw) {
    var text = (raw || "").replace(MINUSES, "-").trim();
    if (!text) return {state: "empty", message: ""};
    if (q.type === "choice") {
      return GRAMMAR.chosenLabel(q.labels, text) !== null ? {state: "ok", message: ""} :
        {state: "error", message: "choose one of the options " + q.labels.join(", ")};
    }
    var r = GRAMMAR.read(asked(q), raw);
    // as the grader's feedback: a refusal of the format also says what is asked
    if (!r.ok) return {state: "error", message: r.message + (r.kind === "unit" ? "" : "; expected a number" +
                                                             (q.unit ? " in " + q.unit : ""))};
    if (r.note) return {state: "warn", message: r.note, value: r.value};
    return {state: "ok", message: "", value: r.value};
  }

  // ------------------------------------------------------------------ answer file (TOML)
  function tomlString(s) {
    return '"' + s.replace(/[\\"\u0000-\u001f\u007f]/g, function (c) {
      var map = {"\\": "\\\\", '"': '\\"', "\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f", "\r": "\\r"};
      return map[c] || "\\u" + ("0000" + c.charCodeAt(0).toString(16)).slice(-4);
    }) + '"';
  }

  function answersToml(state) {
    var lines = [DATA.header.replace(/\n*$/, "\n"), "[answers]"];
    DATA.questions.forEach(function (q) {
      lines.push(tomlString(q.id) + " = " + tomlString((state.answers[q.id] || "").replace(MINUSES, "-").trim()));
    });
    var traced = DATA.questions.filter(function (q) { return q.trace && state.traces[q.id]; });
    if (traced.length) {
      lines.push("", "# Trace files saved with the page's simulator, next to this file.", "[traces]");
      traced.forEach(function (q) { lines.push(tomlString(q.id) + " = " + tomlString(q.trace)); });
    }
    return lines.join("\n") + "\n";
  }

  function parseTomlString(s) {
    var m = /^"((?:[^"\\\u0000-\u001f]|\\["\\btnfr]|\\u[0-9a-fA-F]{4})*)"$/.exec(s);
    if (!m) return null;
    return m[1].replace(/\\(["\\btnfr]|u[0-9a-fA-F]{4})/g, function (_, e) {
      if (e[0] === "u") return String.fromCharCode(parseInt(e.slice(1), 16));
      return {'"': '"', "\\": "\\", b: "\b", t: "\t", n: "\n", f: "\f", r: "\r"}[e];
    });
  }

  /** Read the flat TOML this page writes (and the blank file): header strings, [answers] and
   *  [traces] with one quoted or bare key and a string or plain number per line. */
  function parseAnswers(text) {
    var table = "", header = {}, answers = {}, traces = {};
    var lines = text.replace(/^\ufeff/, "").split(/\r?\n/);
    for (var i = 0; i < lines.length; i++) {
      var line = lines[i].trim(), where = "line " + (i + 1) + ": ";
      if (!line || line[0] === "#") continue;
      var t = /^\[\s*(answers|traces)\s*\]\s*(#.*)?$/.exec(line);
      if (t) { table = t[1]; continue; }
      var m = /^("(?:[^"\\]|\\.)*"|[A-Za-z0-9_.-]+)\s*=\s*("(?:[^"\\]|\\.)*"|[+-]?[0-9][0-9_.eE+-]*|[+-]?\.[0-9]+)\s*(#.*)?$/.exec(line);
      if (!m) throw new Error(where + "not a simple key = \"value\" line; this page opens only answer files " +
                              "in the form it saves (edit other files in a text editor)");
      var key = m[1][0] === '"' ? parseTomlString(m[1]) : m[1];
      // a bare TOML number is its value: "1_000" is 1000 to the grader, and is saved back as "1000"
      var value = m[2][0] === '"' ? parseTomlString(m[2]) : m[2].replace(/_/g, "");
      if (key === null || value === null) throw new Error(where + "a string this page cannot read");
      var target = table === "" ? header : table === "answers" ? answers : traces;
      if (Object.prototype.hasOwnProperty.call(target, key)) throw new Error(where + key + " is given twice");
      target[key] = value;
    }
    ["student", "assignment", "variant"].forEach(function (k) {
      if (header[k] === undefined) throw new Error("no " + k + " line: not a spikeset answer file");
    });
    if (header.assignment !== DATA.assignment || header.student !== DATA.student || header.variant !== DATA.variant)
      throw new Error("this file is for " + header.student + ", assignment " + header.assignment + ", variant " +
                      header.variant + "; this page is for " + DATA.student + ", " + DATA.assignment + ", variant " +
                      DATA.variant);
    return {answers: answers, traces: traces};
  }

  // ------------------------------------------------------------------ state and storage
  var state = {answers: {}, traces: {}};
  function load() {
    try {
      var saved = JSON.parse(window.localStorage.getItem(STORE) || "null");
      if (saved && saved.answers) state = {answers: saved.answers, traces: saved.traces || {}};
    } catch (e) { /* storage unavailable (private mode): the form still works */ }
  }
  function store() {
    try { window.localStorage.setItem(STORE, JSON.stringify(state)); } catch (e) { /* ignore */ }
  }

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (k === "text") node.textContent = attrs[k];
      else if (k === "class") node.className = attrs[k];
      else node.setAttribute(k, attrs[k]);
    });
    (children || []).forEach(function (c) { node.appendChild(c); });
    return node;
  }
  function safeId(id) { return id.replace(/[^A-Za-z0-9_-]/g, "-"); }

  function download(name, text, type) {
    var url = URL.createObjectURL(new Blob([text], {type: type}));
    var a = el("a", {href: url, download: name});
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(function () { URL.revokeObjectURL(url); }, 1000);
  }

  // ------------------------------------------------------------------ the form
  var widgets = {}, countNode, statusNode;

  function showCheck(q) {
    var w = widgets[q.id];
    if (!w || !w.msg) return;
    var r = check(q, state.answers[q.id]);
    w.msg.textContent = r.message ? (r.state === "warn" ? "Note: " : "") + r.message : "";
    w.box.setAttribute("data-state", r.state);
    if (w.input) w.input.setAttribute("aria-invalid", r.state === "error" ? "true" : "false");
  }

  function updateCount() {
    var answered = 0, problems = 0;
    DATA.questions.forEach(function (q) {
      var r = check(q, state.answers[q.id]);
      if (r.state !== "empty" || (q.trace && state.traces[q.id])) answered++;
      if (r.state === "error") problems++;
    });
    countNode.textContent = answered + " of " + DATA.questions.length + " answered, " +
      (DATA.questions.length - answered) + " unanswered" + (problems ? "; " + problems + " to fix" : "");
  }

  function setAnswer(q, value) {
    state.answers[q.id] = value;
    store();
    showCheck(q);
    updateCount();
  }

  function numericWidget(q, box) {
    var id = "sf-in-" + safeId(q.id), msgId = "sf-msg-" + safeId(q.id);
    var hint = q.dimension === "number" ? "a number" : q.dimension === "percent" ? "a number, in %" :
      "a number, in " + q.unit;
    var input = el("input", {id: id, type: "text", inputmode: "decimal", autocomplete: "off", spellcheck: "false",
                             maxlength: "80", "aria-describedby": msgId, "class": "sf-input",
                             placeholder: q.dimension === "number" ? "" : q.unit});
    input.value = state.answers[q.id] || "";
    input.addEventListener("input", function () { setAnswer(q, input.value); });
    box.appendChild(el("label", {"for": id, "class": "sf-label", text: "Answer " + q.id + " (" + hint + ")"}));
    box.appendChild(input);
    var msg = el("span", {id: msgId, "class": "sf-msg", "aria-live": "polite"});
    box.appendChild(msg);
    widgets[q.id] = {input: input, msg: msg, box: box};
    if (q.trace) {
      var tid = "sf-tr-" + safeId(q.id);
      var tick = el("input", {type: "checkbox", id: tid, "class": "sf-trace-tick"});
      tick.checked = !!state.traces[q.id];
      tick.addEventListener("change", function () { state.traces[q.id] = tick.checked; store(); updateCount(); });
      box.appendChild(el("div", {"class": "sf-trace"}, [tick, el("label", {"for": tid,
        text: "Grade my simulated trace too (or instead of a number): I put " + q.trace + " (saved with the simulator below) next to answers.toml"})]));
      widgets[q.id].tick = tick;
    }
  }

  function choiceWidget(q, box) {
    var msgId = "sf-msg-" + safeId(q.id);
    var group = el("fieldset", {"class": "sf-choices", "aria-describedby": msgId});
    group.appendChild(el("legend", {"class": "sf-label", text: "Answer " + q.id + " (one option)"}));
    var radios = [];
    q.labels.forEach(function (label) {
      var rid = "sf-in-" + safeId(q.id) + "-" + label;
      var radio = el("input", {type: "radio", name: "sf-" + safeId(q.id), id: rid, value: label});
      radio.checked = GRAMMAR.chosenLabel(q.labels, state.answers[q.id] || "") === label;
      radio.addEventListener("change", function () { if (radio.checked) setAnswer(q, label); });
      radios.push(radio);
      group.appendChild(el("span", {"class": "sf-option"}, [radio, el("label", {"for": rid, text: "(" + label + ")"})]));
    });
    var clear = el("button", {type: "button", "class": "sf-clear", text: "Clear"});
    clear.addEventListener("click", function () {
      radios.forEach(function (r) { r.checked = false; });
      setAnswer(q, "");
    });
    group.appendChild(clear);
    box.appendChild(group);
    var msg = el("span", {id: msgId, "class": "sf-msg", "aria-live": "polite"});
    box.appendChild(msg);
    widgets[q.id] = {radios: radios, msg: msg, box: box};
  }

  function refreshWidgets() {
    DATA.questions.forEach(function (q) {
      var w = widgets[q.id];
      if (!w) return;
      if (w.input) w.input.value = state.answers[q.id] || "";
      if (w.radios) {
        var chosen = GRAMMAR.chosenLabel(q.labels, state.answers[q.id] || "");
        w.radios.forEach(function (r) { r.checked = r.value === chosen; });
      }
      if (w.tick) w.tick.checked = !!state.traces[q.id];
      showCheck(q);
    });
    updateCount();
  }

  function toolbar() {
    countNode = el("span", {"class": "sf-count", role: "status"});
    statusNode = el("span", {"class": "sf-status", "aria-live": "polite"});
    var save = el("button", {type: "button", id: "sf-save", text: "Save answers.toml"});
    save.addEventListener("click", function () {
      download("answers.toml", answersToml(state), "application/toml");
      var bad = DATA.questions.filter(function (q) { return check(q, state.answers[q.id]).state === "error"; });
      statusNode.textContent = bad.length ?
        "Saved; " + bad.map(function (q) { return q.id; }).join(", ") + " will be marked invalid unless you fix them." :
        "Saved answers.toml: hand in that file.";
    });
    var file = el("input", {type: "file", id: "sf-open-file", accept: ".toml,text/plain", "class": "sf-hidden"});
    var open = el("button", {type: "button", id: "sf-open", text: "Open answers.toml"});
    open.addEventListener("click", function () { file.click(); });
    file.addEventListener("change", function () {
      var f = file.files && file.files[0];
      if (!f) return;
      if (f.size > 1000000) { statusNode.textContent = "Not opened: the file is larger than an answer file."; return; }
      f.text().then(function (text) {
        try {
          var got = parseAnswers(text), answers = {}, traces = {};
          Object.keys(got.answers).forEach(function (k) {
            if (byId[k]) answers[k] = got.answers[k];
          });
          Object.keys(got.traces).forEach(function (k) { if (byId[k] && byId[k].trace) traces[k] = true; });
          state = {answers: answers, traces: traces};
          store();
          refreshWidgets();
          statusNode.textContent = "Opened " + f.name + ".";
        } catch (e) {
          statusNode.textContent = "Not opened: " + f.name + ": " + e.message;
        }
        file.value = "";
      });
    });
    var bar = el("div", {"class": "sf-toolbar", role: "region", "aria-label": "Your answers"},
                 [countNode, save, open, file, statusNode]);
    document.body.insertBefore(bar, document.body.firstChild);
  }

  function buildForm() {
    document.documentElement.classList.add("sf-active");
    DATA.questions.forEach(function (q) {
      var li = document.getElementById(q.id);
      if (!li) return;
      var box = el("div", {"class": "sf-answer"});
      if (q.type === "choice") choiceWidget(q, box); else numericWidget(q, box);
      var picture = li.querySelector(".answer-box");
      li.insertBefore(box, picture ? picture.nextSibling : null);
    });
    refreshWidgets();
  }

  // ------------------------------------------------------------------ simulator
  var PARAM_LABELS = [["C_m", "C_m (\u00b5F/cm\u00b2)"], ["g_Na", "g_Na (mS/cm\u00b2)"], ["g_K", "g_K (mS/cm\u00b2)"],
                      ["g_L", "g_L (mS/cm\u00b2)"], ["E_Na", "E_Na (mV)"], ["E_K", "E_K (mV)"], ["E_L", "E_L (mV)"],
                      ["temperature", "T (\u00b0C)"]];

  function numberInput(id, value, label, attrs) {
    var input = el("input", Object.assign({id: id, type: "text", inputmode: "decimal", value: String(value),
                                           "class": "sf-num"}, attrs || {}));
    return el("span", {"class": "sf-field"}, [el("label", {"for": id, text: label}), input]);
  }

  function readNumber(id, what) {
    var text = document.getElementById(id).value.replace(MINUSES, "-").trim();
    if (!new RegExp("^" + NUMBER + "$").test(text)) throw new Error(what + ": expected a number, got " + JSON.stringify(text));
    return parseFloat(text);
  }

  function simulatorPanel(sim) {
    var pre = "sf-sim-" + sim.problem;
    var panel = el("section", {"class": "sf-sim", id: pre, "aria-label": "Simulator for problem " + sim.number});
    panel.appendChild(el("h3", {text: "Simulator (Hodgkin\u2013Huxley patch, problem " + sim.number + ")"}));
    panel.appendChild(el("p", {"class": "sf-note", text: "Your parameters are filled in. Set the " +
      (sim.ramp ? "pulses and ramps (their currents add up)" : "pulses (they add up)") +
      ", run, and read the curve: move the mouse over the plot for time and voltage. Change a parameter to " +
      "try a manipulation. The simulator finds no threshold for you: bisect by running it again." +
      (sim.hint ? " " + sim.hint : "")}));
    var params = el("div", {"class": "sf-params"});
    PARAM_LABELS.forEach(function (pl) { params.appendChild(numberInput(pre + "-" + pl[0], sim.params[pl[0]], pl[1])); });
    panel.appendChild(params);
    var table = el("table", {"class": "sf-pulses"});
    table.appendChild(el("caption", {text: "Current pulses"}));
    table.appendChild(el("tr", {}, ["amplitude (\u00b5A/cm\u00b2)", "start (ms)", "duration (ms)", ""].map(function (h) {
      return el("th", {scope: "col", text: h});
    })));
    var tbody = el("tbody");
    table.appendChild(tbody);
    var rows = 0;
    function addRow(q) {
      var k = rows++, tr = el("tr", {"class": "sf-pulse"});
      [["amplitude", "amplitude"], ["start", "start"], ["duration", "duration"]].forEach(function (f) {
        var id = pre + "-pulse" + k + "-" + f[0];
        tr.appendChild(el("td", {}, [el("input", {id: id, type: "text", inputmode: "decimal", "class": "sf-num",
          value: String(q[f[0]]), "aria-label": "pulse " + (k + 1) + " " + f[1]})]));
      });
      var rm = el("button", {type: "button", text: "Remove", "aria-label": "remove pulse " + (k + 1)});
      rm.addEventListener("click", function () { tr.remove(); });
      tr.appendChild(el("td", {}, [rm]));
      tbody.appendChild(tr);
    }
    sim.pulses.forEach(addRow);
    panel.appendChild(table);
    var add = el("button", {type: "button", text: "Add a pulse"});
    add.addEventListener("click", function () { addRow({amplitude: 0, start: 0, duration: 1}); });
    var controls = el("div", {"class": "sf-controls"}, [add]);
    var tEndField = numberInput(pre + "-tend", sim.t_end, "duration of the simulation (ms)");
    var rampBody = null;
    if (sim.ramp) {
      // ramps: from 0 at their start the current moves at the slope to the final current, then is held
      var rampTable = el("table", {"class": "sf-pulses sf-ramps sf-hidden", id: pre + "-ramps"});
      rampTable.appendChild(el("caption", {text: "Current ramps (from 0 at the start, at the slope, to the final " +
        "current, then held)"}));
      var RAMP_FIELDS = [["start", "start (ms)"], ["slope", "slope (\u00b5A/cm\u00b2/ms)"],
                         ["final", "final current (\u00b5A/cm\u00b2)"], ["hold", "hold (ms)"]];
      rampTable.appendChild(el("tr", {}, RAMP_FIELDS.map(function (f) { return f[1]; }).concat([""]).map(function (h) {
        return el("th", {scope: "col", text: h});
      })));
      rampBody = el("tbody");
      rampTable.appendChild(rampBody);
      var ramps = 0;
      var addRamp = function (q) {
        var k = ramps++, tr = el("tr", {"class": "sf-ramp"});
        RAMP_FIELDS.forEach(function (f) {
          tr.appendChild(el("td", {}, [el("input", {id: pre + "-ramp" + k + "-" + f[0], type: "text", inputmode: "decimal",
            "class": "sf-num", value: String(q[f[0]]), "aria-label": "ramp " + (k + 1) + " " + f[1]})]));
        });
        var rm = el("button", {type: "button", text: "Remove", "aria-label": "remove ramp " + (k + 1)});
        rm.addEventListener("click", function () {
          tr.remove();
          if (!rampBody.querySelector("tr")) rampTable.classList.add("sf-hidden");
        });
        tr.appendChild(el("td", {}, [rm]));
        rampBody.appendChild(tr);
        rampTable.classList.remove("sf-hidden");
        // long enough to see the whole ramp and its hold, unless the student asked for longer
        var tEndInput = tEndField.querySelector("input");
        var need = Math.ceil((q.start + Math.abs(q.final) / q.slope + q.hold + 20) / 10) * 10;
        if (Number(tEndInput.value) < need && need <= 2000) tEndInput.value = String(need);
      };
      panel.appendChild(rampTable);
      var addRampButton = el("button", {type: "button", id: pre + "-add-ramp", text: "Add a ramp"});
      addRampButton.addEventListener("click", function () { addRamp(sim.ramp); });
      controls.appendChild(addRampButton);
    }
    controls.appendChild(tEndField);
    var run = el("button", {type: "button", id: pre + "-run", "class": "sf-run", text: "Run"});
    var save = el("button", {type: "button", id: pre + "-csv", text: "Save trace CSV", disabled: "disabled"});
    var readout = el("span", {"class": "sf-readout", id: pre + "-readout", "aria-live": "off"});
    var message = el("span", {"class": "sf-msg", id: pre + "-msg", "aria-live": "polite"});
    controls.appendChild(run);
    controls.appendChild(save);
    panel.appendChild(controls);
    panel.appendChild(el("div", {}, [readout, message]));
    var plotV = el("div", {"class": "sf-plot", id: pre + "-plotV"});
    var plotG = el("div", {"class": "sf-plot", id: pre + "-plotG"});
    panel.appendChild(plotV);
    panel.appendChild(plotG);
    var last = null, plots = [];

    run.addEventListener("click", function () {
      message.textContent = "";
      try {
        var p = {};
        PARAM_LABELS.forEach(function (pl) { p[pl[0]] = readNumber(pre + "-" + pl[0], pl[1]); });
        var pulses = [];
        tbody.querySelectorAll("tr").forEach(function (tr) {
          var inputs = tr.querySelectorAll("input");
          pulses.push({amplitude: readNumber(inputs[0].id, "pulse amplitude"),
                       start: readNumber(inputs[1].id, "pulse start"), duration: readNumber(inputs[2].id, "pulse duration")});
        });
        if (rampBody) rampBody.querySelectorAll("tr").forEach(function (tr) {
          var inputs = tr.querySelectorAll("input");
          pulses.push({kind: "ramp", start: readNumber(inputs[0].id, "ramp start"),
                       slope: readNumber(inputs[1].id, "ramp slope"), final: readNumber(inputs[2].id, "ramp final current"),
                       hold: readNumber(inputs[3].id, "ramp hold")});
        });
        var tEnd = readNumber(pre + "-tend", "duration");
        if (!(tEnd > 0 && tEnd <= 2000)) throw new Error("the duration must be between 0 and 2000 ms");
        if (!(p.temperature >= -20 && p.temperature <= 60)) throw new Error("T must be within -20 to 60 \u00b0C");
        var started = performance.now();
        last = window.SpikesetHH.simulate(p, pulses, tEnd, {recordDt: tEnd > 500 ? 0.05 : 0.01});
        last.elapsedMs = performance.now() - started;
        panel.spikesetResult = last;
        draw(last);
        save.removeAttribute("disabled");
        var currentEnd = window.SpikesetHH.stimulusEnd(pulses);
        message.textContent = "Simulated " + tEnd + " ms in " + Math.round(last.elapsedMs) + " ms." +
          (currentEnd > tEnd && isFinite(currentEnd) ? " The current is still on at the end (until t = " +
           +currentEnd.toFixed(2) + " ms): lengthen the simulation to see all of it." : "");
      } catch (e) {
        message.textContent = "Not run: " + e.message;
      }
    });
    save.addEventListener("click", function () {
      if (last) download(sim.trace, window.SpikesetHH.traceCsv(last), "text/csv");
    });

    function draw(r) {
      plots.forEach(function (u) { u.destroy(); });
      var width = Math.max(300, Math.min(plotV.clientWidth || 640, 900));
      var cursorSync = uPlot.sync(pre);
      // the injected current gets its own axis on the right; the gates plot keeps as wide a margin
      // there, so that the two time axes line up
      var RIGHT_AXIS_PX = 60;
      function opts(title, series, height, yLabel, onCursor, rightAxis) {
        return {title: title, width: width, height: height, cursor: {sync: {key: cursorSync.key}},
                legend: {show: true}, scales: {x: {time: false}},
                axes: [{label: "t (ms)"}, {label: yLabel}, Object.assign({side: 1, size: RIGHT_AXIS_PX,
                       grid: {show: false}}, rightAxis || {scale: "y", values: function () { return []; },
                                                        ticks: {show: false}})],
                series: [{label: "t (ms)", value: function (u, v) { return v == null ? "" : v.toFixed(2); }}].concat(series),
                hooks: {setCursor: onCursor ? [onCursor] : []}};
      }
      var t = Array.from(r.t);
      var uV = new uPlot(opts("Membrane potential V(t)", [
        {label: "V (mV)", stroke: "#1f4e9e", width: 1.5, value: function (u, v) { return v == null ? "" : v.toFixed(2); }},
        {label: "I (\u00b5A/cm\u00b2)", stroke: "#999", width: 1, scale: "I",
         value: function (u, v) { return v == null ? "" : v.toFixed(1); }}], 260, "V (mV)", function (u) {
          var i = u.cursor.idx;
          if (i != null) readout.textContent = "t = " + r.t[i].toFixed(2) + " ms, V = " + r.V[i].toFixed(2) + " mV";
        }, {scale: "I", label: "I (\u00b5A/cm\u00b2)", stroke: "#777"}), [t, Array.from(r.V), Array.from(r.I)], plotV);
      // four significant figures: a small gate (n near 0.03 after a hyperpolarization) still reads
      // well inside a 2 % tolerance
      var gateValue = function (u, v) { return v == null ? "" : v.toPrecision(4); };
      var uG = new uPlot(opts("Gates m, h, n", [
        {label: "m", stroke: "#c0392b", width: 1.2, value: gateValue},
        {label: "h", stroke: "#27ae60", width: 1.2, value: gateValue},
        {label: "n", stroke: "#8e44ad", width: 1.2, value: gateValue}],
        170, "gate"), [t, Array.from(r.m), Array.from(r.h), Array.from(r.n)], plotG);
      plots = [uV, uG];
    }
    return panel;
  }

  function buildSimulators() {
    if (!window.SpikesetHH || typeof uPlot === "undefined") return;
    DATA.simulators.forEach(function (sim) {
      var heading = document.getElementById("h-" + sim.problem);
      var section = heading && heading.closest("section");
      if (section) section.appendChild(simulatorPanel(sim));
    });
  }

  load();
  toolbar();
  buildForm();
  buildSimulators();
  window.spikesetForm = {check: function (id, text) { return check(byId[id], text); }, answersToml: function () {
    return answersToml(state);
  }, parseAnswers: parseAnswers};
})();
