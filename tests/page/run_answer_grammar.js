// Runs the page's answer grammar (templates/form/answer_grammar.js) under node on the cases of a
// JSON file: {numeric: [[asked, text], ...], choice: [[labels, text], ...]}, printing
// {numeric: [{ok, value?, message?, note?}], choice: [label or null]} as JSON.
"use strict";
const fs = require("fs");
const grammar = require(process.argv[2]);
const cases = JSON.parse(fs.readFileSync(process.argv[3], "utf8"));
const out = {
  numeric: cases.numeric.map(([asked, text]) => grammar.read(asked, text)),
  choice: cases.choice.map(([labels, text]) => grammar.chosenLabel(labels, text)),
};
process.stdout.write(JSON.stringify(out));
