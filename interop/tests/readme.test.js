// The README's client calls compile against nakama-js 2.8.0's own type definitions.
//
// Two checks, both with the TypeScript compiler over node_modules/@heroiclabs/nakama-js/dist/*.d.ts:
//  * every ```js block of README.md, as written (wrapped in an async function so top-level await
//    and imports type-check), must compile without errors;
//  * every inline code span that calls a method of nakama-js's Client or DefaultSocket, such as
//    `joinMatch(matchId, token, metadata)`, is turned into a call with arguments of type any and
//    must compile: a wrong argument count (a parameter the client does not have) is an error.
// No server is needed.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import ts from 'typescript';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..', '..');
const readme = readFileSync(path.join(root, 'README.md'), 'utf8');
const nakamaTypes = path.resolve(here, '..', 'node_modules', '@heroiclabs', 'nakama-js', 'dist', 'index.d.ts');

/** Compiles in-memory sources (name -> text) next to the real nakama-js types; returns the diagnostics as text. */
function compile(sources) {
  const options = {
    noEmit: true, strict: false, target: ts.ScriptTarget.ES2020, module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Node10, lib: ['lib.es2020.d.ts', 'lib.dom.d.ts'], skipLibCheck: true,
    allowJs: true, checkJs: true, types: [],
    paths: { '@heroiclabs/nakama-js': [nakamaTypes] }, baseUrl: here,
  };
  const host = ts.createCompilerHost(options);
  const readFile = host.readFile.bind(host);
  const fileExists = host.fileExists.bind(host);
  const virtual = new Map(Object.entries(sources).map(([name, text]) => [path.join(here, name), text]));
  host.readFile = (f) => virtual.get(f) ?? readFile(f);
  host.fileExists = (f) => virtual.has(f) || fileExists(f);
  const program = ts.createProgram([...virtual.keys()], options, host);
  return ts.getPreEmitDiagnostics(program)
    .filter((d) => d.file && virtual.has(d.file.fileName))
    .map((d) => {
      const { line } = d.file.getLineAndCharacterOfPosition(d.start);
      const text = d.file.text.split('\n')[line];
      return `${path.basename(d.file.fileName)}:${line + 1}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}\n    ${text.trim()}`;
    });
}

/** The public method names of a class declared in nakama-js's types. */
function methodsOf(className, file) {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.ES2020, true);
  const names = new Set();
  source.forEachChild(function visit(node) {
    if ((ts.isClassDeclaration(node) || ts.isInterfaceDeclaration(node)) && node.name?.text === className) {
      for (const member of node.members) {
        if (ts.isMethodDeclaration(member) || ts.isMethodSignature(member)) names.add(member.name.getText(source));
      }
    }
    node.forEachChild(visit);
  });
  return names;
}

test('every ```js block of the README compiles against nakama-js 2.8.0', () => {
  const blocks = [...readme.matchAll(/```js\n([\s\S]*?)```/g)].map((m) => m[1]);
  assert.ok(blocks.length > 0, 'the README has a nakama-js example');
  const sources = {};
  blocks.forEach((code, i) => {
    const imports = code.split('\n').filter((l) => l.startsWith('import ')).join('\n');
    const body = code.split('\n').filter((l) => !l.startsWith('import ')).join('\n');
    sources[`readme-block-${i}.ts`] = `${imports}\nexport {};\ndeclare const globalThis: any;\n(async () => {\n${body}\n})();\n`;
  });
  // `ws` has no types here: declare it, the check is about nakama-js
  sources['ws.d.ts'] = "declare module 'ws' { const WebSocket: any; export default WebSocket; }";
  assert.deepEqual(compile(sources), []);
});

// Spans of the README's Java runtime API whose names a nakama-js class also has.
const JAVA_API_NAMES = new Set(['send']);

// The arguments of a call as written, split at the commas outside any {…} or […]: an object
// literal such as `{collection, key, value}` is one argument.
function topLevelArguments(args) {
  const parts = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < args.length; i++) {
    const c = args[i];
    if (c === '{' || c === '[') depth++;
    else if (c === '}' || c === ']') depth--;
    else if (c === ',' && depth === 0) {
      parts.push(args.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(args.slice(start));
  return parts;
}

test('every nakama-js call named in the README prose has the arguments the client takes', () => {
  const dist = path.dirname(nakamaTypes);
  const socketMethods = methodsOf('DefaultSocket', path.join(dist, 'socket.d.ts'));
  const clientMethods = methodsOf('Client', path.join(dist, 'client.d.ts'));
  assert.ok(socketMethods.has('joinMatch') && clientMethods.has('listMatches'), 'found the client classes');
  const calls = [...readme.matchAll(/`(?:(?:socket|client)\.)?([a-zA-Z]+)\(([^`()]*)\)`/g)]
    .filter(([, name]) => !JAVA_API_NAMES.has(name) && (socketMethods.has(name) || clientMethods.has(name)));
  assert.ok(calls.length >= 15, `the README names client calls (found ${calls.length})`);
  const lines = ["import { Client, DefaultSocket } from '@heroiclabs/nakama-js';", 'declare const client: Client;',
    'declare const socket: DefaultSocket;', 'declare const session: any;'];
  calls.forEach(([span, name, args], i) => {
    const receiver = socketMethods.has(name) ? 'socket' : 'client';
    // each argument becomes an `any` of its own; `x?` is an optional argument: the call is checked with it
    const argList = topLevelArguments(args).map((a) => a.trim()).filter((a) => a && a !== '...');
    const names = argList.map((_, j) => `a${i}_${j}`);
    lines.push(`// ${span.replace(/\s+/g, " ")}`);
    names.forEach((n) => lines.push(`declare const ${n}: any;`));
    lines.push(`${receiver}.${name}(${names.join(', ')});`);
  });
  assert.deepEqual(compile({ 'readme-calls.ts': lines.join('\n') }), []);
});
