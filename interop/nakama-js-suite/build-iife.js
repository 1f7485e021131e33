// Builds the browser bundles the suite's utils.ts injects into each page, as nakama-js's own
// build.mjs does (esbuild, IIFE, target es6, global names nakamajs / nakamajsprotobuf). The npm
// packages ship only their CommonJS and ESM builds, so the IIFE is made from the published ESM:
// the code under test is exactly the released @heroiclabs/nakama-js 2.8.0 and
// @heroiclabs/nakama-js-protobuf 1.4.0. Runs on `npm ci` (postinstall).
const esbuild = require("esbuild");
const path = require("path");

const bundles = [
  ["@heroiclabs/nakama-js/package.json", "dist/nakama-js.esm.mjs", "nakamajs", "nakama-js/dist/nakama-js.iife.js"],
  ["@heroiclabs/nakama-js-protobuf/package.json", "dist/nakama-js-protobuf.esm.mjs", "nakamajsprotobuf",
    "nakama-js-protobuf/dist/nakama-js-protobuf.iife.js"],
];

for (const [pkg, esm, globalName, out] of bundles) {
  const entry = path.join(path.dirname(require.resolve(pkg)), esm);
  esbuild.buildSync({
    entryPoints: [entry],
    bundle: true,
    target: "es6",
    format: "iife",
    globalName,
    logLevel: "warning",
    outfile: path.join(__dirname, out),
  });
  console.log(`build-iife: ${out} (${globalName}) from ${path.relative(__dirname, entry)}`);
}
