// `vmr drill`: a non-disruptive drill of a stack's protection groups, or `--cleanup` of what an
// interrupted drill left. Exit code 0 when every assertion held, 1 otherwise.

import { Option, type Command } from "commander";
import { calibrateStack } from "../../predict/refresh";
import { ValidationError } from "../../errors";
import { EXECUTION_MODES, SLA_POLICIES, type ExecutionMode, type SlaPolicy } from "../../executor/types";
import { drillCleanup } from "../../drill/cleanup-command";
import { openRunStore, parseRunStoreFlag, storeStackName, type RunStoreChoice } from "../../run-store/open";
import type { RunStore } from "../../run-store/types";
import { drill, drillPlan } from "../../drill/run";
import { formatPlan } from "../../planner/format";
import { duration, measuredAt } from "../../report/format";
import type { StackSource } from "../../stack";
import { exitCode } from "../exit-codes";
import { createProgress, type Progress } from "../progress";
import { plural, predictedSeconds } from "../../text";

interface DrillFlags {
  stack?: string;
  cwd?: string;
  stackFile?: string;
  group?: string[];
  drillFile?: string;
  cleanup: boolean;
  stopNonCritical: boolean;
  planOnly: boolean;
  json: boolean;
  runsDir?: string;
  runStore?: RunStoreChoice;
  out?: string;
  mode?: ExecutionMode;
  sla?: SlaPolicy;
  calibrate: boolean;
}

function sourceOf(opts: DrillFlags): StackSource {
  if (opts.stackFile) return { stackFile: opts.stackFile };
  if (opts.stack) return { stack: opts.stack, cwd: opts.cwd ?? process.cwd() };
  throw new ValidationError("flags", [{ path: "--stack", message: "`--stack` is required (or `--stack-file F` with a `pulumi stack export --show-secrets` file): name the stack that declares the protection" }]);
}

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

/** After a drill: the stack's profile fitted again with this run; a refresh that cannot be made is said, and fails nothing. */
async function refreshProfile(stack: string, store: RunStore): Promise<string> {
  try {
    const { where, profile } = await calibrateStack({ stack, store });
    return `latency profile refreshed from ${plural(profile.runs.length, "run")}: ${where} (--no-calibrate to skip)`;
  } catch (err) {
    const reason = err instanceof ValidationError ? err.issues.map((i) => i.message).join("; ") : (err as Error).message;
    return `latency profile not refreshed: ${reason}`;
  }
}

export function register(program: Command): void {
  program
    .command("drill")
    .description("Rehearse a failover without disruption: FlashCopy the replicas, start copies in an isolated network, verify, measure RTO, clean up.")
    .option("--stack <name>", "stack that declares the protection")
    .option("--cwd <dir>", "directory of the Pulumi program (default: the current directory)")
    .option("--stack-file <file>", "read the stack from a `pulumi stack export --show-secrets` file instead")
    .option("--group <name>", "rehearse only this group (repeatable)", collect)
    .option("--drill-file <file>", "scripted drill: scenario, groups and assertions (YAML)")
    .option("--stop-non-critical", "stop or suspend the recovery targets' non-critical VMs for the copies' room, as a failover would, and bring them back at cleanup (the drill file's stopNonCritical)", false)
    .option("--cleanup", "remove what an interrupted or crashed drill left (and bring back the non-critical VMs it stopped), then exit", false)
    .option("--plan-only", "print the drill's plan (copies, their targets, the non-critical VMs it would stop, the predicted RTO per group) and exit; creates nothing", false)
    .option("--json", "with --plan-only: print the plan as JSON (schemas/plan.schema.json)", false)
    .option("--runs-dir <dir>", "a directory of its own for the lock and the runs (default: the run store)")
    .option("--run-store <store>", "where the stack's lock and runs live: file (per user, the default), etcd (settings from the stack's vmr:runStore) or etcd:https://HOST:2379,...", parseRunStoreFlag)
    .option("--out <dir>", "where the report goes (default: the run's directory)")
    .addOption(new Option("--mode <mode>", "execution mode").choices(EXECUTION_MODES as string[]))
    .addOption(new Option("--sla <policy>", "SLA ordering").choices(SLA_POLICIES as string[]))
    .option("--no-calibrate", "do not refresh the stack's latency profile (vmr calibrate) from its runs afterwards")
    .addHelpText(
      "after",
      "\nExamples:\n  vmr drill --stack dev --cwd examples/basic\n  vmr drill --stack dev --drill-file examples/drills/site-loss.yaml\n  vmr drill --stack dev --group db --group app\n  vmr drill --stack dev --drill-file examples/short-site/drills/short-site.yaml --plan-only\n  vmr drill --stack dev --cleanup\n  vmr drill --stack dev --cleanup --run-store etcd   (from any machine that reaches the store)",
    )
    .action(async (opts: DrillFlags) => {
      const source = sourceOf(opts);
      // Runs are recorded with the stack's other runs, as for `vmr failover`: in the run store
      // (per user, or etcd), whatever the directory; reached and proved before any hardware.
      const stack = await storeStackName(source);
      const store = await openRunStore(source, stack, { runsDir: opts.runsDir, ...(opts.runStore ? { runStore: opts.runStore } : {}) });
      try {
        await drillWith(opts, source, store);
      } finally {
        await store.close();
      }
    });
}

