"""Read a simulation statement as a student would, and simulate from what it prints only.

:func:`read_statement` turns a rendered statement (HTML) into text and takes from it the printed
parameters, the rate functions (the printed formulas themselves, compiled into Python), phi's Q10
and reference temperature, and the table of resting states.  :class:`PrintedModel` integrates the
printed equations with scipy (LSODA, tight tolerances) from a printed resting state.  Nothing here
imports spikeset's physics.
"""
from __future__ import annotations

import html
import math
import re
from dataclasses import dataclass

import numpy as np
from scipy.integrate import solve_ivp

_NUM = r"(-?\d+(?:\.\d+)?)"


def statement_text(statement_html: str) -> str:
    """Plain text of a rendered statement: table cells separated by ' | ', rows and paragraphs by
    newlines, entities decoded, typographic minus as '-'."""
    s = re.sub(r"</t[dh]>", " | ", str(statement_html))
    s = re.sub(r"</tr>|</p>|<br\s*/?>|</li>", "\n", s)
    s = re.sub(r"<[^>]+>", "", s)
    return html.unescape(s).replace("\u2212", "-")


def _find(pattern: str, text: str) -> float:
    m = re.search(pattern, text)
    assert m, f"the statement does not print {pattern!r}"
    return float(m.group(1))


def _compile_rate(expr: str):
    """A printed rate formula in V as a Python function (only V and exp are allowed)."""
    assert re.fullmatch(r"[\dV+\-*/(). exp]+", expr), f"unexpected characters in printed rate {expr!r}"
    code = "lambda V: " + expr.replace("exp(", "_exp(").replace(") (", ") * (").replace("1 (", "1 * (")
    code = re.sub(r"(\d) (\(|_exp)", r"\1 * \2", code)
    code = re.sub(r"\) _exp", ") * _exp", code)
    return eval(code, {"_exp": math.exp, "__builtins__": {}})  # noqa: S307 - our own rendered text


@dataclass
class Printed:
    """What a simulation statement prints: the parameters (dict), the rate functions, Q10 and the
    reference temperature of phi, the resting-state table (label -> (V, m, h, n)) and the text."""

    params: dict
    rates: dict
    q10: float
    t_ref: float
    rests: dict
    text: str

    def number(self, pattern: str) -> float:
        """The number captured by ``pattern`` (a regular expression with one group) in the text."""
        return _find(pattern, self.text)


def read_statement(statement_html: str) -> Printed:
    text = statement_text(statement_html)
    params = {
        "C_m": _find(r"Cm = " + _NUM + r" µF/cm2", text),
        "g_Na": _find(r"g\u0304Na = " + _NUM + r" mS/cm2", text),
        "g_K": _find(r"g\u0304K = " + _NUM + r" mS/cm2", text),
        "g_L": _find(r"gL = " + _NUM + r" mS/cm2", text),
        "E_Na": _find(r"ENa = " + _NUM + r" mV", text),
        "E_K": _find(r"EK = " + _NUM + r" mV", text),
        "E_L": _find(r"EL = " + _NUM + r" mV", text),
        "temperature": _find(r"T = " + _NUM + r" °C", text),
    }
    rates = {}
    for name in ("alpha_m", "beta_m", "alpha_h", "beta_h", "alpha_n", "beta_n"):
        m = re.search(rf"^{name}\(V\) = (.+)$", text, re.M)
        assert m, f"the statement does not print {name}"
        rates[name] = _compile_rate(m.group(1).strip())
    m = re.search(r"phi = Q10\^\(\(T - " + _NUM + r"\) / 10\)\s+with Q10 = " + _NUM, text)
    assert m, "the statement does not print phi"
    t_ref, q10 = float(m.group(1)), float(m.group(2))
    rests = {}
    table = text[text.index("resting state | V (mV)"):]
    for line in table.splitlines()[1:]:
        if not line.strip():
            continue
        cells = [c.strip() for c in line.split("|")]
        if len(cells) < 5:
            break
        rests[cells[0]] = tuple(float(c) for c in cells[1:5])
    assert rests, "no resting state printed"
    return Printed(params, rates, q10, t_ref, rests, text)


