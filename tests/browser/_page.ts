// The browser page's script (bundled by scripts/test_browser.ts): registers the browser suite
// through the `node:test` shim, runs it, and leaves the outcome where the runner reads it.

import "./browser_test.ts";
import { runRegistered, type TestResult } from "./_test_shim.ts";

/** What the runner reads from the page. */
interface SuiteState {
  done: boolean;
  results: TestResult[];
  crossOriginIsolated: boolean;
  error?: string;
}

const state: SuiteState = {
  done: false,
  results: [],
  crossOriginIsolated:
    (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true,
};
(globalThis as { __allocarraysSuite?: SuiteState }).__allocarraysSuite = state;

runRegistered().then(
  (results) => {
    state.results = results;
    state.done = true;
  },
  (e) => {
    state.error = e instanceof Error ? `${e.name}: ${e.message}\n${e.stack}` : String(e);
    state.done = true;
  },
);
