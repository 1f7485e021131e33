#!/usr/bin/env node
// Prints the normalised recording of one test on both sides, step by step, to read a difference
// in context:  node differential/show.js <file> [<part of the test name>] [--out DIR] [--raw]
//   file: chat, chat.test.js, ...; without a test name, lists the tests of the file.
//   --raw prints the recorded values before normalisation.

import { readFileSync } from 'node:fs';
import { join, dirname, basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildView } from './compare.js';

const here = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
let out = join(here, 'out');
let raw = false;
const positional = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--out') out = args[++i];
  else if (args[i] === '--raw') raw = true;
  else positional.push(args[i]);
}
const [fileArg, testPart] = positional;
if (!fileArg) {
  console.error('usage: node differential/show.js <file> [<part of the test name>] [--out DIR] [--raw]');
  process.exit(2);
}
const name = basename(fileArg, '.test.js').replace(/\.js$/, '');
const recordings = Object.fromEntries(['gantry', 'reference'].map((side) => [side,
  JSON.parse(readFileSync(join(out, 'recordings', side, `${name}.json`), 'utf8'))]));

if (!testPart) {
  for (const t of recordings.gantry.tests) console.log(t.name);
  process.exit(0);
}

for (const side of ['gantry', 'reference']) {
  const rec = recordings[side];
  const { views } = buildView(rec);
  const matching = [...views.keys()].filter((k) => k.includes(testPart));
  for (const key of matching) {
    const v = views.get(key);
    console.log(`\n===== ${side}: ${key} — ${v.outcome ? (v.outcome.passed ? 'passed' : `FAILED: ${v.outcome.error}`) : 'no outcome'}`);
    if (raw) {
      const socketOwner = new Map(rec.events.filter((e) => e.kind === 'ws-new').map((e) => [e.socket, e.owner]));
      for (const e of rec.events) {
        const scope = e.kind.startsWith('ws-') ? socketOwner.get(e.socket) : e.test;
        if (scope !== key) continue;
        const { test, t, ...rest } = e;
        console.log(`${String(t).padStart(6)} ms`, JSON.stringify(rest).slice(0, 600));
      }
      continue;
    }
    v.rest.forEach((r, i) => console.log(`REST ${i + 1}: ${r.method} ${r.url} -> ${r.status} ${JSON.stringify(r.body)}`.slice(0, 800)));
    v.sockets.forEach((s) => {
      console.log(`socket ${s.index + 1} (${s.raw}, ${s.format}) ${s.opened} ${s.url}`);
      const all = [...s.out.map((f) => ['>', f]), ...s.in.map((f) => ['<', f])].sort((a, b) => a[1].seq - b[1].seq);
      for (const [dir, f] of all) console.log(`  ${dir} ${f.type}${f.cid ? ` ${f.cid}` : ''} ${JSON.stringify(f.body)}`.slice(0, 800));
      for (const f of s.afterClose) console.log(`  (after client close) ${f.type} ${JSON.stringify(f.body)}`.slice(0, 400));
      console.log(`  close ${JSON.stringify(s.closes)}`);
    });
  }
}
