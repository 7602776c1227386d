// Runs the page's simulator (templates/form/hhsim.js) under node on the cases of a JSON file
// [{params, pulses, t_end}], printing [{spikes, ahp, rest, steps, cpu_ms}] as JSON.
"use strict";
const fs = require("fs");
const hh = require(process.argv[2]);
const cases = JSON.parse(fs.readFileSync(process.argv[3], "utf8"));
const out = cases.map((c) => {
  const before = process.cpuUsage();
  const r = hh.simulate(c.params, c.pulses, c.t_end);
  const used = process.cpuUsage(before);
  return {spikes: r.spikes, ahp: r.ahp, rest: r.rest.V, steps: r.steps,
          cpu_ms: (used.user + used.system) / 1000};
});
process.stdout.write(JSON.stringify(out));
