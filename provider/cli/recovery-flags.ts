// Flags shared by `vmr failover` and `vmr failback`, and the code that turns a finished recovery
// into output and an exit status. No domain logic: that is in recovery/recover.ts.

import { InvalidArgumentError, Option, type Command } from "commander";
import { failureOf } from "../executor/outcome";
import type { ExecutionMode, SlaPolicy } from "../executor/types";
import { formatPlan } from "../planner/format";
import type { Plan } from "../generated/plan";
import type { RecoveryOutcome, RecoveryOptions } from "../recovery/recover";
import { confirmOnTerminal } from "./confirm";
import { createProgress, type Progress } from "./progress";
import { formatRollback, formatRunResult, formatWayBack } from "./run-summary";
import { formatRefresh } from "../stack";
import { plural } from "../text";
import { parseRunStoreFlag, type RunStoreChoice } from "../run-store/open";
import { checkConfidence, DEFAULT_CONFIDENCE } from "../predict";
import { samplesOf } from "./commands/plan";

/**
 * Monte Carlo runs behind the RTO band a failover shows before it starts: fewer than `vmr plan`'s
 * default, since the recovery waits for them (a p95 of 200 runs is within a few percent).
 */
export const RECOVERY_SAMPLES = 200;

export const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

function collectLimit(value: string, previous: Record<string, number> = {}): Record<string, number> {
  const m = /^(.+)=(\d+)$/.exec(value);
  if (!m || Number(m[2]) < 1) throw new InvalidArgumentError(`--limit takes RESOURCE=N with N >= 1 (e.g. system:a-02=16 or 'vios:*=2'), got ${JSON.stringify(value)}`);
  return { ...previous, [m[1]]: Number(m[2]) };
}

export interface RecoveryFlags {
  stack?: string;
  cwd?: string;
  stackFile?: string;
  group?: string[];
  dryRun: boolean;
  yes: boolean;
  mode?: ExecutionMode;
  sla?: SlaPolicy;
  limit?: Record<string, number>;
  runsDir?: string;
  runStore?: RunStoreChoice;
  discardUnfinished?: string;
  refresh: boolean;
  json: boolean;
  lockStale?: number;
  confidence: string;
  samples: string;
  profile?: string;
}

export function addRecoveryFlags(command: Command): Command {
  return command
    .option("--stack <name>", "stack whose VMs to recover (read live through Pulumi)")
    .option("--cwd <dir>", "directory of the Pulumi program (default: the current directory)")
    .option("--stack-file <file>", "a `pulumi stack export --show-secrets` file instead of a live stack (no refresh afterwards)")
    .option("--group <name>", "only this protection group (repeatable)", collect)
    .option("--dry-run", "plan, then rehearse the plan on a simulated copy of the live inventory in virtual time; change nothing", false)
    .option("--yes", "do not ask for confirmation (required without a terminal)", false)
    // No commander defaults: a resumed run keeps the mode and SLA policy it was started with.
    .addOption(new Option("--mode <mode>", "concurrency: serial, parallel-restart (storage one at a time) or parallel (default)").choices(["serial", "parallel-restart", "parallel"]))
    .addOption(new Option("--sla <policy>", "strict (default): a level starts when the higher ones are up; pipelined: only dependencies order steps").choices(["strict", "pipelined"]))
    .option("--limit <resource=n>", "override a concurrency limit (repeatable; a trailing * matches a prefix)", collectLimit)
    .option("--runs-dir <dir>", "a directory of its own for the lock and the journals (default: the run store)")
    .option("--run-store <store>", "where the stack's lock and runs live: file (per user, the default), etcd (settings from the stack's vmr:runStore) or etcd:https://HOST:2379,...", parseRunStoreFlag)
    .option("--discard-unfinished <run>", "abandon the stack's interrupted run RUN instead of resuming it (recorded in its journal, which is kept), then run afresh")
    .option("--no-refresh", "do not refresh the stack after the run")
    .option("--json", "print the outcome as JSON", false)
    .option("--confidence <q>", "confidence of the predicted RTO the plan shows: each group's band and its verdict against the budget at this quantile, in (0, 1)", String(DEFAULT_CONFIDENCE))
    .option("--samples <n>", "Monte Carlo runs behind the predicted RTO the plan shows", String(RECOVERY_SAMPLES))
    .option("--profile <file>", "latency profile to predict with (default: the stack's, written by `vmr calibrate`, else the documented defaults)")
    .addOption(new Option("--lock-stale <ms>", "stale time of the stack lock").argParser(Number).hideHelp());
}

