// The tests import "../nakama-js-protobuf" (the sibling package in nakama-js's repository) for
// the adapter's types; here that path is this folder, which re-exports the npm package.
// dist/ (made by build-iife.js) holds the browser bundle the pages load.
export * from "@heroiclabs/nakama-js-protobuf";
