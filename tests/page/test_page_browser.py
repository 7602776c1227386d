"""The student's problems.html in a real headless Chromium (Debian's chromium, driven by Playwright).

One generated set, one browser for the module: a student types every answer, saves answers.toml
(and a simulated trace), `spikeset grade` gives the expected score; invalid inputs show the
grader's rules; answers survive a reload; a saved file opens again and a foreign one is refused;
the simulator agrees with the reference solver; no console error and no network request.
Screenshots go to $SPIKESET_SCREENSHOTS (default: the test's temporary folder).
"""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from spikeset.solutions.hh_model import HHParams
from spikeset.solutions.hh_solver import simulate
from spikeset.solutions.hh_stimulus import Stimulus

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]
playwright_api = pytest.importorskip("playwright.sync_api")
pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="chromium missing: run .ci/system-deps")]

ASSIGNMENT = """\
id = "page-e2e"
title = "Page end to end"

[[problems]]
family = "nernst"
points = 4

[[problems]]
family = "refractory"
points = 4

[[problems]]
family = "sim-peak-ahp"
points = 4

[[problems]]
family = "concepts"
points = 3
"""
SECRET = "page-e2e-test-secret-0123456789"
SPIKESET = [sys.executable, "-m", "spikeset"]


def _run(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "SPIKESET_SECRET": SECRET}
    return subprocess.run([*SPIKESET, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = tmp_path_factory.mktemp("page")
    (root / "assignment.toml").write_text(ASSIGNMENT, encoding="utf-8")
    (root / "roster.csv").write_text("id,name\ns042,Ada Lovelace\n", encoding="utf-8")
    done = _run("generate", "assignment.toml", "--roster", "roster.csv", "--out", "build", "--no-pdf", cwd=root)
    assert done.returncode == 0, done.stderr
    key = json.loads((root / "build/instructor/key.json").read_text())["students"]["s042"]
    return root, root / "build/students/s042/problems.html", key


@pytest.fixture(scope="module")
def browser():
    with playwright_api.sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


def _watched_page(browser, path: Path):
    """A fresh page on ``path``, and the list its console errors, page errors and requests go to."""
    context = browser.new_context(accept_downloads=True, viewport={"width": 1000, "height": 1300})
    page = context.new_page()
    problems = []
    page.on("console", lambda m: problems.append(f"console {m.type}: {m.text}") if m.type in ("error", "warning") else None)
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    page.on("requestfailed", lambda r: problems.append(f"request failed: {r.url}"))
    page.on("request", lambda r: None if r.url.startswith(("file://", "blob:", "data:"))
            else problems.append(f"network request: {r.url}"))
    page.goto(path.as_uri())
    return context, page, problems


@pytest.fixture()
def page(browser, built):
    context, page, problems = _watched_page(browser, built[1])
    yield page
    context.close()
    assert problems == []


_SHOTS: list[Path] = []


@pytest.fixture(scope="module", autouse=True)
def _screenshot_folder(tmp_path_factory):
    folder = Path(os.environ.get("SPIKESET_SCREENSHOTS") or tmp_path_factory.mktemp("screenshots"))
    folder.mkdir(parents=True, exist_ok=True)
    _SHOTS[:] = [folder]


def shots() -> Path:
    return _SHOTS[0]


def _typed(q: dict) -> str:
    """What a careful student types: six significant figures and the unit (none for a pure number)."""
    value = f"{q['answer']:.6g}"
    return f"{value} {q['unit']}" if q["unit"] else value


def _type_answer(page, qid: str, text: str) -> None:
    box = page.locator(f"#sf-in-{qid.replace('.', '-')}")
    box.click()
    box.press("Control+a")
    box.press("Delete")
    box.press_sequentially(text)


def _choose(page, qid: str, label: str) -> None:
    radio = page.locator(f"#sf-in-{qid.replace('.', '-')}-{label}")
    radio.focus()
    radio.press("Space")


def _message(page, qid: str) -> str:
    return page.locator(f"#sf-msg-{qid.replace('.', '-')}").inner_text()


def test_page_is_one_offline_file(built):
    html = built[1].read_text(encoding="utf-8")
    assert len(html.encode()) <= 1_500_000
    assert not re.search(r"""<(script|link|img|iframe)[^>]+(src|href)=["']?(https?:)?//""", html)
    assert "uPlot" in html and 'id="spikeset-form-data"' in html
    assert "p3-trace.csv" in html and '"answer"' not in html.split('id="spikeset-form-data"')[1].split("</script>")[0]


def test_student_fills_saves_and_is_graded(page, built):
    root, _, key = built
    questions = key["questions"]
    wrong = "p1.a"                  # one deliberate wrong answer: the score must drop by its points
    for qid, q in questions.items():
        if q["type"] == "choice":
            _choose(page, qid, q["answer"])
        elif qid == "p3.b":
            continue                # the undershoot: answered by the simulated trace below
        elif qid == wrong:
            _type_answer(page, qid, f"{3 * q['answer']:.6g} {q['unit']}")
        else:
            _type_answer(page, qid, _typed(q))
        assert _message(page, qid) == ""
    count = page.locator(".sf-count").inner_text()
    assert count.startswith(f"{len(questions) - 1} of {len(questions)} answered")  # p3.b: by trace, below
    # the simulator: run the printed protocol, save its trace, tick "grade my trace" for p3.b
    page.locator("#sf-sim-p3-run").click()
    page.wait_for_function("document.getElementById('sf-sim-p3').spikesetResult !== undefined")
    submission = root / "submission"
    submission.mkdir()
    with page.expect_download() as got:
        page.locator("#sf-sim-p3-csv").click()
    assert got.value.suggested_filename == "p3-trace.csv"
    got.value.save_as(submission / "p3-trace.csv")
    page.locator("#sf-tr-p3-b").check()
    assert page.locator(".sf-count").inner_text().startswith(f"{len(questions)} of {len(questions)} answered")
    page.screenshot(path=str(shots() / "page-form.png"))
    page.locator("#sf-sim-p3").screenshot(path=str(shots() / "page-simulator.png"))
    with page.expect_download() as got:
        page.locator("#sf-save").click()
    assert got.value.suggested_filename == "answers.toml"
    got.value.save_as(submission / "answers.toml")
    text = (submission / "answers.toml").read_text(encoding="utf-8")
    blank = (root / "build/students/s042/answers.toml").read_text(encoding="utf-8")
    assert text.startswith(blank[: blank.index("[answers]")])
    assert '[traces]\n"p3.b" = "p3-trace.csv"' in text

    report = root / "grades.json"
    done = _run("grade", "assignment.toml", str(submission / "answers.toml"), "--json", str(report), cwd=root)
    assert done.returncode == 0, done.stderr
    result = json.loads(report.read_text())["submissions"][0]
    by_id = {q["id"]: q for q in result["questions"]}
    assert by_id["p3.b"]["trace"] and by_id["p3.b"]["points"] == pytest.approx(questions["p3.b"]["points"])
    assert "undershoot minimum" in by_id["p3.b"]["feedback"]
    expected = sum(q["points"] for q in questions.values()) - questions[wrong]["points"]
    assert result["score"] == pytest.approx(expected, abs=1e-3)
    assert by_id[wrong]["points"] == 0


def test_invalid_inputs_show_the_rule(page):
    # the grader's own hints (answer_grammar.js; tests/page/test_answer_grammar_agreement.py)
    cases = {
        "-26,90 mV": "write -26.90 mV, with a decimal point",
        "147,866.1 mV": "write 147866.1 mV, without the separator",
        "-7 6.67 mV": "space inside the number",
        "2 mV*3": "is a calculation",
        "12 ms": "the unit 'ms' is not a voltage; the answer is asked in mV",
        "abc": "expected a number in mV",
        "\u2248 60": "write the number alone, without '\u2248'",
        "60 +/- 2 mV": "without the uncertainty '+/- 2': 60 mV",
        "55-60": "is a range",
        "- 89.1 mV": "write the sign next to the number: -89.1 mV",
        "10.0x0 mV": "x to the power 0",
        "0x36": "0x36 is a hexadecimal number; write it with the digits 0-9",
    }
    for typed, message in cases.items():
        _type_answer(page, "p1.a", typed)
        assert message in _message(page, "p1.a"), typed
        assert page.locator("#sf-in-p1-a").get_attribute("aria-invalid") == "true"
    _type_answer(page, "p1.a", "-26.9 MV")
    assert "MV means megavolts" in _message(page, "p1.a")
    for typed in ("\u221226.90 mV", "-26.90mv", "-2.69e1 mV", "-.5 mV", "+26.9", "-26.90 mV"):
        _type_answer(page, "p1.a", typed)
        assert _message(page, "p1.a") == "", typed
    assert "1 to fix" not in page.locator(".sf-count").inner_text()
    page.locator("#sf-in-p1-a").screenshot(path=str(shots() / "page-input.png"))
    # the rules per dimension, through the page's own checker
    check = "([id, text]) => window.spikesetForm.check(id, text).state"
    # "mm" on a concentration question is mM, "ms/cm^2" is mS/cm^2, as the grader reads them
    states = {("p1.b", "2.5 mM"): "ok", ("p1.b", "2.5 mm"): "ok", ("p1.b", "2.5 mmol/L"): "ok",
              ("p1.b", "2.5 mV"): "error", ("p2.a", "49.1 mS/cm2"): "ok", ("p2.a", "49.1 mS/cm\u00b2"): "ok",
              ("p2.a", "49.1 ms/cm^2"): "ok", ("p2.a", "49.1 MS/cm^2"): "warn", ("p2.a", "49.1 ms/CM2"): "ok",
              ("p2.a", "49.1 mS/(cm2)"): "ok", ("p2.a", "49.1 (mS/cm2)"): "error", ("p1.a", "-26.9 mv"): "ok", ("p1.a", "1,234 mV"): "error",
              ("p2.a", "49.1 mV"): "error", ("p2.b", "74.5 %"): "ok", ("p2.b", "74.5"): "ok",
              ("p2.b", "74.5 mV"): "error", ("p1.a", "5 %"): "error", ("p1.a", "~60"): "error",
              ("p1.a", "- 89.1"): "error", ("p1.a", "0x36"): "error", ("p1.a", "-89.1 \u00b0"): "error",
              ("p4.a", "b"): "ok", ("p4.a", "B."): "ok", ("p4.a", "(b)"): "ok", ("p4.a", "\uff42"): "ok",
              ("p4.a", "z"): "error", ("p4.a", "\u0432"): "error"}
    for (qid, text), state in states.items():
        assert page.evaluate(check, [qid, text]) == state, (qid, text)


def test_answers_survive_a_reload_and_open_again(page, built, tmp_path):
    _type_answer(page, "p1.a", "-26.90 mV")
    _choose(page, "p4.a", "b")
    page.reload()
    assert page.locator("#sf-in-p1-a").input_value() == "-26.90 mV"
    assert page.locator("#sf-in-p4-a-b").is_checked()
    with page.expect_download() as got:
        page.locator("#sf-save").click()
    saved = tmp_path / "answers.toml"
    got.value.save_as(saved)
    page.evaluate("localStorage.clear()")
    _type_answer(page, "p1.a", "1 mV")
    page.locator("#sf-open-file").set_input_files(str(saved))
    page.wait_for_function("document.getElementById('sf-in-p1-a').value === '-26.90 mV'")
    assert "Opened answers.toml" in page.locator(".sf-status").inner_text()
    foreign = tmp_path / "other.toml"
    foreign.write_text(saved.read_text().replace('student = "s042"', 'student = "s999"'), encoding="utf-8")
    page.locator("#sf-open-file").set_input_files(str(foreign))
    page.wait_for_function("document.querySelector('.sf-status').textContent.startsWith('Not opened')")
    assert "this file is for s999" in page.locator(".sf-status").inner_text()
    assert page.locator("#sf-in-p1-a").input_value() == "-26.90 mV"
    # a choice written as the grader reads it ("B.") opens as that option, shown chosen and valid
    edited = tmp_path / "edited.toml"
    edited.write_text(saved.read_text().replace('"p4.a" = "b"', '"p4.a" = "B."')
                      .replace('"p1.a" = "-26.90 mV"', '"p1.a" = -2_6.90'), encoding="utf-8")
    assert '"p4.a" = "B."' in edited.read_text() and '"p1.a" = -2_6.90' in edited.read_text()
    page.locator("#sf-open-file").set_input_files(str(edited))
    page.wait_for_function("document.querySelector('.sf-status').textContent.includes('edited.toml')")
    assert page.locator("#sf-in-p4-a-b").is_checked() and _message(page, "p4.a") == ""
    assert page.locator("#sf-in-p1-a").input_value() == "-26.90"     # a bare TOML number, read as its value
    broken = tmp_path / "broken.toml"
    broken.write_text(saved.read_text().replace('"p1.a" = "-26.90 mV"', 'p1 = {a = 1}'), encoding="utf-8")
    page.locator("#sf-open-file").set_input_files(str(broken))
    page.wait_for_function("document.querySelector('.sf-status').textContent.includes('broken.toml')")
    assert "not a simple key" in page.locator(".sf-status").inner_text()


def test_simulator_agrees_with_reference(page, built):
    data = json.loads(page.locator("#spikeset-form-data").text_content())
    sim = data["simulators"][0]
    pulse = sim["pulses"][0]
    page.locator("#sf-sim-p3-run").click()
    page.wait_for_function("document.getElementById('sf-sim-p3').spikesetResult !== undefined")
    got = page.evaluate("(() => { const r = document.getElementById('sf-sim-p3').spikesetResult;"
                        " return {spikes: r.spikes, ahp: r.ahp, ms: r.elapsedMs}; })()")
    ref = simulate(HHParams(**sim["params"]), Stimulus.pulse(pulse["amplitude"], pulse["start"], pulse["duration"]),
                   sim["t_end"], rtol=1e-10, atol=1e-10, max_step_ms=0.5)
    assert [s["t"] for s in got["spikes"]] == pytest.approx(list(ref.spike_times(0)), abs=0.01)
    assert [s["v"] for s in got["spikes"]] == pytest.approx(list(ref.spike_peaks(0)), abs=0.05)
    assert got["ahp"]["v"] == pytest.approx(float(ref.ahp_min_mV[0]), abs=0.05)
    # the cursor readout follows the mouse over the voltage plot
    box = page.locator("#sf-sim-p3-plotV .u-over").bounding_box()
    page.mouse.move(box["x"] + box["width"] * 0.3, box["y"] + box["height"] / 2)
    assert re.match(r"t = [\d.]+ ms, V = -?[\d.]+ mV", page.locator("#sf-sim-p3-readout").inner_text())
    # a 110 ms run with repetitive firing, timed in the page
    page.locator("#sf-sim-p3-tend").fill("110")
    page.locator("#sf-sim-p3-pulse0-amplitude").fill("20")
    page.locator("#sf-sim-p3-pulse0-duration").fill("100")
    page.locator("#sf-sim-p3-run").click()
    page.wait_for_function("document.getElementById('sf-sim-p3-msg').textContent.startsWith('Simulated 110')")
    elapsed = page.evaluate("document.getElementById('sf-sim-p3').spikesetResult.elapsedMs")
    assert elapsed < 1000
    print(f"110 ms simulated in the page in {elapsed:.0f} ms")


def test_printing_shows_the_answer_boxes_not_the_form(page):
    page.emulate_media(media="print")
    assert page.locator("#p1\\.a .answer-box").is_visible()
    assert not page.locator("#sf-in-p1-a").is_visible()
    assert not page.locator(".sf-toolbar").is_visible() and not page.locator("#sf-sim-p3").is_visible()
    page.emulate_media(media="screen")
    assert page.locator("#sf-in-p1-a").is_visible() and not page.locator("#p1\\.a .answer-box").is_visible()


SLOW_GATES = """\
id = "page-slow-gates"
title = "Slow gates in the page"

[[problems]]
family = "anode-break"
points = 4

[[problems]]
family = "accommodation"
points = 4
"""


@pytest.fixture(scope="module")
def slow_gates(tmp_path_factory):
    """The problems.html of one student with an anode-break (p1) and an accommodation (p2) problem
    (rendered in this process, as `spikeset generate` does), and that student's set."""
    from spikeset.render.render import render_problem_set
    from spikeset.variants.assemble import assemble
    from spikeset.variants.assignment import parse_assignment
    from spikeset.variants.roster import Student

    student_set = assemble(parse_assignment(SLOW_GATES), [Student("s042")], SECRET.encode())[0]
    path = tmp_path_factory.mktemp("slow-gates") / "problems.html"
    path.write_text(render_problem_set(student_set), encoding="utf-8")
    return path, student_set


def _run_simulator(page, prefix: str) -> dict:
    page.evaluate(f"delete document.getElementById('sf-sim-{prefix}').spikesetResult")
    page.locator(f"#sf-sim-{prefix}-run").click()
    page.wait_for_function(f"document.getElementById('sf-sim-{prefix}').spikesetResult !== undefined")
    return page.evaluate(f"(() => {{ const r = document.getElementById('sf-sim-{prefix}').spikesetResult;"
                         " return {spikes: r.spikes, t_end: r.t[r.t.length - 1]}; })()")


def _assert_agrees(got: dict, params: dict, stimulus: Stimulus) -> None:
    hh = HHParams(**{k: float(params[k]) for k in ("C_m", "g_Na", "g_K", "g_L", "E_Na", "E_K", "E_L", "temperature")})
    ref = simulate(hh, stimulus, got["t_end"], rtol=1e-10, atol=1e-10, max_step_ms=0.5)
    assert [s["t"] for s in got["spikes"]] == pytest.approx(list(ref.spike_times(0)), abs=0.01)
    assert [s["v"] for s in got["spikes"]] == pytest.approx(list(ref.spike_peaks(0)), abs=0.05)


def test_slow_gate_simulators_start_neutral_and_run_the_printed_protocols(browser, slow_gates):
    from spikeset.solutions.slow_gates import hyperpolarizing_step, ramp_and_hold

    path, student_set = slow_gates
    anode, accommodation = student_set.problems
    ab, acc = anode.params, accommodation.params
    context, page, problems = _watched_page(browser, path)
    data = page.locator("#spikeset-form-data").text_content()
    for value in (anode.solution["threshold"], anode.solution["latency"], anode.solution["n_release"],
                  accommodation.solution["step_threshold"], accommodation.solution["critical_slope"]):
        assert f"{value:.4g}" not in data
    # nothing runs on its own, and no amplitude the student must find is filled in
    for prefix in ("p1", "p2"):
        assert page.evaluate(f"document.getElementById('sf-sim-{prefix}').spikesetResult") is None
        assert page.locator(f"#sf-sim-{prefix}-plotV").inner_html() == ""
        assert page.locator(f"#sf-sim-{prefix}-pulse0-amplitude").input_value() == "0"
    assert "negative amplitude" in page.locator("#sf-sim-p1").inner_text()

    # anode break: the student types the printed step of (b) as a negative amplitude
    assert float(page.locator("#sf-sim-p1-pulse0-duration").input_value()) == ab["duration_ms"]
    page.locator("#sf-sim-p1-pulse0-amplitude").fill(f"\u2212{ab['amplitude']:g}")
    got = _run_simulator(page, "p1")
    _assert_agrees(got, ab, hyperpolarizing_step(ab["amplitude"], ab["start_ms"], ab["duration_ms"]))
    release = ab["start_ms"] + ab["duration_ms"]
    assert got["spikes"][0]["t"] - release == pytest.approx(anode.solution["latency"], abs=0.01)
    page.locator("#sf-sim-p1").screenshot(path=str(shots() / "page-simulator-anode-break.png"))

    # accommodation: the step first; "Add a ramp" gives the printed slow ramp, which does not fire
    assert float(page.locator("#sf-sim-p2-pulse0-duration").input_value()) == acc["hold_ms"]
    assert not page.locator("#sf-sim-p2-ramps").is_visible()
    page.locator("#sf-sim-p2-add-ramp").click()
    assert page.locator("#sf-sim-p2-ramps").is_visible()
    assert float(page.locator("#sf-sim-p2-ramp0-slope").input_value()) == acc["slow_slope"]
    assert float(page.locator("#sf-sim-p2-ramp0-final").input_value()) == acc["final_current"]
    ramp_end = acc["start_ms"] + acc["final_current"] / acc["slow_slope"] + acc["hold_ms"]
    assert float(page.locator("#sf-sim-p2-tend").input_value()) >= ramp_end
    got = _run_simulator(page, "p2")
    assert got["spikes"] == []
    _assert_agrees(got, acc, ramp_and_hold(acc["final_current"], acc["slow_slope"], acc["start_ms"], acc["hold_ms"]))
    # a ramp just steeper than the key's critical slope fires, as the reference says
    steep = round(1.03 * accommodation.solution["critical_slope"], 4)
    page.locator("#sf-sim-p2-ramp0-slope").fill(str(steep))
    got = _run_simulator(page, "p2")
    assert len(got["spikes"]) >= 1
    _assert_agrees(got, acc, ramp_and_hold(acc["final_current"], steep, acc["start_ms"], acc["hold_ms"]))
    page.locator("#sf-sim-p2").screenshot(path=str(shots() / "page-simulator-accommodation.png"))
    # a slope the simulator cannot run says why
    page.locator("#sf-sim-p2-ramp0-slope").fill("0")
    page.locator("#sf-sim-p2-run").click()
    assert "ramp 1: the slope must be > 0" in page.locator("#sf-sim-p2-msg").inner_text()
    # a run shorter than the protocol says so
    page.locator("#sf-sim-p2-ramp0-slope").fill(str(acc["slow_slope"]))
    page.locator("#sf-sim-p2-tend").fill("20")
    page.locator("#sf-sim-p2-run").click()
    page.wait_for_function("document.getElementById('sf-sim-p2-msg').textContent.startsWith('Simulated 20')")
    assert "still on at the end" in page.locator("#sf-sim-p2-msg").inner_text()
    # printed: no simulator
    page.emulate_media(media="print")
    assert not page.locator("#sf-sim-p1").is_visible() and not page.locator("#sf-sim-p2").is_visible()
    context.close()
    assert problems == []


# On a phone (360 px wide) nothing pushes the page sideways: a table wider than the screen (the
# simulation's parameters and resting states, the simulator's pulses) scrolls in its own box, and
# a long name wraps.
_OVERFLOW = """() => {
  const width = document.documentElement.clientWidth, out = [];
  for (const el of document.querySelectorAll('body *')) {
    const box = el.getBoundingClientRect();
    if (box.width === 0 || box.right <= width + 1) continue;
    let up = el.parentElement, scrolls = false;
    for (; up; up = up.parentElement) {
      if (['auto', 'scroll', 'hidden'].includes(getComputedStyle(up).overflowX)) { scrolls = true; break; }
    }
    if (!scrolls) out.push(`${el.tagName.toLowerCase()}.${el.className} ends at ${Math.round(box.right)} px`);
  }
  return {width, scrollWidth: document.documentElement.scrollWidth, out: out.slice(0, 5)};
}"""


def _overflow_at(browser, url: str, width: int = 360) -> dict:
    context = browser.new_context(viewport={"width": width, "height": 800})
    try:
        page = context.new_page()
        page.goto(url)
        return page.evaluate(_OVERFLOW)
    finally:
        context.close()


def test_a_phone_shows_the_page_without_sideways_scrolling(browser, built, tmp_path):
    got = _overflow_at(browser, built[1].as_uri())
    assert got["out"] == [] and got["scrollWidth"] == got["width"], got

    from spikeset.render.render import render_problem_set
    from spikeset.variants.assemble import assemble
    from spikeset.variants.assignment import parse_assignment
    from spikeset.variants.roster import Student

    name = "Nguyễn Thị Minh Khai " + "Wolfeschlegelsteinhausenbergerdorff " * 4
    a = parse_assignment('id="long-name"\ntitle="T"\n[[problems]]\nfamily="nernst"\npoints=2\n')
    page_file = tmp_path / "problems.html"
    page_file.write_text(render_problem_set(assemble(a, [Student("s1", name)], SECRET.encode())[0]),
                         encoding="utf-8")
    got = _overflow_at(browser, page_file.as_uri())
    assert got["out"] == [] and got["scrollWidth"] == got["width"], got


def test_a_phone_shows_the_feedback_page_without_sideways_scrolling(browser, built, tmp_path):
    from spikeset.cli.demo import sample_submission
    from spikeset.grade.grading import grade
    from spikeset.reports.report_html import feedback_pages, student_sets
    from spikeset.variants.assemble import assemble
    from spikeset.variants.assignment import load_assignment
    from spikeset.variants.roster import Student

    root = built[0]
    assignment = load_assignment(root / "assignment.toml")
    answers = tmp_path / "answers.toml"
    answers.write_text(sample_submission(assemble(assignment, [Student("s042", "Ada Lovelace")], SECRET.encode())[0],
                                         "misconception"), encoding="utf-8")
    report = grade(assignment=assignment, submissions=[answers], secret=SECRET.encode())
    for reveal in (False, True):
        (text,) = feedback_pages(report, reveal=reveal, sets=student_sets(report, SECRET.encode())).values()
        page_file = tmp_path / f"feedback-{reveal}.html"
        page_file.write_text(text, encoding="utf-8")
        got = _overflow_at(browser, page_file.as_uri())
        assert got["out"] == [] and got["scrollWidth"] == got["width"], (reveal, got)
