#!/usr/bin/env node
// Differential run: every interop test file against Gantry and against the reference Nakama,
// recorded at the transport level (recorder.js), compared (compare.js), reported (report.js).
//
//   cd interop && npm run differential -- --reference-port 27350 [--gantry-port 7350]
//
// Options:
//   --reference-port N   the reference Nakama (required unless --compare-only); it must run the Lua
//                        modules of differential/reference-modules and a 1 s matchmaker interval
//   --reference-host H   default 127.0.0.1
//   --gantry-port N      a Gantry already running (with the tic-tac-toe module and a 1 s
//                        matchmaker interval); without it, Gantry is started from
//                        ../server/target/gantry.jar on a free port with exactly that, and stopped
//   --gantry-jar PATH    the jar to start (default ../server/target/gantry.jar)
//   --files a,b          only these test files (chat, chat.test.js, compat: tests/ then differential/probes/)
//   --out DIR            where recordings, logs and the report go (default differential/out)
//   --parallel           run each file against both servers at the same time (faster, noisier)
//   --compare-only       do not run anything: compare the recordings already in --out
// Output: DIR/report.md (read this), DIR/report.json, DIR/recordings/{gantry,reference}/*.json,
// DIR/logs/{gantry,reference}-*.log (node:test's spec output). Exit code 0 whatever differs
// (differences are the result, not a failure); 2 on a usage or setup problem.

import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync, copyFileSync, mkdtempSync, rmSync,
  createWriteStream } from 'node:fs';
import { join, dirname, resolve, basename } from 'node:path';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { compareFile } from './compare.js';
import { renderReport } from './report.js';

const here = dirname(fileURLToPath(import.meta.url));
const interop = resolve(here, '..');
const repo = resolve(interop, '..');

function parseArgs(argv) {
  const opts = { referenceHost: '127.0.0.1', out: join(here, 'out') };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const [name, inline] = arg.includes('=') ? arg.split(/=(.*)/s) : [arg, undefined];
    const value = () => (inline !== undefined ? inline : argv[++i]);
    switch (name) {
      case '--reference-port': opts.referencePort = value(); break;
      case '--reference-host': opts.referenceHost = value(); break;
      case '--gantry-port': opts.gantryPort = value(); break;
      case '--gantry-jar': opts.gantryJar = resolve(value()); break;
      case '--files': opts.files = value().split(',').map((f) => f.trim()).filter(Boolean); break;
      case '--out': opts.out = resolve(value()); break;
      case '--parallel': opts.parallel = true; break;
      case '--compare-only': opts.compareOnly = true; break;
      case '-h': case '--help': opts.help = true; break;
      default: throw new Error(`unknown option ${arg}`);
    }
  }
  return opts;
}

function usage() {
  const text = readFileSync(fileURLToPath(import.meta.url), 'utf8').split('\n')
    .filter((l) => l.startsWith('//')).slice(0, 22).map((l) => l.slice(3)).join('\n');
  console.log(text);
}

const log = (...a) => console.log('differential:', ...a);

async function healthy(url, timeoutMs = 2_000) {
  try {
    const res = await fetch(`${url}/healthcheck`, { signal: AbortSignal.timeout(timeoutMs) });
    await res.arrayBuffer();
    return res.status === 200;
  } catch {
    return false;
  }
}

function freePort() {
  return new Promise((resolvePort, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolvePort(port));
    });
  });
}

