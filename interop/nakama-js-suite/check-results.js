// Compares a jest --json result of the suite with an expectations file and says what changed.
//
//   node check-results.js [--partial] RESULTS.json [EXPECTATIONS]   (default: expected-failures.txt)
//
// Each line of the expectations file is "<test id> | <why it fails>"; '#' starts a comment. A test
// id is "<file> › <describe> › <test>"; a test that runs once per socket adapter (it.each(adapters))
// has the same name both times, so its second run, the protobuf adapter's, is suffixed " #2".
// Exit status: 0 when every test that failed is listed; 1 when a test not listed failed, a test
// file did not load, or a listed test did not run (not checked with --partial, for runs of some
// files only). A listed test that passed is reported, so that its line can be removed (unless its
// reason starts with "flaky"), and does not fail the check.
const fs = require("fs");
const path = require("path");

function testIds(results) {
  const tests = [];
  for (const file of results.testResults) {
    const base = path.basename(file.name);
    const seen = new Map();
    for (const a of file.assertionResults) {
      const name = `${base} › ${[...a.ancestorTitles, a.title].join(" › ")}`;
      const n = (seen.get(name) || 0) + 1;
      seen.set(name, n);
      const message = (a.failureMessages || []).join("\n");
      tests.push({ id: n === 1 ? name : `${name} #${n}`, status: a.status, message });
    }
    if (file.assertionResults.length === 0 && file.status === "failed") {
      tests.push({ id: `${base} (did not run)`, status: "failed", message: file.message || "" });
    }
  }
  return tests;
}

function readExpectations(file) {
  const expected = new Map();
  fs.readFileSync(file, "utf8").split("\n").forEach((line, i) => {
    const text = line.trim();
    if (text === "" || text.startsWith("#")) {
      return;
    }
    const bar = text.lastIndexOf(" | ");
    if (bar < 0) {
      throw new Error(`${file}:${i + 1}: expected "<test id> | <reason>"`);
    }
    expected.set(text.slice(0, bar).trim(), text.slice(bar + 3).trim());
  });
  return expected;
}

function firstLine(message) {
  const line = message.split("\n").map((l) => l.trim()).find((l) => l && !l.startsWith("at ")) || "";
  return line.replace(/\u001b\[[0-9;]*m/g, "").slice(0, 200);
}

function main() {
  const args = process.argv.slice(2);
  const partial = args[0] === "--partial";
  const [resultsFile, expectationsFile = path.join(__dirname, "expected-failures.txt")] = partial ? args.slice(1) : args;
  if (!resultsFile) {
    console.error("usage: node check-results.js [--partial] RESULTS.json [EXPECTATIONS]");
    process.exit(2);
  }
  const tests = testIds(JSON.parse(fs.readFileSync(resultsFile, "utf8")));
  const expected = readExpectations(expectationsFile);
  const ran = new Set(tests.map((t) => t.id));

  const unexpected = tests.filter((t) => t.status === "failed" && !expected.has(t.id));
  const fixed = tests.filter((t) => t.status === "passed" && expected.has(t.id));
  const missing = partial ? [] : [...expected.keys()].filter((id) => !ran.has(id));
  const passed = tests.filter((t) => t.status === "passed").length;
  const failed = tests.filter((t) => t.status === "failed").length;
  const skipped = tests.length - passed - failed;

  for (const t of fixed.filter((t) => !expected.get(t.id).startsWith("flaky"))) {
    console.log(`now passes (remove it from ${path.basename(expectationsFile)}): ${t.id}  [was: ${expected.get(t.id)}]`);
  }
  for (const id of missing) {
    console.log(`listed but did not run: ${id}`);
  }
  for (const t of unexpected) {
    console.log(`UNEXPECTED FAILURE: ${t.id}\n    ${firstLine(t.message)}`);
  }
  console.log(`nakama-js suite: ${tests.length} tests (${passed} passing, ${skipped} skipped); of the ${failed} `
    + `failing, ${failed - unexpected.length} as expected and ${unexpected.length} unexpectedly; `
    + `${fixed.length} expected to fail now pass`);
  process.exit(unexpected.length > 0 || missing.length > 0 ? 1 : 0);
}

main();
