// Runs the page's simulator (templates/form/hhsim.js) under node on the cases of a JSON file
// [{params, pulses, t_end, record?}], printing [{spikes, ahp, rest, steps, cpu_ms, trace?}] as JSON
// (trace: V, h, n and the current I sampled every 0.01 ms from t = 0, for the cases with record: true).
"use strict";
const fs = require("fs");
const hh = require(process.argv[2]);
const cases = JSON.parse(fs.readFileSync(process.argv[3], "utf8"));
const out = cases.map((c) => {
  const before = process.cpuUsage();
  const r = hh.simulate(c.params, c.pulses, c.t_end);
  const used = process.cpuUsage(before);
  const res = {spikes: r.spikes, ahp: r.ahp, rest: r.rest.V, steps: r.steps,
               cpu_ms: (used.user + used.system) / 1000};
  if (c.record) res.trace = {V: Array.from(r.V), h: Array.from(r.h), n: Array.from(r.n), I: Array.from(r.I)};
  return res;
});
process.stdout.write(JSON.stringify(out));
