// `vmr calibrate`: fit the stack's latency profile from the journals of its drills and failovers,
// and keep it in the stack's run store, where `vmr plan`, `vmr check`, failovers and drills of
// every operator find it. Thin: parses flags, calls calibrateStack, prints what was fitted.

import { InvalidArgumentError, type Command } from "commander";
import { openRunStore, parseRunStoreFlag, type RunStoreChoice } from "../../run-store/open";
import { DEFAULT_MAX_AGE_DAYS, DEFAULT_MIN_SAMPLES } from "../../predict/calibrate";
import { calibrateStack, DEFAULT_LAST_RUNS } from "../../predict/refresh";

function positive(flag: string, integer: boolean) {
  return (value: string): number => {
    const n = Number(value);
    if (!(n > 0) || (integer && !Number.isInteger(n))) throw new InvalidArgumentError(`${flag} takes a ${integer ? "whole number" : "number"} > 0, got ${JSON.stringify(value)}`);
    return n;
  };
}

export function register(program: Command): void {
  program
    .command("calibrate")
    .description("Fit the stack's step latencies (per operation, and per system / HMC / storage where measured enough) from its recorded runs; plan, check and drills then predict with them.")
    .requiredOption("--stack <name>", "stack whose runs to fit (the runs record it)")
    .option("--cwd <dir>", "directory of the Pulumi program (default: the current directory)")
    .option("--stack-file <file>", "read the stack from a `pulumi stack export --show-secrets` file instead")
    .option("--runs-dir <dir>", "where runs are recorded (default: the stack's runs in the per-user run store)")
    .option("--run-store <store>", "where the stack's runs live: file (per user, the default), etcd (settings from the stack's vmr:runStore) or etcd:https://HOST:2379,...", parseRunStoreFlag)
    .option("--last <n>", `fit the newest n finished runs`, positive("--last", true), DEFAULT_LAST_RUNS)
    .option("--min-samples <n>", "measured steps an operation needs to be fitted (else the wider fit or the default)", positive("--min-samples", true), DEFAULT_MIN_SAMPLES)
    .option("--max-age-days <n>", "the profile is refused once its newest run is older than this", positive("--max-age-days", false), DEFAULT_MAX_AGE_DAYS)
    .option("--out <file>", "write the profile to this file instead of the stack's run store (use it with --profile)")
    .addHelpText("after", "\nExamples:\n  vmr calibrate --stack dev\n  vmr calibrate --stack dev --last 5 --out profile.json")
    .action(async (opts: { stack: string; cwd?: string; stackFile?: string; runsDir?: string; runStore?: RunStoreChoice; last: number; minSamples: number; maxAgeDays: number; out?: string }) => {
      // The same runs `vmr drill` and `vmr failover` record for the stack, wherever it was run from
      // (in etcd, by every operator of the stack).
      const source = opts.stackFile ? { stackFile: opts.stackFile } : { stack: opts.stack, cwd: opts.cwd ?? process.cwd() };
      const store = await openRunStore(source, opts.stack, { runsDir: opts.runsDir, ...(opts.runStore ? { runStore: opts.runStore } : {}) });
      let fitted;
      try {
        fitted = await calibrateStack({ stack: opts.stack, store, last: opts.last, minSamples: opts.minSamples, maxAgeDays: opts.maxAgeDays, ...(opts.out ? { file: opts.out } : {}) });
      } finally {
        await store.close();
      }
      const { where, profile } = fitted;
      process.stdout.write(`latency profile of ${profile.stack} from ${profile.runs.length} runs (${profile.window.from} .. ${profile.window.to}) written to ${where}\n`);
      for (const [op, f] of Object.entries(profile.operations)) process.stdout.write(`  ${op.padEnd(26)} median ${f.medianSeconds.toFixed(1)} s, p95 ${f.p95Seconds.toFixed(1)} s (${f.samples} steps)\n`);
      const scopes = Object.keys(profile.scoped ?? {});
      if (scopes.length > 0) process.stdout.write(`  fitted apart in ${scopes.length} scopes: ${scopes.slice(0, 8).join(", ")}${scopes.length > 8 ? ", ..." : ""}\n`);
      const faults = Object.entries(profile.faults ?? {});
      const failing = faults.filter(([, f]) => f.failed > 0);
      for (const [op, f] of failing) process.stdout.write(`  ${op.padEnd(26)} ${f.failed} of ${f.attempts} attempts failed and were retried, each taking ${(f.failedShare * 100).toFixed(0)}% of the operation on average\n`);
      if (faults.length > 0 && failing.length === 0) process.stdout.write(`  no attempt failed transiently (${faults.reduce((n, [, f]) => n + f.attempts, 0)} attempts of ${faults.length} operations)\n`);
    });
}