/** Starts Gantry from its jar with the tic-tac-toe and leaderboards example modules; resolves with {port, stop()}. */
async function startGantry(opts) {
  const jar = opts.gantryJar || join(repo, 'server/target/gantry.jar');
  if (!existsSync(jar)) {
    throw new Error(`${jar} not found: build it with  mvn -q -B -ntp -pl server,examples/tictactoe,examples/leaderboards -am package -DskipTests`);
  }
  const work = mkdtempSync(join(tmpdir(), 'gantry-differential-'));
  const modules = join(work, 'modules');
  mkdirSync(modules);
  // the example modules: tic-tac-toe (match.test.js) and leaderboards (leaderboards.test.js, tournaments.test.js)
  const copied = [];
  for (const name of ['tictactoe', 'leaderboards']) {
    const exampleDir = join(repo, `examples/${name}/target`);
    const pattern = new RegExp(`^gantry-example-${name}-.*\\.jar$`);
    const example = existsSync(exampleDir)
      ? readdirSync(exampleDir).find((f) => pattern.test(f) && !/-(tests|sources|javadoc)\.jar$/.test(f))
      : undefined;
    if (example) {
      copyFileSync(join(exampleDir, example), join(modules, example));
      copied.push(example);
    }
    else log(`warning: no ${name} example jar in ${exampleDir}; the tests that use it will fail on Gantry`);
  }
  const port = await freePort();
  const logFile = join(opts.out, 'logs', 'gantry-server.log');
  mkdirSync(dirname(logFile), { recursive: true });
  const out = createWriteStream(logFile);
  const child = spawn('java', ['-jar', jar, '--socket.address', '127.0.0.1', '--socket.port', String(port), '--socket.tcp_port', '0',
    '--data_dir', join(work, 'data'), '--matchmaker.interval_sec', '1', '--runtime.path', modules],
  { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout.pipe(out);
  child.stderr.pipe(out);
  let exited = false;
  child.on('exit', () => { exited = true; });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 90_000;
  while (!(await healthy(url, 1_000))) {
    if (exited) throw new Error(`Gantry exited at start-up; see ${logFile}`);
    if (Date.now() > deadline) { child.kill('SIGTERM'); throw new Error(`Gantry did not answer on ${url}; see ${logFile}`); }
    await new Promise((r) => setTimeout(r, 300));
  }
  log(`started Gantry (${[basename(jar), ...copied].join(' + ')}) on port ${port}, pid ${child.pid}`);
  return {
    port,
    async stop() {
      if (exited) return;
      const gone = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await Promise.race([gone, new Promise((r) => setTimeout(r, 20_000))]);
      if (!exited) child.kill('SIGKILL');
      rmSync(work, { recursive: true, force: true });
    },
  };
}

/** Runs one test file against one server with the recorder on. */
function runFile(file, side, host, port, opts) {
  const record = join(opts.out, 'recordings', side, `${basename(file, '.test.js')}.json`);
  const logFile = join(opts.out, 'logs', `${side}-${basename(file, '.test.js')}.log`);
  mkdirSync(dirname(record), { recursive: true });
  mkdirSync(dirname(logFile), { recursive: true });
  rmSync(record, { force: true });
  const started = Date.now();
  return new Promise((resolveRun) => {
    const out = createWriteStream(logFile);
    const child = spawn(process.execPath, ['--import', join(here, 'recorder.js'), '--test-reporter=spec',
      join(interop, file)], {
      cwd: interop,
      env: { ...process.env, GANTRY_HOST: host, GANTRY_PORT: String(port), GANTRY_RECORD: record },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.pipe(out);
    child.stderr.pipe(out);
    child.on('exit', (code) => {
      const secs = ((Date.now() - started) / 1000).toFixed(1);
      log(`${basename(file)} against ${side}: exit ${code} in ${secs} s`);
      resolveRun({ code, record, logFile });
    });
  });
}

async function main() {
  let opts;
  try {
    opts = parseArgs(process.argv.slice(2));
  } catch (err) {
    console.error(`differential: ${err.message}`);
    usage();
    process.exit(2);
  }
  if (opts.help) { usage(); return; }
  // the interop tests, then the differential probes (differential/probes/*.test.js)
  const allFiles = [
    ...readdirSync(join(interop, 'tests')).filter((f) => f.endsWith('.test.js')).sort().map((f) => `tests/${f}`),
    ...readdirSync(join(here, 'probes')).filter((f) => f.endsWith('.test.js')).sort().map((f) => `differential/probes/${f}`),
  ];
  const files = opts.files
    ? opts.files.map((f) => allFiles.find((a) => basename(a, '.test.js') === basename(f, '.test.js').replace(/\.js$/, ''))
      ?? (console.error(`differential: no test file ${f}`), process.exit(2)))
    : allFiles;
  mkdirSync(opts.out, { recursive: true });
  const startedAt = new Date().toISOString();
  let gantry = null;
  let gantryPort = opts.gantryPort;
  let gantryLabel = gantryPort ? `already running on port ${gantryPort}` : 'started from its jar';
  const referenceLabel = `Nakama on ${opts.referenceHost}:${opts.referencePort}`;

  if (!opts.compareOnly) {
    if (!opts.referencePort) {
      console.error('differential: --reference-port is required (start the reference as described in differential/README.md)');
      process.exit(2);
    }
    if (!(await healthy(`http://${opts.referenceHost}:${opts.referencePort}`))) {
      console.error(`differential: no reference answering GET /healthcheck on ${opts.referenceHost}:${opts.referencePort}.`
        + ' Start it with:\n  NAKAMA_GIT_DIR=/work/.mirror/heroiclabs+nakama/repo ../../shared/tools/reference-nakama.sh '
        + `${opts.referencePort} --matchmaker.interval_sec 1 --runtime.path ${join(here, 'reference-modules')}`);
      process.exit(2);
    }
    try {
      if (!gantryPort) {
        gantry = await startGantry(opts);
        gantryPort = gantry.port;
        gantryLabel = `started from its jar on port ${gantryPort}`;
      } else if (!(await healthy(`http://127.0.0.1:${gantryPort}`))) {
        console.error(`differential: no Gantry answering GET /healthcheck on 127.0.0.1:${gantryPort}`);
        process.exit(2);
      }
      for (const file of files) {
        const runs = [
          () => runFile(file, 'gantry', '127.0.0.1', gantryPort, opts),
          () => runFile(file, 'reference', opts.referenceHost, opts.referencePort, opts),
        ];
        if (opts.parallel) await Promise.all(runs.map((r) => r()));
        else for (const r of runs) await r();
      }
    } finally {
      if (gantry) await gantry.stop();
    }
  }

  const results = [];
  for (const file of files) {
    const name = basename(file, '.test.js');
    const paths = ['gantry', 'reference'].map((side) => join(opts.out, 'recordings', side, `${name}.json`));
    const missing = paths.filter((p) => !existsSync(p));
    if (missing.length) {
      results.push({ file: basename(file), problem: `no recording ${missing.join(', ')}` });
      continue;
    }
    const [g, r] = paths.map((p) => JSON.parse(readFileSync(p, 'utf8')));
    results.push({ file: basename(file), comparison: compareFile(g, r) });
  }
  const finishedAt = new Date().toISOString();
  const report = renderReport({ files: results, startedAt, finishedAt, gantry: gantryLabel, reference: referenceLabel });
  writeFileSync(join(opts.out, 'report.md'), report);
  writeFileSync(join(opts.out, 'report.json'), JSON.stringify(results, null, 1));
  let total = 0;
  for (const f of results) {
    const n = f.comparison ? f.comparison.tests.reduce((s, t) => s + t.diffs.length, 0) : 0;
    total += n;
    log(`${f.file}: ${f.comparison ? `${n} difference(s)` : f.problem}`);
  }
  log(`${total} difference(s); report: ${join(opts.out, 'report.md')}`);
}

main().catch((err) => {
  console.error(`differential: ${err.stack || err}`);
  process.exit(2);
});
