// Runs the browser suite (tests/browser/browser_test.ts) in headless Chromium:
//
// 1. (re)builds npm/ if it is missing or older than the source (scripts/build_npm.ts);
// 2. bundles the suite's page script (tests/browser/_page.ts) and its module Worker
//    (tests/browser/_worker.ts) with esbuild (npm, pinned in deno.json): the suite's imports of
//    library files resolve to the npm build's JavaScript
//    (npm/esm/), as a bundler resolves `allocarrays`; `node:test` and `node:assert/strict` to
//    the small browser stand-ins beside the suite;
// 3. serves a page and the bundle from 127.0.0.1 (a free port), twice: a plain page, and a
//    cross-origin-isolated one (COOP/COEP headers), where SharedArrayBuffer exists;
// 4. opens both in Chromium (Debian's /usr/bin/chromium, or $CHROMIUM) through playwright-core
//    (npm, pinned), waits for the suite, prints every failure and one summary line per page,
//    and exits 1 on a failed test, an error in the page, or a page that ran no test.
//
//   deno task test:browser
//
// Never downloads a browser: without Chromium it stops and says how to install it.

import * as esbuild from "esbuild";
import { chromium } from "playwright-core";
import * as path from "node:path";
import { buildNpm } from "./build_npm.ts";
import { buildIsFresh, ESM_DIR, ROOT } from "./_npm.ts";

const TESTS_DIR = path.join(ROOT, "tests");
const BROWSER_DIR = path.join(TESTS_DIR, "browser");
const ENTRY = path.join(BROWSER_DIR, "_page.ts");
const WORKER = path.join(BROWSER_DIR, "_worker.ts");
const SHIMS: Record<string, string> = {
  "node:test": path.join(BROWSER_DIR, "_test_shim.ts"),
  "node:assert/strict": path.join(BROWSER_DIR, "_assert_shim.ts"),
  "node:assert": path.join(BROWSER_DIR, "_assert_shim.ts"),
};
const CHROMIUM = Deno.env.get("CHROMIUM") ?? "/usr/bin/chromium";
const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];
/** How long one page may take to run the suite. */
const PAGE_TIMEOUT_MS = 60_000;

/** The pages the suite runs in. */
const PAGES: { path: string; isolated: boolean }[] = [
  { path: "/", isolated: false },
  { path: "/isolated/", isolated: true },
];

/** The suite's state, as tests/browser/_page.ts leaves it on `globalThis`. */
interface SuiteState {
  done: boolean;
  results: { name: string; status: "pass" | "fail" | "skip"; detail?: string; ms: number }[];
  crossOriginIsolated: boolean;
  error?: string;
}

/**
 * Resolves what the suite imports: Node's test modules to the browser stand-ins, library files
 * to their npm build.
 */
const suitePlugin: esbuild.Plugin = {
  name: "allocarrays-browser-suite",
  setup(build) {
    build.onResolve({ filter: /^node:/ }, (args) => {
      const shim = SHIMS[args.path];
      if (shim !== undefined) return { path: shim };
      return {
        errors: [{
          text: `Cannot bundle ${args.path} (imported by ${
            path.relative(ROOT, args.importer)
          }) for the browser: browsers have no Node modules`,
        }],
      };
    });
    build.onResolve({ filter: /^\.\.?\// }, (args) => {
      if (!args.importer.startsWith(TESTS_DIR + path.sep)) return undefined; // npm/esm's own
      const target = path.resolve(args.resolveDir, args.path);
      if (target.startsWith(TESTS_DIR + path.sep)) return undefined; // the suite's own files
      const rel = path.relative(ROOT, target);
      const built = path.join(ESM_DIR, rel.replace(/\.(m?)ts$/, ".$1js"));
      try {
        Deno.statSync(built);
      } catch {
        return {
          errors: [{
            text: `Cannot bundle ${args.path} (imported by ${
              path.relative(ROOT, args.importer)
            }): the npm build has no ${path.relative(ROOT, built)}`,
          }],
        };
      }
      return { path: built };
    });
  },
};

/** The bundles served: the page's script and its Worker's. */
interface Bundles {
  suite: string;
  worker: string;
}

async function bundle(): Promise<Bundles> {
  const result = await esbuild.build({
    entryPoints: { suite: ENTRY, worker: WORKER },
    outdir: "/bundles",
    bundle: true,
    format: "esm",
    platform: "browser",
    target: "esnext",
    write: false,
    logLevel: "silent",
    legalComments: "none",
    plugins: [suitePlugin],
  }).catch((e: esbuild.BuildFailure) => {
    const messages = (e.errors ?? []).map((m) => `  ${m.text}`).join("\n");
    throw new Error(`Cannot bundle the browser suite:\n${messages || e.message}`);
  });
  const text = (name: string) => {
    const file = result.outputFiles.find((f) => path.basename(f.path) === `${name}.js`);
    if (file === undefined) throw new Error(`Cannot bundle the browser suite: no ${name}.js`);
    return file.text;
  };
  return { suite: text("suite"), worker: text("worker") };
}