/** The drill (or its cleanup) with the stack's run store open. */
async function drillWith(opts: DrillFlags, source: StackSource, store: RunStore): Promise<void> {
  const out = process.stdout;
  if (opts.json && !opts.planOnly) throw new ValidationError("flags", [{ path: "--json", message: "`--json` prints the plan of `--plan-only`: add `--plan-only`, or leave `--json` out (the drill writes report.json)" }]);
  if (opts.planOnly) {
    const plan = await drillPlan({ source, drillFile: opts.drillFile, groups: opts.group, stopNonCritical: opts.stopNonCritical, store, mode: opts.mode, sla: opts.sla });
    out.write(opts.json ? `${JSON.stringify(plan, null, 2)}\n` : `${formatPlan(plan)}\n`);
    return;
  }
  if (opts.cleanup) {
    const r = await drillCleanup({ source, store, onRemoved: (what) => out.write(`removed ${what}\n`) });
    if (r.runs.length > 0) out.write(`looked at unfinished drill ${r.runs.length === 1 ? "run" : "runs"}: ${r.runs.join(", ")}\n`);
    if (r.complete) out.write(r.removed.length === 0 ? "nothing left to clean up\n" : `cleanup complete: ${plural(r.removed.length, "object")} removed\n`);
    else {
      out.write(`cleanup incomplete; still there:\n${r.leftovers.map((l) => `  - ${l}\n`).join("")}`);
      process.exitCode = exitCode("failed");
    }
    return;
  }
  const controller = new AbortController();
  let interrupts = 0;
  const onSigint = (): void => {
    interrupts++;
    if (interrupts === 1) {
      process.stderr.write("\ninterrupted: cleaning up the drill (Ctrl-C again to quit at once; then run `vmr drill --cleanup`)\n");
      controller.abort();
    } else process.exit(exitCode("interrupted"));
  };
  process.on("SIGINT", onSigint);
  process.on("SIGTERM", onSigint);
  // Phase lines on stdout; the per-SLA-level step bars (stderr) while the plan runs.
  const started = Date.now();
  let bars: Progress | undefined;
  const phase = (message: string): void => {
    bars?.stop();
    bars = undefined;
    out.write(`[${((Date.now() - started) / 1000).toFixed(1).padStart(6)} s] ${message}\n`);
  };
  try {
    const r = await drill({
      source,
      drillFile: opts.drillFile,
      groups: opts.group,
      stopNonCritical: opts.stopNonCritical,
      store,
      reportDir: opts.out,
      mode: opts.mode,
      sla: opts.sla,
      signal: controller.signal,
      onPhase: phase,
      onPlan: (plan) => (bars = createProgress(plan)),
      onEvent: (event) => bars?.onEvent(event),
    });
    bars?.stop();
    out.write(`\n${r.drill.name}: ${r.passed ? "PASSED" : r.interrupted ? "INTERRUPTED" : "FAILED"} (run ${r.runId})\n`);
    for (const a of r.report.assertions ?? []) out.write(`  ${a.passed ? "pass" : "FAIL"}  ${a.type}: ${a.message}\n`);
    for (const g of r.report.groups)
      out.write(
        `  group ${g.name}: ${g.rtoSeconds === undefined ? g.verdict : `up at ${duration(g.rtoSeconds)}`}${g.rtoBudgetSeconds !== undefined ? ` (budget ${duration(g.rtoBudgetSeconds)})` : ""}${r.report.timeScale ? " simulated" : ""}${g.predictedRto ? `; predicted p50 ${predictedSeconds(g.predictedRto.p50Seconds, duration)}, p95 ${predictedSeconds(g.predictedRto.p95Seconds, duration)}${g.measuredQuantile !== undefined ? `, measured at ${measuredAt(g.measuredQuantile)}` : ""}` : ""}\n`,
      );
    out.write(`report: ${r.reportFiles.html ?? r.reportFiles.md ?? r.reportFiles.json}\n`);
    if (opts.calibrate && r.report.stack !== undefined) out.write(`${await refreshProfile(r.report.stack, store)}\n`);
    if (!r.passed) process.exitCode = exitCode("failed");
  } finally {
    bars?.stop();
    process.off("SIGINT", onSigint);
    process.off("SIGTERM", onSigint);
  }
}
