/**
 * `rnn-parity/vitest`: the conformance suite inside the caller's own vitest test file.
 *
 *   import { paritySuite } from "rnn-parity/vitest";
 *   import adapter from "./my-adapter.js";
 *   await paritySuite(adapter, { expectations: "./expectations.json" });
 *
 * The suite itself is in suite.ts (docs/adapters.md).
 */
export { paritySuite, ParityFailure, type ParitySuiteOptions } from "./suite.js";
