const merge = require('merge')
const ts_preset = require('ts-jest/jest-preset')
const puppeteer_preset = require('jest-puppeteer/jest-preset')

// As nakama-js-test's jest.config.js (ts-jest + jest-puppeteer), with the tests in tests/ and
// ts-jest's options where ts-jest 29 reads them. Browser launch: jest-puppeteer.config.js.
module.exports = merge.recursive(ts_preset, puppeteer_preset, {
    roots: ['<rootDir>/tests'],
    // jest's default of 5 s per test (upstream's) fails tests that are merely slow on a busy 2-core
    // machine; tests with their own timeout (the matchmaker's 20 s) keep it.
    testTimeout: 30000,
    // Some tests import the client's modules by path ("@heroiclabs/nakama-js/client", "/socket"),
    // the monorepo's sources; the npm package exports only its root, which has the same classes.
    // (Inside page.evaluate the names refer to the page's IIFE globals anyway.)
    moduleNameMapper: {
      '^@heroiclabs/nakama-js/.+$': '@heroiclabs/nakama-js'
    },
    transform: {
      '^.+\\.tsx?$': ['ts-jest', { tsconfig: 'tsconfig.test.json' }]
    }
  }
)