const PAGE_HTML = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>allocarrays browser suite</title></head>
<body><script type="module" src="/suite.js"></script></body>
</html>
`;

/** Serves the pages and the bundle from 127.0.0.1 on a free port. */
function serve(bundles: Bundles): Deno.HttpServer<Deno.NetAddr> {
  return Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, (req) => {
    const { pathname } = new URL(req.url);
    const page = PAGES.find((p) => p.path === pathname);
    if (page !== undefined) {
      const headers: Record<string, string> = { "content-type": "text/html; charset=utf-8" };
      if (page.isolated) {
        headers["cross-origin-opener-policy"] = "same-origin";
        headers["cross-origin-embedder-policy"] = "require-corp";
      }
      return new Response(PAGE_HTML, { headers });
    }
    if (pathname === "/suite.js" || pathname === "/worker.js") {
      return new Response(pathname === "/suite.js" ? bundles.suite : bundles.worker, {
        headers: {
          "content-type": "text/javascript; charset=utf-8",
          "cross-origin-resource-policy": "same-origin",
          // A Worker of an isolated page must be isolated too, or it is not started.
          "cross-origin-embedder-policy": "require-corp",
        },
      });
    }
    if (pathname === "/favicon.ico") return new Response(null, { status: 204 });
    return new Response("not found", { status: 404 });
  });
}

function checkChromium(): void {
  try {
    Deno.statSync(CHROMIUM);
  } catch {
    throw new Error(
      `Cannot run the browser suite: no Chromium at ${CHROMIUM} (install Debian's with apt-get install -y chromium, or set CHROMIUM to its path)`,
    );
  }
}

/** Runs the suite in one page; returns the number of failures (after printing them). */
async function runPage(
  browser: Awaited<ReturnType<typeof chromium.launch>>,
  origin: string,
  page: { path: string; isolated: boolean },
): Promise<number> {
  const tab = await browser.newPage();
  const pageErrors: string[] = [];
  tab.on("pageerror", (e) => pageErrors.push(`${e.name}: ${e.message}`));
  tab.on("console", (m) => {
    if (m.type() === "error") pageErrors.push(`console.error: ${m.text()}`);
  });
  const started = performance.now();
  await tab.goto(origin + page.path);
  await tab.waitForFunction(
    () => (globalThis as { __allocarraysSuite?: { done: boolean } }).__allocarraysSuite?.done,
    undefined,
    { timeout: PAGE_TIMEOUT_MS },
  );
  const state = await tab.evaluate(() =>
    (globalThis as unknown as { __allocarraysSuite: SuiteState }).__allocarraysSuite
  );
  await tab.close();
  const ms = Math.round(performance.now() - started);

  const problems: string[] = [...pageErrors];
  if (state.error !== undefined) problems.push(`the suite did not finish: ${state.error}`);
  if (state.results.length === 0) problems.push("the page ran no test");
  if (state.crossOriginIsolated !== page.isolated) {
    problems.push(
      `the page was ${state.crossOriginIsolated ? "" : "not "}cross-origin isolated, expected ${
        page.isolated ? "isolated" : "not isolated"
      }`,
    );
  }
  const count = (s: string) => state.results.filter((r) => r.status === s).length;
  for (const r of state.results) {
    if (r.status === "fail") {
      console.log(`not ok - ${r.name}\n  ${r.detail?.replaceAll("\n", "\n  ")}`);
    }
  }
  for (const p of problems) console.log(`not ok - ${page.path}: ${p}`);
  const label = page.isolated ? "cross-origin-isolated page" : "page";
  console.log(
    `${label} ${page.path}: ${count("pass")} passed, ${count("fail")} failed, ${
      count("skip")
    } skipped (${ms} ms)`,
  );
  return count("fail") + problems.length;
}

async function main(): Promise<number> {
  checkChromium();
  if (!buildIsFresh()) await buildNpm();
  const started = performance.now();
  const bundles = await bundle();
  await esbuild.stop();
  console.log(
    `Bundled the browser suite with the npm build: ${
      (bundles.suite.length / 1024).toFixed(0)
    } KiB (its Worker ${(bundles.worker.length / 1024).toFixed(0)} KiB) in ${
      Math.round(performance.now() - started)
    } ms`,
  );

  const server = serve(bundles);
  const origin = `http://127.0.0.1:${server.addr.port}`;
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
  });
  let failures = 0;
  try {
    console.log(`Running it in Chromium ${browser.version()} at ${origin}`);
    for (const page of PAGES) failures += await runPage(browser, origin, page);
  } finally {
    await browser.close();
    await server.shutdown();
  }
  return failures;
}

if (import.meta.main) {
  try {
    const failures = await main();
    Deno.exit(failures === 0 ? 0 : 1);
  } catch (e) {
    console.error(e instanceof Error ? e.message : e);
    Deno.exit(1);
  }
}
