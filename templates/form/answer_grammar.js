/* spikeset answer grammar in the browser: how the grader (generator/grade/units.py) reads one typed
 * answer, ported rule for rule, so that the form accepts exactly what the grader reads, with the
 * same value in the question's unit, and refuses what it refuses, with the grader's hint.
 *
 * read(asked, text) -> {ok: true, value, note} | {ok: false, message, kind ("unit" or "format")}
 *   asked: the unit the grader reads the answer in: null (a pure number), "%" (a question asked
 *   in %) or the question's unit ("mV", "uA/cm^2/ms", "°C", ...).
 * chosenLabel(labels, text) -> the option label a choice answer names ("c.", "(c)", "ｃ"), or null.
 *
 * Where the grader falls back on pint (units outside the course's table), this file knows the SI
 * units and prefixes (BASES, SI_PREFIX, NAMES below: the same list as units._SI_BASES); another
 * unit pint knows ("in", "mph", "ppm") is refused by both, here with the spelling to use.
 * tests/page/test_answer_grammar_agreement.py runs one table of answers through both. Plain
 * script, no dependencies; runs in a browser and in node. */
(function (root) {
  "use strict";

  var SUPERSCRIPTS = {"\u00b2": "^2", "\u00b3": "^3", "\u00b9": "^1", "\u207b": "^-", "\u00b7": "*", "\u00d7": "*",
                      "\u2103": "\u00b0C", "\u2126": "\u03a9"};
  var MAX_UNIT_CHARS = 40, MAX_ANSWER_CHARS = 1000;
  var NUMBER = "[+-]?(?:[0-9]+(?:\\.[0-9]*)?|\\.[0-9]+)(?:[eE][+-]?[0-9]+)?";
  var NUMBER_UNSIGNED = NUMBER.replace("[+-]?", "");
  var SYMBOL = "(?:[A-Za-z\u00b5\u03bc\u03a9\u2126\u00b0]+|%)";
  var FACTOR = SYMBOL + "(?:\\^?[+-]?[0-9]+)?";
  var UNIT = FACTOR + "(?:[ \\t]*[/*][ \\t]*" + FACTOR + "|[ \\t]+" + FACTOR + ")*";
  var PRODUCT = FACTOR + "(?:[ \\t]*\\*[ \\t]*" + FACTOR + "|[ \\t]+" + FACTOR + ")*";

  function whole(pattern, flags) { return new RegExp("^(?:" + pattern + ")$", flags || ""); }

  var ANSWER = whole("(" + NUMBER + ")[ \\t]*(" + UNIT + ")?");
  var PLAIN_NUMBER = whole(NUMBER);
  var IS_UNIT = whole(UNIT);
  var ONE_DENOMINATOR = whole("(" + NUMBER + ")[ \\t]*(" + PRODUCT + ")[ \\t]*/[ \\t]*\\([ \\t]*(" + PRODUCT +
                              ")[ \\t]*\\)");
  var COMPOUND_FACTOR = "([ \\t]*[/*][ \\t]*|[ \\t]+)?(" + SYMBOL + ")(?:\\^?([+-]?[0-9]+))?";

  function shown(text) {
    var s = "'" + String(text).slice(0, 50).replace(/\\/g, "\\\\").replace(/'/g, "\\'") + "'";
    return s.length <= 40 ? s : s.slice(0, 37) + "...";
  }

  /** Python's str.strip(): surrounding whitespace. */
  function strip(s) { return s.replace(/^\s+|\s+$/g, ""); }

  /** units.normalize: spaces, minus signs, superscripts, one parenthesized denominator. */
  function normalize(text) {
    text = strip(text.replace(/[\u00a0\u2009\u202f\u2007]/g, " "));
    text = text.replace(/[\u2212\u2013\u2014\ufe63\uff0d]/g, "-");
    text = text.replace(/[\u00b2\u00b3\u00b9\u207b\u00b7\u00d7\u2103\u2126]/g, function (c) { return SUPERSCRIPTS[c]; });
    text = text.split("^-^").join("^-").replace(/\^\^/g, "^");
    if (text.indexOf("(") < 0) return text;
    var m = ONE_DENOMINATOR.exec(text);
    if (!m) return text;
    var divisors = m[3].match(new RegExp(FACTOR, "g"));
    return m[1] + " " + m[2] + "/" + divisors.join("/");
  }

  // ------------------------------------------------------------------ hints (units.diagnose)
  var R = {
    decimalComma: whole("([+-]?[0-9]*),([0-9]+)[ \\t]*(.*)"),
    thousands: whole("([+-]?[0-9]{1,3}(?:[, '][0-9]{3})+(?:\\.[0-9]+)?)[ \\t]*(.*)"),
    spaced: whole("([+-]?[0-9.]+(?:[ \\t]+[0-9.]+)+)[ \\t]*(.*)"),
    timesTen: whole("(" + NUMBER + ")[ \\t]*[*xX][ \\t]*10[ \\t]*(?:\\^|\\*\\*)[ \\t]*([+-]?[0-9]+)[ \\t]*(.*)"),
    twoNumbers: whole(NUMBER + "[ \\t]*(?:" + UNIT + ")?(?:[ \\t]*[,;][ \\t]*|[ \\t]+)(?:[+-]|(?<=[^0-9. \\t] ))" +
                      "[0-9.][^ \\t]*[ \\t]*(?:" + UNIT + ")?|" + NUMBER + "[ \\t]*(?:" + UNIT + ")[ \\t]+" + NUMBER +
                      "[ \\t]*(?:" + UNIT + ")?"),
    parenthesized: whole("(" + NUMBER + ")[ \\t]*([^()]*\\([\\s\\S]*)"),
    signApart: whole("([+-])[ \\t]+(" + NUMBER_UNSIGNED + ")[ \\t]*((?:" + UNIT + ")?)"),
    approximate: whole("(\u2248|~|\u223c|ca\\.?|circa|about|approx\\.?|approximately)[ \\t]*(" + NUMBER +
                       ")[ \\t]*((?:" + UNIT + ")?)", "i"),
    uncertainty: whole("(" + NUMBER + ")[ \\t]*((?:\u00b1|\\+/-|\\+-)[ \\t]*[0-9.]+(?:[eE][+-]?[0-9]+)?)[ \\t]*((?:" +
                       UNIT + ")?)"),
    rangeWords: whole(NUMBER + "[ \\t]*(?:" + UNIT + ")?[ \\t]+(?:to|or|bis)[ \\t]+" + NUMBER + "[ \\t]*(?:" + UNIT +
                      ")?", "i"),
    range: whole("[0-9.]+-[0-9.]+[ \\t]*(?:" + UNIT + ")?"),
    operator: /[0-9.][ \t]*[-+*/^][ \t]*[0-9.]|[*/^][ \t]*[0-9]|[0-9][ \t]*[*/]/,
    unitOrNothing: whole("(?:" + UNIT + ")?")
  };

  /** Why text (normalized) is not an answer, and how to write it (asked: the unit asked). */
  function diagnose(text, asked) {
    var unitHint = asked ? " " + asked : "";
    function written(number, rest) { rest = strip(rest || "") || strip(unitHint); return strip(number + " " + rest); }
    var m;
    if (text.length > 200 || !text) return "expected a number (optionally with a unit), got " + shown(text);
    if ((m = R.signApart.exec(text)))
      return shown(text) + " has a space after its sign; write the sign next to the number: " + written(m[1] + m[2], m[3]);
    if ((m = R.approximate.exec(text)))
      return shown(text) + " is approximate; write the number alone, without " + shown(m[1]) + ", such as " +
        written(m[2], m[3]);
    if ((m = R.uncertainty.exec(text)))
      return shown(text) + " has an uncertainty; write the number alone, without the uncertainty " + shown(m[2]) +
        ": " + written(m[1], m[3]);
    if (R.rangeWords.test(text))
      return shown(text) + " is a range; write one number with its unit, such as " + written("-12.5", "");
    if (R.range.test(text))
      return shown(text) + " is a range or a calculation; write one number with its unit, such as " + written("-12.5", "");
    m = R.thousands.exec(text);
    if (m && ((m[1].match(/,/g) || []).length > 1 || /[. ']/.test(m[1])))
      return shown(text) + " has a thousands separator; write " + written(m[1].replace(/[, ']/g, ""), m[2]) +
        ", without the separator";
    m = R.decimalComma.exec(text);
    if (m && m[3].indexOf(",") < 0 && R.unitOrNothing.test(m[3])) {
      var w = m[1] || "0", decimals = m[2];
      if (decimals.length === 3 && w.replace(/^[+-]+/, "") !== "" && w.replace(/^[+-]+/, "") !== "0")
        return shown(text) + " is ambiguous (a decimal comma or a thousands separator?); write " +
          written(w + "." + decimals, m[3]) + " or " + written(w + decimals, m[3]) + ", with no comma";
      return shown(text) + " has a decimal comma; write " + written(w + "." + decimals, m[3]) + ", with a decimal point";
    }
    if ((m = R.timesTen.exec(text)))
      return shown(text) + " is written as a product; write " + written(m[1] + "e" + m[2], m[3]) +
        " (e for the power of ten)";
    if (R.twoNumbers.test(text))
      return shown(text) + " holds two numbers; write one number with its unit, such as " + written("-12.5", "");
    m = R.parenthesized.exec(text);
    if (m && IS_UNIT.test(strip(m[2].replace(/[()]/g, " "))))
      return shown(text) + " has parentheses in its unit; write the unit without them, a / before each divisor, " +
        "such as " + written(m[1], "");
    if (R.operator.test(text))
      return shown(text) + " is a calculation; work it out and write one number with its unit, such as " +
        written("-12.5", "");
    m = R.spaced.exec(text);
    if (m && R.unitOrNothing.test(m[2]))
      return shown(text) + " has a space inside the number (or two numbers); write one number without spaces, " +
        "such as " + written("-12.5", m[2]);
    if (!/[0-9]/.test(text) && /\p{Nd}/u.test(text))
      return shown(text) + " uses digits other than 0-9; write the number with the digits 0-9";
    return "expected a number (optionally with a unit), got " + shown(text);
  }

  // ------------------------------------------------------------------ the course's unit table (units._fast_unit)
  var PREFIX = {"": 1, G: 1e9, M: 1e6, k: 1e3, m: 1e-3, u: 1e-6, n: 1e-9, p: 1e-12};
  var PREFIX_NAME = {G: "giga", M: "mega", k: "kilo", m: "milli", u: "micro", n: "nano", p: "pico"};
  var FAST_BASES = [["V", "voltage", "volts"], ["M", "concentration", "molar"], ["s", "time", "seconds"],
                    ["Hz", "frequency", "hertz"], ["A/cm^2", "current density", "amperes per cm^2"],
                    ["S/cm^2", "conductance density", "siemens per cm^2"],
                    ["F/cm^2", "capacitance density", "farads per cm^2"], ["ohm", "resistance", "ohms"],
                    ["S", "conductance", "siemens"], ["A", "current", "amperes"], ["F", "capacitance", "farads"]];

  function cleanUnit(unit) {
    var text = unit.replace(/[\u00b5\u03bc]/g, "u").replace(/[ \t]/g, "").split("**").join("^")
      .replace(/[\u03a9\u2126]/g, "ohm");
    text = text.replace(/(?<=[A-Za-z])2$/, "^2").split("cm2").join("cm^2");
    return text.split("mol/L").join("M").split("mol/l").join("M");
  }

  function endsWith(text, base) { return text.length >= base.length && text.slice(text.length - base.length) === base; }
  function has(obj, key) { return Object.prototype.hasOwnProperty.call(obj, key); }

  /** [dimension, factor to the base unit] of a plain course unit, or null. */
  function fastUnit(unit) {
    var text = cleanUnit(unit);
    for (var i = 0; i < FAST_BASES.length; i++) {
      var base = FAST_BASES[i][0], prefix = text.slice(0, text.length - base.length);
      if (endsWith(text, base) && has(PREFIX, prefix)) return [FAST_BASES[i][1], PREFIX[prefix]];
    }
    return null;
  }

  /** [factor] of unit read with its base symbol in any case, if exactly one unit of dimension reads so. */
  function relaxedUnit(unit, dimension) {
    var text = cleanUnit(unit), found = [];
    FAST_BASES.forEach(function (b) {
      if (b[1] !== dimension) return;
      Object.keys(PREFIX).forEach(function (prefix) {
        if (text.slice(0, prefix.length) === prefix && text.slice(prefix.length).toLowerCase() === b[0].toLowerCase())
          found.push(PREFIX[prefix]);
      });
    });
    return found.length === 1 ? found[0] : null;
  }

  // ------------------------------------------------------------------ other units (the grader asks pint)
  // Dimensions as exponents of [length, mass, time, current, amount, temperature]; scale to SI.
  var BASES = {
    V: [[2, 1, -3, -1, 0, 0], 1], A: [[0, 0, 0, 1, 0, 0], 1], S: [[-2, -1, 3, 2, 0, 0], 1],
    F: [[-2, -1, 4, 2, 0, 0], 1], ohm: [[2, 1, -3, -2, 0, 0], 1], C: [[0, 0, 1, 1, 0, 0], 1],
    s: [[0, 0, 1, 0, 0, 0], 1], sec: [[0, 0, 1, 0, 0, 0], 1], min: [[0, 0, 1, 0, 0, 0], 60],
    h: [[0, 0, 1, 0, 0, 0], 3600], hr: [[0, 0, 1, 0, 0, 0], 3600], Hz: [[0, 0, -1, 0, 0, 0], 1],
    m: [[1, 0, 0, 0, 0, 0], 1], g: [[0, 1, 0, 0, 0, 0], 1e-3], L: [[3, 0, 0, 0, 0, 0], 1e-3],
    l: [[3, 0, 0, 0, 0, 0], 1e-3], mol: [[0, 0, 0, 0, 1, 0], 1], M: [[-3, 0, 0, 0, 1, 0], 1e3],
    K: [[0, 0, 0, 0, 0, 1], 1], day: [[0, 0, 1, 0, 0, 0], 86400], degC: [[0, 0, 0, 0, 0, 1], 1, 273.15],
    degF: [[0, 0, 0, 0, 0, 1], 5 / 9, 273.15 - 32 * 5 / 9]
  };
  var SI_PREFIX = {"": 1, T: 1e12, G: 1e9, M: 1e6, k: 1e3, h: 1e2, da: 1e1, d: 1e-1, c: 1e-2, m: 1e-3, u: 1e-6,
                   n: 1e-9, p: 1e-12, f: 1e-15, a: 1e-18};
  // units written out, as pint reads them ("millivolts", "second")
  var NAMES = {volt: "V", ampere: "A", siemens: "S", farad: "F", ohm: "ohm", coulomb: "C", second: "s", minute: "min",
               hour: "h", hertz: "Hz", meter: "m", metre: "m", gram: "g", liter: "L", litre: "L", mole: "mol",
               molar: "M", kelvin: "K"};
  var PREFIX_NAMES = {"": "", tera: "T", giga: "G", mega: "M", kilo: "k", hecto: "h", deca: "da", deci: "d",
                      centi: "c", milli: "m", micro: "u", nano: "n", pico: "p", femto: "f", atto: "a"};
  var DIMENSION_NAMES = {mV: "voltage", V: "voltage", mM: "concentration", uM: "concentration", ms: "time",
                         s: "time", Hz: "frequency", "uA/cm^2": "current density", "mS/cm^2": "conductance density",
                         "uF/cm^2": "capacitance density", "uA/cm^2/ms": "rate of change of a current density",
                         mm: "length", "m/s": "speed", "\u00b0C": "temperature", "M\u03a9": "resistance",
                         pC: "charge"};

  function unitError(message) { var e = new Error(message); e.kind = "unit"; return e; }

  function factors(unit) {
    var re = new RegExp(COMPOUND_FACTOR, "g"), out = [], m;
    while ((m = re.exec(unit)) !== null && m[0] !== "") out.push({join: m[1], symbol: m[2], power: m[3]});
    return out;
  }

  /** units._explicit_unit: each factor's join and power written out; a factor multiplied after a
   *  division is refused as ambiguous. Text outside the grammar is returned as it is. */
  function explicitUnit(unit) {
    if (!IS_UNIT.test(unit)) return unit;
    var parts = [], divided = false, ambiguous = null;
    factors(unit).forEach(function (f) {
      var join = f.join === undefined ? "" : strip(f.join);
      if (join === "/") divided = true;
      else if (f.join !== undefined && divided) { ambiguous = ambiguous || f.symbol; join = "/"; }
      parts.push((f.join === undefined ? "" : join || "*") + f.symbol + (f.power === undefined ? "" : "^" + f.power));
    });
    if (ambiguous)
      throw unitError("the unit " + shown(unit) + " is ambiguous (is " + ambiguous + " divided or multiplied?); " +
                      "write each divisor after its own /, such as " + parts.join(""));
    return parts.join("");
  }

  function symbolUnit(symbol) {
    if (symbol === "\u00b0C") symbol = "degC";
    if (symbol === "\u00b0F") symbol = "degF";
    if (symbol === "\u00b0K") symbol = "K";
    if (has(BASES, symbol)) return {dim: BASES[symbol][0], scale: BASES[symbol][1], offset: BASES[symbol][2]};
    var prefixes = Object.keys(SI_PREFIX).sort(function (a, b) { return b.length - a.length; });
    for (var i = 0; i < prefixes.length; i++) {
      var p = prefixes[i], base = symbol.slice(p.length);
      if (p && symbol.slice(0, p.length) === p && has(BASES, base) && BASES[base][2] === undefined)
        return {dim: BASES[base][0], scale: SI_PREFIX[p] * BASES[base][1]};
    }
    var names = Object.keys(PREFIX_NAMES).concat(Object.keys(SI_PREFIX).filter(function (p) { return p; }));
    var spellings = [symbol];
    if (symbol.length > 3 && symbol[symbol.length - 1] === "s") spellings.push(symbol.slice(0, -1));
    for (var j = 0; j < names.length; j++) {
      for (var k = 0; k < spellings.length; k++) {
        var name = spellings[k].slice(names[j].length);
        if (spellings[k].slice(0, names[j].length) === names[j] && has(NAMES, name) && name !== "siemen")
          return symbolUnit((has(PREFIX_NAMES, names[j]) ? PREFIX_NAMES[names[j]] : names[j]) + NAMES[name]);
      }
    }
    return null;
  }

  /** units._pint_unit for the table above: {dim, scale, offset?}, or an "unknown unit" error. */
  function tableUnit(unit) {
    var cleaned = explicitUnit(unit.replace(/[\u00b5\u03bc]/g, "u").replace(/[\u03a9\u2126]/g, "ohm"));
    var unknown = unitError("unknown unit " + shown(unit));
    if (!/^[A-Za-z\u00b0%]/.test(cleaned) || !IS_UNIT.test(cleaned)) throw unknown;
    var parts = factors(cleaned), dim = [0, 0, 0, 0, 0, 0], scale = 1;
    for (var i = 0; i < parts.length; i++) {
      var u = symbolUnit(parts[i].symbol), power = parts[i].power === undefined ? 1 : parseInt(parts[i].power, 10);
      if (!u) throw unknown;
      if (parts[i].join !== undefined && strip(parts[i].join) === "/") power = -power;
      if (u.offset !== undefined) {
        if (parts.length > 1 || power !== 1) throw unknown;
        return {dim: u.dim, scale: u.scale, offset: u.offset};
      }
      for (var k = 0; k < 6; k++) dim[k] += u.dim[k] * power;
      scale *= Math.pow(u.scale, power);
    }
    return {dim: dim, scale: scale, offset: 0};
  }

  function sameDim(a, b) { return a.dim.every(function (x, k) { return x === b.dim[k]; }); }

  var FACTOR_BASES = ["V", "A", "S", "F", "M", "s", "Hz", "ohm", "m", "L"];
  var FACTOR_PREFIX = ["", "G", "M", "k", "m", "u", "n", "p", "c"];

  /** units._relaxed_compound: a compound unit read with each factor's base symbol in any case,
   *  when exactly one such reading has the dimension wanted; else null. */
  function relaxedCompound(unitText, wanted) {
    var cleaned = unitText.replace(/[\u00b5\u03bc]/g, "u");
    if (!IS_UNIT.test(cleaned) || !/[ \t/*]/.test(cleaned)) return null;
    var parts = factors(cleaned);
    if (parts.length > 4) return null;
    var choices = parts.map(function (f) {
      var spellings = [f.symbol];
      FACTOR_BASES.forEach(function (base) {
        FACTOR_PREFIX.forEach(function (prefix) {
          var s = prefix + base;
          if (f.symbol.slice(0, prefix.length) === prefix && f.symbol.slice(prefix.length).toLowerCase() ===
              base.toLowerCase() && spellings.indexOf(s) < 0) spellings.push(s);
        });
      });
      return spellings;
    });
    var readings = {}, count = 0;
    (function walk(i, text) {
      if (i === parts.length) {
        var reading;
        try { reading = tableUnit(text); } catch (e) { return; }
        if (sameDim(reading, wanted) && !has(readings, text)) { readings[text] = reading; count++; }
        return;
      }
      choices[i].forEach(function (symbol) {
        var f = parts[i];
        walk(i + 1, text + (f.join || "") + symbol + (f.power ? "^" + f.power : ""));
      });
    })(0, "");
    if (count !== 1) return null;
    for (var k in readings) return readings[k];
    return null;
  }

  /** units._plain_powers: each factor's power without leading zeros ("cm02" -> "cm2"). */
  function plainPowers(unit) {
    return unit.replace(new RegExp(COMPOUND_FACTOR, "g"), function (all, join, symbol, power) {
      if (power === undefined || !/^[+-]?0/.test(power)) return all;
      var sign = /^[+-]/.test(power) ? power[0] : "";
      return all.slice(0, all.length - power.length) + sign + String(parseInt(power.replace(/^[+-]/, ""), 10));
    });
  }

  /** x (typed as numberText) times a power of ten, rounded once from the typed decimal. */
  function shifted(numberText, x, factor) {
    if (factor === 1) return x;
    var power = Math.round(Math.log10(factor));
    if (Math.abs(factor / Math.pow(10, power) - 1) > 1e-12) return x * factor;
    var m = /^([^eE]*)(?:[eE]([+-]?[0-9]+))?$/.exec(numberText);
    return parseFloat(m[1] + "e" + ((m[2] ? parseInt(m[2], 10) : 0) + power));
  }

  function finite(x, raw) {
    if (!isFinite(x)) throw new Error("expected a finite number, got " + shown(raw));
    return x;
  }

  /** units.to_unit for a string answer: the value in asked, or an Error saying why not. */
  function toUnit(raw, asked) {
    var text = normalize(raw);
    if (!text) throw new Error("empty answer");
    if (/^[+-]*(nan|inf|infinity)$/.test(text.toLowerCase())) throw new Error("expected a finite number, got " + shown(raw));
    if (text.length > MAX_ANSWER_CHARS && !PLAIN_NUMBER.test(text))
      throw new Error("expected a number (optionally with a unit), got " + shown(raw) + " (" + text.length + " characters)");
    var m = ANSWER.exec(text);
    if (!m) throw new Error(diagnose(text, asked));
    var numberText = m[1], x = finite(parseFloat(numberText), raw), unitText = strip(m[2] || "");
    if (!unitText) return x;
    if (unitText.length > MAX_UNIT_CHARS)
      throw unitError("unit text too long (" + unitText.length + " characters); expected a unit such as " + (asked || "mV"));
    var zero = factors(unitText).filter(function (f) { return f.power && !f.power.replace(/[+-]/g, "").replace(/0/g, "") ; })[0];
    if (zero)
      throw unitError("the unit " + shown(unitText) + " has " + zero.symbol + " to the power 0 (a typo?); write the unit " +
                      "without it, such as " + (asked || "mV"));
    unitText = plainPowers(unitText).replace(/(\u00b0|\bdeg)[ \t]+(?=[CFK]$)/, "$1");
    if (asked === "%" || unitText === "%") {
      if (asked === "%" && unitText === "%") return x;
      if (asked === null) return finite(x / 100, raw);
      throw unitError("the unit " + shown(unitText) + " does not fit; the answer is asked in " + (asked || "a pure number"));
    }
    var given = fastUnit(unitText), want = asked ? fastUnit(asked) : null;
    if (want && (given === null || given[0] !== want[0])) {
      var relaxed = relaxedUnit(unitText, want[0]);
      if (relaxed !== null) given = [want[0], relaxed];
    }
    if (given && want) {
      if (given[0] !== want[0])
        throw unitError("the unit " + shown(unitText) + " is not a " + want[0] + "; the answer is asked in " + asked);
      return finite(shifted(numberText, x, given[1] / want[1]), raw);
    }
    var wanted = asked ? tableUnit(asked) : {dim: [0, 0, 0, 0, 0, 0], scale: 1, offset: 0}, read;
    try {
      read = tableUnit(unitText);
    } catch (unknown) {
      read = relaxedCompound(unitText, wanted);
      if (!read) {
        if (/^unknown unit/.test(unknown.message))
          unknown.message += " (this form reads SI units only: " + (asked ? "write the answer in " + asked :
                                                                       "write the number alone, without a unit") + ")";
        throw unknown;
      }
    }
    if (!sameDim(read, wanted)) read = relaxedCompound(unitText, wanted) || read;
    if (!sameDim(read, wanted))
      throw unitError(asked ? "the unit " + shown(unitText) + " is not a " + (DIMENSION_NAMES[asked] ||
                              "quantity of that kind") + "; the answer is asked in " + asked :
                      "the unit " + shown(unitText) + " does not fit: the answer is a pure number (no unit, or %)");
    if (!read.offset && !wanted.offset) return finite(shifted(numberText, x, read.scale / wanted.scale), raw);
    return finite((x * read.scale + read.offset - wanted.offset) / wanted.scale, raw);
  }

  /** units.unit_note: "megavolts (MV)? write mV" for a unit that differs from the one asked in case only. */
  function unitNote(unitText, asked) {
    if (!asked || !unitText) return null;
    var typed = cleanUnit(unitText), want = cleanUnit(asked), wanted = fastUnit(asked);
    if (typed === want || typed.toLowerCase() !== want.toLowerCase() || wanted === null) return null;
    for (var i = 0; i < FAST_BASES.length; i++) {
      if (FAST_BASES[i][1] !== wanted[0]) continue;
      var prefixes = Object.keys(PREFIX);
      for (var j = 0; j < prefixes.length; j++) {
        var p = prefixes[j], base = FAST_BASES[i][0];
        if (typed.slice(0, p.length) === p && typed.slice(p.length).toLowerCase() === base.toLowerCase() &&
            p + base !== want)
          return unitText + " means " + (PREFIX_NAME[p] || "") + FAST_BASES[i][2] + "; check the prefix (did you mean " +
            asked + "?)";
      }
    }
    return null;
  }

  /** One typed answer as the grader reads it: {ok: true, value, note} or {ok: false, message}. */
  var OTHER_BASE = whole("([+-]?0([xobXOB])[0-9A-Fa-f_]+)[ \\t]*(?:" + UNIT + ")?");
  var BASE_NAMES = {x: "hexadecimal", o: "octal", b: "binary"};

  function read(asked, text) {
    // refused by the grader as a string (and as a bare TOML number, units.check_decimal_token,
    // whose message this is)
    var other = OTHER_BASE.exec(strip(text));
    if (other)
      return {ok: false, kind: "format", message: other[1] + " is a " + BASE_NAMES[other[2].toLowerCase()] +
              " number; write it with the digits 0-9"};
    try {
      var value = toUnit(text, asked);
      var m = ANSWER.exec(normalize(text));
      return {ok: true, value: value, note: unitNote(strip((m && m[2]) || ""), asked)};
    } catch (e) {
      return {ok: false, message: e.message, kind: e.kind || "format"};
    }
  }

  /** grading.chosen_option: the label "b", "(b)", "b)", "b.", " B " or a fullwidth "ｂ" names. */
  function chosenLabel(labels, text) {
    var t = strip(String(text).normalize("NFKC")).replace(/^[()]+|[()]+$/g, "");
    t = strip(t).replace(/[).]+$/, "").toLowerCase();
    return labels.indexOf(t) >= 0 ? t : null;
  }

  var api = {read: read, chosenLabel: chosenLabel, normalize: normalize};
  if (typeof module !== "undefined" && module.exports) module.exports = api;
  else root.SpikesetAnswer = api;
})(typeof window !== "undefined" ? window : this);