@dataclass
class Run:
    """A simulated record on a fine grid: t (ms), V (mV), m, h, n."""

    t: np.ndarray
    V: np.ndarray
    m: np.ndarray
    h: np.ndarray
    n: np.ndarray

    def spikes(self) -> tuple[np.ndarray, np.ndarray]:
        """(peak times, peak voltages) of the upward crossings of 0 mV."""
        above = self.V > 0.0
        ups = np.flatnonzero(above[1:] & ~above[:-1]) + 1
        downs = np.flatnonzero(~above[1:] & above[:-1]) + 1
        times, peaks = [], []
        for u in ups:
            d = downs[downs > u]
            e = d[0] if d.size else self.V.size
            k = u + int(np.argmax(self.V[u:e]))
            times.append(self.t[k])
            peaks.append(self.V[k])
        return np.array(times), np.array(peaks)

    def crossing(self, level: float, start: int, rising: bool) -> float:
        """Time of the first crossing of ``level`` at or after sample ``start`` (linear interpolation)."""
        v = self.V[start:] - level
        idx = np.flatnonzero((v[:-1] < 0) & (v[1:] >= 0)) if rising else np.flatnonzero((v[:-1] > 0) & (v[1:] <= 0))
        k = start + int(idx[0])
        return float(self.t[k] + (self.t[k + 1] - self.t[k]) * (level - self.V[k]) / (self.V[k + 1] - self.V[k]))


class PrintedModel:
    """The printed HH equations with printed (possibly changed) parameters."""

    def __init__(self, printed: Printed, **changes: float):
        self.p = {**printed.params, **changes}
        self.phi = printed.q10 ** ((self.p["temperature"] - printed.t_ref) / 10.0)
        self.r = printed.rates

    def rate(self, name: str, V: float) -> float:
        try:
            return self.r[name](V)
        except ZeroDivisionError:     # exactly at the removable singularity
            return self.r[name](V + 1e-9)

    def steady(self, gate: str, V: float) -> float:
        a, b = self.rate(f"alpha_{gate}", V), self.rate(f"beta_{gate}", V)
        return a / (a + b)

    def i_ion(self, V, m, h, n):
        p = self.p
        return p["g_Na"] * m**3 * h * (V - p["E_Na"]) + p["g_K"] * n**4 * (V - p["E_K"]) + p["g_L"] * (V - p["E_L"])

    def rest(self) -> tuple[float, float, float, float]:
        """The lowest root of the steady-state current (the statement's definition of rest)."""
        from scipy.optimize import brentq

        def i_ss(V):
            return self.i_ion(V, self.steady("m", V), self.steady("h", V), self.steady("n", V))
        lo = min(self.p["E_Na"], self.p["E_K"], self.p["E_L"])
        grid = np.arange(lo, 0.0, 0.1)
        vals = [i_ss(v) for v in grid]
        k = next(i for i in range(1, len(grid)) if vals[i] >= 0 > vals[i - 1])
        v = brentq(i_ss, grid[k - 1], grid[k], xtol=1e-12)
        return v, self.steady("m", v), self.steady("h", v), self.steady("n", v)

    def _rhs(self, t, y, i_stim):
        V, m, h, n = y
        phi, r = self.phi, self.rate
        return [(i_stim - self.i_ion(V, m, h, n)) / self.p["C_m"],
                phi * (r("alpha_m", V) * (1 - m) - r("beta_m", V) * m),
                phi * (r("alpha_h", V) * (1 - h) - r("beta_h", V) * h),
                phi * (r("alpha_n", V) * (1 - n) - r("beta_n", V) * n)]

    def run(self, start_state, pulses, t_end: float, dt: float = 0.005) -> Run:
        """Integrate from ``start_state`` (V, m, h, n) with ``pulses`` [(onset, duration, amplitude)]
        (currents add) to ``t_end`` ms; the record is on a ``dt`` grid."""
        edges = sorted({0.0, t_end, *[e for a, d, _ in pulses for e in (a, a + d) if 0 < e < t_end]})
        y = list(start_state)
        ts, ys = [], []
        for t0, t1 in zip(edges[:-1], edges[1:]):
            mid = 0.5 * (t0 + t1)
            i = sum(amp for a, d, amp in pulses if a <= mid < a + d)
            sol = solve_ivp(self._rhs, (t0, t1), y, method="LSODA", args=(i,), rtol=1e-8, atol=1e-9,
                            max_step=0.5, dense_output=True)
            grid = np.arange(t0, t1, dt)
            ts.append(grid)
            ys.append(sol.sol(grid))
            y = sol.y[:, -1]
        ts.append(np.array([t_end]))
        ys.append(np.array(y)[:, None])
        t = np.concatenate(ts)
        V, m, h, n = np.concatenate(ys, axis=1)
        return Run(t, V, m, h, n)
