// Writes the differential report (markdown) from the per-file comparisons of compare.js.

const MAX_VALUE = 500;

function show(v) {
  if (v === undefined) return '_absent_';
  let s = typeof v === 'string' ? v : JSON.stringify(v);
  if (s.length > MAX_VALUE) s = `${s.slice(0, MAX_VALUE)}… (${s.length} chars)`;
  return `\`${s.replace(/`/g, "'").replace(/\|/g, '\\|')}\``;
}

const topic = (d) => d.topic;

export function renderReport({ files, startedAt, finishedAt, gantry, reference }) {
  const lines = [];
  const p = (s = '') => lines.push(s);
  p('# Differential run: Gantry vs the reference Nakama');
  p();
  p(`Started ${startedAt}, finished ${finishedAt}. Gantry: ${gantry}. Reference: ${reference}.`);
  p('Every interop test file ran against both servers with the transport recorder on; values are normalised');
  p('(ids -> `<kind#n>` by first appearance, tokens -> `$jwt` claims, times -> `<time>`, unique test names -> `<hex#n>`),');
  p('see `interop/differential/README.md`. "gantry" and "reference" below are the normalised values on each side;');
  p('`_absent_` means the field (or step) is missing on that side.');
  p();
  p('## Summary');
  p();
  p('| file | tests | passed (gantry / reference) | tests with differences | differences | run time (gantry / reference) |');
  p('|---|---|---|---|---|---|');
  for (const f of files) {
    if (!f.comparison) {
      p(`| ${f.file} | – | – | – | not compared: ${f.problem} | – |`);
      continue;
    }
    const tests = f.comparison.tests.filter((t) => t.gantry || t.reference);
    const passedG = tests.filter((t) => t.gantry?.passed).length;
    const passedR = tests.filter((t) => t.reference?.passed).length;
    const withDiffs = f.comparison.tests.filter((t) => t.diffs.length).length;
    const count = f.comparison.tests.reduce((n, t) => n + t.diffs.length, 0);
    const secs = (side) => (f.comparison.meta[side].durationMs / 1000).toFixed(1);
    p(`| ${f.file} | ${tests.length} | ${passedG} / ${passedR} | ${withDiffs} | ${count} | ${secs('gantry')} s / ${secs('reference')} s |`);
  }
  p();

  // Deduplicated index
  const groups = new Map();
  for (const f of files) {
    if (!f.comparison) continue;
    for (const t of f.comparison.tests) {
      const outcomesDiffer = t.diffs.some((d) => d.kind === 'outcome' && d.path === 'outcome');
      for (const d of t.diffs) {
        if (d.kind === 'outcome' || d.where === 'test') continue;
        // steps one side never reached because its test failed earlier: per test only
        if (outcomesDiffer && d.kind === 'extra') continue;
        const path = d.path.replace(/\[\d+\]/g, '[*]'); // the same field of every list entry is one difference
        const key = JSON.stringify([topic(d), d.kind, path, d.gantry, d.reference]);
        if (!groups.has(key)) groups.set(key, { d: { ...d, path }, topic: topic(d), tests: [] });
        groups.get(key).tests.push(`${f.file}: ${t.name}`);
      }
    }
  }
  p('## Distinct differences');
  p();
  p('Each distinct difference once (grouped by what it concerns), with how many times and in which tests it was seen.');
  p('Steps that only one side has in a test whose outcome differs (the other side stopped at a failed assertion) are');
  p('listed under Per test only. Kinds: field (present on one side only), value, code, message, status (HTTP or');
  p('upgrade), count, order (same items, other order), interleave (other events between a request and its reply),');
  p('reply (another reply type to the same request), extra (a step or frame only one side has), header, header-value.');
  p();
  const byTopic = new Map();
  for (const g of groups.values()) {
    if (!byTopic.has(g.topic)) byTopic.set(g.topic, []);
    byTopic.get(g.topic).push(g);
  }
  for (const t of [...byTopic.keys()].sort()) {
    p(`### ${t}`);
    p();
    for (const g of byTopic.get(t)) {
      const tests = [...new Set(g.tests)];
      p(`- **${g.d.kind}** \`${g.d.path}\`: gantry ${show(g.d.gantry)} · reference ${show(g.d.reference)}`
        + `${g.d.note ? ` (${g.d.note})` : ''} — ${g.tests.length}× in ${tests.length} test(s), e.g. _${tests[0]}_`);
    }
    p();
  }

  p('## Test outcomes that differ');
  p();
  p('The assertions encode what Gantry does; a test failing only on the reference shows an assertion to revisit.');
  p();
  for (const f of files) {
    if (!f.comparison) continue;
    for (const t of f.comparison.tests) {
      for (const d of t.diffs.filter((x) => x.where === 'test')) {
        p(`- ${f.file} — _${t.name}_: gantry ${show(d.gantry)} · reference ${show(d.reference)}`);
      }
    }
  }
  p();

  p('## Per test');
  p();
  for (const f of files) {
    p(`### ${f.file}`);
    p();
    if (!f.comparison) { p(`Not compared: ${f.problem}`); p(); continue; }
    for (const t of f.comparison.tests) {
      const o = (x) => (x ? (x.passed ? 'passed' : 'FAILED') : 'not run');
      p(`#### ${t.name}`);
      p();
      p(`gantry ${o(t.gantry)}, reference ${o(t.reference)}; ${t.diffs.length} difference(s).`);
      if (t.diffs.length) p();
      const headers = t.diffs.filter((d) => d.kind.startsWith('header'));
      for (const d of t.diffs) {
        if (d.kind.startsWith('header')) continue;
        p(`- **${d.kind}** ${d.where} · \`${d.path}\`: gantry ${show(d.gantry)} · reference ${show(d.reference)}${d.note ? ` (${d.note})` : ''}`);
      }
      if (headers.length) p(`- and ${headers.length} HTTP header difference(s), listed under Distinct differences`);
      p();
    }
  }
  return `${lines.join('\n')}\n`;
}
