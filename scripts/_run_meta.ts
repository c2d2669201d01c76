// Internal: when, where and with what a measurement runs (the RunMeta that bench:report, the
// demo and the measurement scripts save with their figures, so a report rendered later from
// saved results still says where its numbers come from).

import { formatBytes, type RunMeta } from "./_bench_report.ts";

/** The CPU model (Linux's /proc/cpuinfo), or `fallback` elsewhere. */
function cpuModel(fallback: string): string {
  try {
    const m = /^model name\s*:\s*(.+)$/m.exec(Deno.readTextFileSync("/proc/cpuinfo"));
    if (m) return m[1].trim();
  } catch {
    // not Linux
  }
  return fallback;
}

/** This machine and runtime, now (no git commit: see bench_report.ts). */
export function runMeta(): RunMeta {
  return {
    date: new Date().toISOString().replace(/\.\d+Z$/, "Z"),
    cpu: cpuModel(`${Deno.build.arch} CPU`),
    cores: navigator.hardwareConcurrency,
    os: `${Deno.build.os} ${Deno.build.arch} (kernel ${Deno.osRelease()})`,
    memory: formatBytes(Deno.systemMemoryInfo().total),
    runtime:
      `Deno ${Deno.version.deno}, V8 ${Deno.version.v8}, TypeScript ${Deno.version.typescript}`,
  };
}
