/* spikeset in-page Hodgkin-Huxley simulator (plain JS, no dependencies).
 *
 * The model is that of spikeset.solutions.hh_model (modern sign convention, V in mV, t in ms,
 * currents in uA/cm2, conductances in mS/cm2, C_m in uF/cm2, every rate times
 * phi = 3 ** ((T - 6.3) / 10)). Integration: adaptive Dormand-Prince 5(4) with its 4th-order
 * dense output (the tableau of scipy's RK45), tight tolerances, and every onset and offset of the
 * current an integration breakpoint (the right-hand side jumps or kinks there). Runs in a browser
 * and in node.
 *
 * The injected current is a sum of terms (currents in uA/cm2, times in ms), as in
 * spikeset.solutions.hh_stimulus and slow_gates.ramp_and_hold:
 *   a pulse  {amplitude, start, duration}: amplitude on [start, start + duration) (negative =
 *            hyperpolarizing);
 *   a ramp   {kind: "ramp", start, slope, final, hold}: from 0 at start the current moves linearly
 *            towards final by slope uA/cm2 per ms (slope > 0; a negative final makes it fall),
 *            reaches it after |final| / slope ms, and is held at final for hold ms.
 */
(function (root) {
  "use strict";

  function exprelInverse(x) {           // x / (1 - exp(-x)), exact limit 1 at x = 0
    if (Math.abs(x) < 1e-2) {
      var x2 = x * x;
      return 1 + x / 2 + x2 / 12 - x2 * x2 / 720 + x2 * x2 * x2 / 30240;
    }
    return x / -Math.expm1(-x);
  }

  function rates(V) {                   // [alpha_m, beta_m, alpha_h, beta_h, alpha_n, beta_n] at phi = 1 (1/ms)
    return [exprelInverse((V + 40) / 10), 4 * Math.exp(-(V + 65) / 18),
            0.07 * Math.exp(-(V + 65) / 20), 1 / (1 + Math.exp(-(V + 35) / 10)),
            0.1 * exprelInverse((V + 55) / 10), 0.125 * Math.exp(-(V + 65) / 80)];
  }

  function steadyGates(V) {
    var r = rates(V);
    return {m: r[0] / (r[0] + r[1]), h: r[2] / (r[2] + r[3]), n: r[4] / (r[4] + r[5])};
  }

  function steadyCurrent(p, V) {        // ionic current with every gate at steady state (uA/cm2)
    var g = steadyGates(V);
    return p.g_Na * g.m * g.m * g.m * g.h * (V - p.E_Na) + p.g_K * Math.pow(g.n, 4) * (V - p.E_K) +
           p.g_L * (V - p.E_L);
  }

  /** Resting state: the lowest root of the steady-state current between the lowest and highest
   *  reversal potential (scan every 0.25 mV, then bisection to adjacent floats). */
  function restingState(p) {
    var lo = Math.min(p.E_Na, p.E_K, p.E_L), hi = Math.max(p.E_Na, p.E_K, p.E_L);
    var n = Math.max(Math.ceil((hi - lo) / 0.25) + 1, 2), a = lo, b = hi;
    for (var i = 1; i < n; i++) {
      var v = (i === n - 1) ? hi : lo + (hi - lo) * i / (n - 1);
      if (steadyCurrent(p, v) >= 0) { b = v; break; }
      a = v;
    }
    for (var k = 0; k < 200; k++) {
      var mid = a + (b - a) / 2;
      if (mid <= a || mid >= b) break;
      if (steadyCurrent(p, mid) >= 0) b = mid; else a = mid;
    }
    var vr = Math.abs(steadyCurrent(p, a)) <= Math.abs(steadyCurrent(p, b)) ? a : b;
    var gates = steadyGates(vr);
    return {V: vr, m: gates.m, h: gates.h, n: gates.n};
  }

  function phiOf(p) { return Math.pow(3, (p.temperature - 6.3) / 10); }

  function derivatives(p, phi, current, y, out) {
    var V = y[0], m = y[1], h = y[2], n = y[3], r = rates(V);
    var iIon = p.g_Na * m * m * m * h * (V - p.E_Na) + p.g_K * n * n * n * n * (V - p.E_K) +
               p.g_L * (V - p.E_L);
    out[0] = (current - iIon) / p.C_m;
    out[1] = phi * (r[0] * (1 - m) - r[1] * m);
    out[2] = phi * (r[2] * (1 - h) - r[3] * h);
    out[3] = phi * (r[4] * (1 - n) - r[5] * n);
  }

  function finiteNumber(x) { return typeof x === "number" && isFinite(x); }

  /** The terms of the current as linear pieces {from, to, a, s}: a + s (t - from) uA/cm2 on
   *  [from, to) ms. Pulses of zero amplitude or duration and ramps to 0 are dropped; a term that
   *  cannot be simulated throws an Error saying what is expected. */
  function pieces(terms) {
    var out = [], counts = {pulse: 0, ramp: 0};
    (terms || []).forEach(function (q) {
      var kind = q.kind === "ramp" ? "ramp" : "pulse", what = kind + " " + (++counts[kind]) + ": ";
      if (q.kind === "ramp") {
        if (!finiteNumber(q.start) || !finiteNumber(q.slope) || !finiteNumber(q.final) || !finiteNumber(q.hold))
          throw new Error(what + "start, slope, final current and hold must be numbers");
        if (!(q.slope > 0)) throw new Error(what + "the slope must be > 0 (\u00b5A/cm\u00b2 per ms)");
        if (q.hold < 0) throw new Error(what + "the hold must be >= 0 ms");
        if (q.final === 0) return;
        var rampMs = Math.abs(q.final) / q.slope;
        out.push({from: q.start, to: q.start + rampMs, a: 0, s: q.final / rampMs});
        if (q.hold > 0) out.push({from: q.start + rampMs, to: q.start + rampMs + q.hold, a: q.final, s: 0});
      } else {
        if (!finiteNumber(q.amplitude) || !finiteNumber(q.start) || !(finiteNumber(q.duration) || q.duration === Infinity))
          throw new Error(what + "amplitude, start and duration must be numbers");
        if (q.amplitude !== 0 && q.duration > 0)
          out.push({from: q.start, to: q.start + q.duration, a: q.amplitude, s: 0});
      }
    });
    return out;
  }

  function currentAt(list, t) {         // the pieces' current at t (uA/cm2), onset inclusive
    var s = 0;
    for (var i = 0; i < list.length; i++) {
      var q = list[i];
      if (t >= q.from && t < q.to) s += q.a + q.s * (t - q.from);
    }
    return s;
  }

  /** Injected current (uA/cm2) at t (ms): the sum of the terms on at t (onset inclusive). */
  function stimulusAt(terms, t) { return currentAt(pieces(terms), t); }

  /** The current on the smooth stretch around t: [i0, i1] with I = i0 + i1 t (uA/cm2, t in ms). */
  function linearAt(list, t) {
    var i0 = 0, i1 = 0;
    for (var i = 0; i < list.length; i++) {
      var q = list[i];
      if (t >= q.from && t < q.to) { i0 += q.a - q.s * q.from; i1 += q.s; }
    }
    return [i0, i1];
  }

  /** When the last term of the current ends (ms; 0 for no current). */
  function stimulusEnd(terms) {
    return pieces(terms).reduce(function (end, q) { return Math.max(end, q.to); }, 0);
  }

  // Dormand-Prince 5(4): nodes, stages, 5th-order weights, error weights and dense output.
  var C = [0, 1 / 5, 3 / 10, 4 / 5, 8 / 9, 1];
  var A = [[], [1 / 5], [3 / 40, 9 / 40], [44 / 45, -56 / 15, 32 / 9],
           [19372 / 6561, -25360 / 2187, 64448 / 6561, -212 / 729],
           [9017 / 3168, -355 / 33, 46732 / 5247, 49 / 176, -5103 / 18656]];
  var B = [35 / 384, 0, 500 / 1113, 125 / 192, -2187 / 6784, 11 / 84, 0];
  var E = [-71 / 57600, 0, 71 / 16695, -71 / 1920, 17253 / 339200, -22 / 525, 1 / 40];
  var P = [[1, -8048581381 / 2820520608, 8663915743 / 2820520608, -12715105075 / 11282082432],
           [0, 0, 0, 0],
           [0, 131558114200 / 32700410799, -68118460800 / 10900136933, 87487479700 / 32700410799],
           [0, -1754552775 / 470086768, 14199869525 / 1410260304, -10690763975 / 1880347072],
           [0, 127303824393 / 49829197408, -318862633887 / 49829197408, 701980252875 / 199316789632],
           [0, -282668133 / 205662961, 2019193451 / 616988883, -1453857185 / 822651844],
           [0, 40617522 / 29380423, -110615467 / 29380423, 69997945 / 29380423]];

  /** Simulate from rest.
   *  p: {C_m, g_Na, g_K, g_L, E_Na, E_K, E_L, temperature}; pulses: the terms of the current (pulses
   *  {amplitude (uA/cm2), start (ms), duration (ms)} and ramps, see the top), added up; tEnd:
   *  duration (ms).
   *  Returns the trace sampled every opts.recordDt ms (t, V, m, h, n, I) and the spikes
   *  (excursions above 0 mV, timed at their peak) and local minima of V, located on the dense
   *  output. */
  function simulate(p, pulses, tEnd, opts) {
    opts = opts || {};
    var rtol = opts.rtol || 1e-9, atol = opts.atol || 1e-9, maxStep = opts.maxStep || 0.5;
    var recordDt = opts.recordDt || 0.01;
    if (!(tEnd > 0 && isFinite(tEnd))) throw new Error("the duration must be a positive number of ms");
    if (!(p.C_m > 0) || p.g_Na < 0 || p.g_K < 0 || p.g_L < 0 || !(p.g_K + p.g_L > 0))
      throw new Error("C_m must be > 0 and the conductances >= 0");
    var phi = phiOf(p), rest = restingState(p);
    var stim = pieces(pulses);
    var breaks = [tEnd];
    stim.forEach(function (q) {
      [q.from, q.to].forEach(function (b) { if (b > 0 && b < tEnd) breaks.push(b); });
    });
    breaks.sort(function (x, y) { return x - y; });
    var nRec = Math.floor(tEnd / recordDt + 1e-9) + 1;
    var rec = {t: new Float64Array(nRec), V: new Float64Array(nRec), m: new Float64Array(nRec),
               h: new Float64Array(nRec), n: new Float64Array(nRec), I: new Float64Array(nRec)};
    var y = [rest.V, rest.m, rest.h, rest.n], K = [], i, j, s;
    for (i = 0; i < 7; i++) K.push([0, 0, 0, 0]);
    var yStage = [0, 0, 0, 0], yNew = [0, 0, 0, 0], Q = [[0, 0, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0]];
    var t = 0, h = 0.01, steps = 0, rejected = 0, next = 0, spikes = [], minima = [];
    var above = y[0] > 0, spike = null, stepMax = null;

    function dense(theta, comp, y0, hh) {
      var q = Q[comp];
      return y0[comp] + hh * theta * (q[0] + theta * (q[1] + theta * (q[2] + theta * q[3])));
    }
    function slope(theta) {
      var q = Q[0];
      return q[0] + theta * (2 * q[1] + theta * (3 * q[2] + theta * 4 * q[3]));
    }
    function slopeRoot(lo, hi) {          // theta in [lo, hi] where dV/dt changes sign
      var slo = slope(lo);
      for (var it = 0; it < 60; it++) {
        var mid = 0.5 * (lo + hi), sm = slope(mid);
        if ((sm > 0) === (slo > 0)) { lo = mid; slo = sm; } else hi = mid;
      }
      return 0.5 * (lo + hi);
    }
    function record(t0, y0, hh, tEndStep) {
      while (next < nRec && next * recordDt <= tEndStep + 1e-12) {
        var tr = next * recordDt, theta = hh > 0 ? Math.min(Math.max((tr - t0) / hh, 0), 1) : 0;
        rec.t[next] = tr;
        rec.V[next] = dense(theta, 0, y0, hh); rec.m[next] = dense(theta, 1, y0, hh);
        rec.h[next] = dense(theta, 2, y0, hh); rec.n[next] = dense(theta, 3, y0, hh);
        rec.I[next] = currentAt(stim, tr);
        next++;
      }
    }
    function extrema(t0, y0, hh, f0, f1) {   // local extrema of V inside the step [t0, t0 + hh]
      var n8 = 8, prevTheta = 0, prevSlope = f0;
      for (var k = 1; k <= n8; k++) {
        var th = k / n8, sl = (k === n8) ? f1 : slope(th);
        if ((prevSlope > 0 && sl <= 0) || (prevSlope < 0 && sl >= 0)) {
          if (k === n8 && sl === 0) { prevTheta = th; prevSlope = sl; continue; }
          var r = slopeRoot(prevTheta, th), v = dense(r, 0, y0, hh), te = t0 + r * hh;
          if (prevSlope > 0) { if (!stepMax || v > stepMax.v) stepMax = {t: te, v: v}; }
          else minima.push({t: te, v: v});
        }
        prevTheta = th; prevSlope = sl;
      }
    }

    for (var seg = 0; seg < breaks.length; seg++) {
      var tStop = breaks[seg];
      if (tStop <= t) continue;
      var lin = linearAt(stim, 0.5 * (t + tStop)), i0 = lin[0], i1 = lin[1];
      derivatives(p, phi, i0 + i1 * t, y, K[0]);
      while (t < tStop) {
        if (h > maxStep) h = maxStep;
        var last = false;
        if (t + h >= tStop || t + 1.01 * h >= tStop) { h = tStop - t; last = true; }
        for (s = 1; s < 6; s++) {
          for (j = 0; j < 4; j++) {
            var acc = y[j];
            for (i = 0; i < s; i++) acc += h * A[s][i] * K[i][j];
            yStage[j] = acc;
          }
          derivatives(p, phi, i0 + i1 * (t + C[s] * h), yStage, K[s]);
        }
        for (j = 0; j < 4; j++) {
          var acc5 = y[j];
          for (i = 0; i < 6; i++) acc5 += h * B[i] * K[i][j];
          yNew[j] = acc5;
        }
        derivatives(p, phi, i0 + i1 * (t + h), yNew, K[6]);
        var err = 0;
        for (j = 0; j < 4; j++) {
          var e = 0;
          for (i = 0; i < 7; i++) e += E[i] * K[i][j];
          var sc = atol + rtol * Math.max(Math.abs(y[j]), Math.abs(yNew[j]));
          err += (h * e / sc) * (h * e / sc);
        }
        err = Math.sqrt(err / 4);
        if (!isFinite(err)) err = 1e10;        // an overflow on a too large step: reject it
        if (err <= 1) {
          for (j = 0; j < 4; j++) for (var c = 0; c < 4; c++) {
            var qa = 0;
            for (i = 0; i < 7; i++) qa += K[i][j] * P[i][c];
            Q[j][c] = qa;
          }
          var y0 = y.slice(), t0 = t;
          stepMax = null;
          extrema(t0, y0, h, K[0][0], K[6][0]);
          // spikes: excursions above 0 mV, each timed at its largest V
          var top = {t: t0 + h, v: yNew[0]};
          if (stepMax && stepMax.v > top.v) top = stepMax;
          if (above) {
            if (spike && top.v > spike.v) spike = top;
            if (yNew[0] <= 0) { above = false; if (spike) spikes.push(spike); spike = null; }
          } else if (yNew[0] > 0) {
            above = true; spike = top;
          } else if (stepMax && stepMax.v > 0) {
            spikes.push(stepMax);             // up and down again within one step
          }
          t = last ? tStop : t + h;
          for (j = 0; j < 4; j++) { y[j] = yNew[j]; K[0][j] = K[6][j]; }
          record(t0, y0, h, t);
          steps++;
          if (steps > 5e6) throw new Error("too many steps");
          var fac = err === 0 ? 10 : Math.min(10, Math.max(0.2, 0.9 * Math.pow(err, -0.2)));
          if (!last) h *= fac; else h = Math.max(h * fac, 1e-3);
        } else {
          rejected++;
          h *= Math.max(0.2, 0.9 * Math.pow(err, -0.2));
          if (h < 1e-12) throw new Error("the step size underflowed");
        }
      }
    }
    if (spike) spikes.push(spike);
    var ahp = null;
    if (spikes.length) {
      var t1 = spikes[0].t, t2 = spikes.length > 1 ? spikes[1].t : Infinity;
      minima.forEach(function (mn) { if (mn.t > t1 && mn.t < t2 && (!ahp || mn.v < ahp.v)) ahp = mn; });
    }
    return {t: rec.t, V: rec.V, m: rec.m, h: rec.h, n: rec.n, I: rec.I, rest: rest, spikes: spikes,
            minima: minima, ahp: ahp, steps: steps, rejected: rejected};
  }

  /** The trace as CSV text: time in ms and voltage in mV (the format of spikeset's [traces]). */
  function traceCsv(result) {
    var lines = ["t_ms,V_mV"];
    for (var i = 0; i < result.t.length; i++)
      lines.push(result.t[i].toFixed(3) + "," + result.V[i].toFixed(4));
    return lines.join("\n") + "\n";
  }

  var api = {simulate: simulate, restingState: restingState, traceCsv: traceCsv, stimulusAt: stimulusAt,
             stimulusEnd: stimulusEnd};
  if (typeof module !== "undefined" && module.exports) module.exports = api;
  else root.SpikesetHH = api;
})(typeof window !== "undefined" ? window : this);