/** Recovery options from the flags: the terminal confirmation and progress display wired in. */
export function recoveryOptionsOf(flags: RecoveryFlags, verb: string, progress: { current?: Progress }): RecoveryOptions {
  return {
    stack: flags.stack,
    cwd: flags.cwd,
    stackFile: flags.stackFile,
    groups: flags.group,
    dryRun: flags.dryRun,
    mode: flags.mode,
    sla: flags.sla,
    limits: flags.limit,
    runsDir: flags.runsDir,
    ...(flags.runStore !== undefined ? { runStore: flags.runStore } : {}),
    ...(flags.discardUnfinished !== undefined ? { discardUnfinished: flags.discardUnfinished } : {}),
    refresh: flags.refresh,
    predict: { confidence: checkConfidence(flags.confidence), samples: samplesOf(flags.samples) },
    ...(flags.profile !== undefined ? { profileFile: flags.profile } : {}),
    ...(flags.lockStale !== undefined ? { lockStaleMs: flags.lockStale } : {}),
    confirm: async (plan: Plan) => {
      if (!flags.json) process.stdout.write(`${formatPlan(plan)}\n\n`);
      const placed = plan.placements.filter((p) => p.target !== null).length;
      return flags.yes || (await confirmOnTerminal(`${flags.dryRun ? "Rehearse" : "Run"} ${verb} of ${plural(placed, "LPAR")} (${plural(plan.steps.length, "step")})?`));
    },
    onPlan: (plan: Plan, runId?: string, ended?: ReadonlyMap<string, { failed: boolean }>) => {
      // The way to resume goes to stderr even with --json: a wrapper that may lose this process
      // needs the run id before the outcome.
      if (runId) {
        const target = flags.stackFile ? `--stack-file ${flags.stackFile}` : `--stack ${flags.stack}`;
        process.stderr.write(`run ${runId}: if it is interrupted, finish it with \`vmr failover ${target} --resume ${runId}${flags.runsDir ? ` --runs-dir ${flags.runsDir}` : ""}${flags.runStore?.type === "etcd" ? " --run-store ..." : ""}\` (from any machine that reaches the run store)\n`);
      }
      if (flags.json) return;
      progress.current = createProgress(plan, process.stderr, ended);
    },
    onEvent: (event) => progress.current?.onEvent(event),
  };
}

/** Prints the outcome; throws the aggregated ExecutionError when an LPAR did not recover (exit 1). */
export function reportOutcome(outcome: RecoveryOutcome, flags: { json: boolean }): void {
  const result = outcome.run ?? outcome.rehearsal;
  if (flags.json) {
    const { report, reportError, discarded } = outcome;
    process.stdout.write(
      `${JSON.stringify({ plan: outcome.plan, result, cancelled: outcome.cancelled ?? false, discarded, report, reportError, refresh: outcome.refresh, refreshError: outcome.refreshError, rollback: outcome.rollback }, null, 2)}\n`,
    );
  } else if (outcome.cancelled) {
    process.stdout.write("cancelled: nothing was changed\n");
  } else if (result) {
    if (outcome.rehearsal) process.stdout.write("dry run: rehearsed on a simulated copy of the live inventory, in virtual time; nothing was changed\n");
    if (outcome.discarded) process.stdout.write(`discarded the interrupted run ${outcome.discarded} (recorded in its journal)\n`);
    process.stdout.write(`${formatRunResult(result, outcome.run?.journalFile)}\n`);
    for (const line of formatWayBack(outcome.plan, result)) process.stdout.write(`${line}\n`);
    if (outcome.rollback) process.stdout.write(`${formatRollback(outcome.rollback)}\n`);
    if (outcome.report) process.stdout.write(`report: ${Object.values(outcome.report).join(", ")}\n`);
    if (outcome.refresh) process.stdout.write(`${formatRefresh(outcome.refresh)}\n`);
    if (outcome.run && outcome.reportError)
      process.stderr.write(`warning: the report was not written (${outcome.reportError}); write it with \`vmr report ${outcome.run.runDir}\`\n`);
    if (outcome.refreshError) process.stderr.write(`warning: the stack was not refreshed (${outcome.refreshError}); run \`pulumi refresh\` so its state shows where the VMs run now\n`);
  }
  const failure = result && failureOf(result);
  if (failure) throw failure;
}

/**
 * The first Ctrl-C stops the run gracefully (running steps end, nothing new starts, the journal
 * stays resumable); a second one kills the process as usual.
 */
export function stopOnInterrupt(): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  const onInterrupt = () => {
    process.stderr.write("\nstopping: waiting for the running steps to end (Ctrl-C again to kill; the run can be resumed either way)\n");
    controller.abort("interrupted by the operator");
  };
  process.once("SIGINT", onInterrupt);
  return { signal: controller.signal, dispose: () => process.removeListener("SIGINT", onInterrupt) };
}
