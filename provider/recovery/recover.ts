// The recovery commands as typed functions: failover (unplanned or planned), failback, resume.
// Each one reads the stack's protection and the live inventory, plans under the stack's lock,
// asks for confirmation, runs the plan with a journal, then refreshes the stack so that Pulumi
// state shows where the VMs run now, and writes the run's report beside its journal. A fresh run
// waits until the stack's previous run, if interrupted, is resumed or discarded. The CLI commands
// are thin wrappers around these.

import { openAdapters, type Adapters } from "../adapters";
import type { Clock } from "../clock";
import { UnfinishedRunError, ValidationError } from "../errors";
import type { RunStarted } from "../generated/journal";
import type { Plan } from "../generated/plan";
import { makePlan, planResumeNonCritical, type Inventory, type PlanKind } from "../planner";
import type { ProtectionModel } from "../model/protection";
import { planRollback, type LeftDown } from "../planner/rollback";
import { gatherPlanningInputs } from "../live/planning";
import { loadProtectionModel, refreshStack, type PulumiAccess, type RefreshResult, type StackSource } from "../stack";
import { newRunId } from "../executor/run-id";
import { replayJournal } from "../executor/journal/read-journal";
import { discardRun, resumeRun, startRun, stopper, type RecordedRunResult } from "../executor/session";
import { openRunStore, storeStackName, type RunStoreChoice } from "../run-store/open";
import type { RunStore, StoredRun } from "../run-store/types";
import type { ExecutionMode, RetryPolicy, RunEvent, RunResult, SlaPolicy } from "../executor/types";
import { report } from "../report/report";
import { REPORT_FORMATS, reportJson, writeReport, type ReportFormat } from "../report/write";
import { runRecordFromJournal } from "../report/journal";
import { rehearsePlan } from "./rehearse";
import { stoppedNonCritical } from "./stopped-by-vmr";
import { plural } from "../text";
import { predictPlan, type LatencyProfile, type PredictPlanOptions } from "../predict";
import { profileFor } from "../predict/profile-file";
import { storedProfileOf } from "../live/profile";

export interface StackTarget {
  /** Stack name; read live through Pulumi from `cwd`. */
  readonly stack?: string;
  /** Directory of the Pulumi program. @default the current directory */
  readonly cwd?: string;
  /** A `pulumi stack export --show-secrets` file instead of a live stack (no refresh afterwards). */
  readonly stackFile?: string;
  readonly access?: PulumiAccess;
}

export interface ExecutionChoices {
  /** @default "parallel" */
  readonly mode?: ExecutionMode;
  /** @default "strict" */
  readonly sla?: SlaPolicy;
  /** Resource limit overrides (`system:ID`, `vios:*`...). */
  readonly limits?: Readonly<Record<string, number>>;
  readonly retry?: Partial<RetryPolicy>;
  readonly seed?: number;
  readonly stepTimeoutSeconds?: Readonly<Record<string, number>>;
  /** Where runs are journaled, as a file store of its own. @default the stack's runs in the per-user file store */
  readonly runsDir?: string;
  /** The run store (`file` or `etcd`): from `--run-store`, else the stack's configuration. @default file */
  readonly runStore?: RunStoreChoice;
  /** Stale time of the stack lock (ms). @default 10000 */
  readonly lockStaleMs?: number;
  /**
   * Called with the plan just before it runs (after confirmation): set up a progress display.
   * `runId` names the journaled run (absent for a dry run): what `--resume` takes if it is interrupted.
   * `ended`, on a resume: the steps the journal says ended before (failed or skipped: `failed`).
   */
  readonly onPlan?: (plan: Plan, runId?: string, ended?: ReadonlyMap<string, { failed: boolean }>) => void;
  /** Called with every step event (progress display). */
  readonly onEvent?: (event: RunEvent) => void;
  /** Stops the run gracefully (running steps end, no new one starts; resumable). */
  readonly signal?: AbortSignal;
  /** Adapters to use instead of those the stack's RecoveryTarget names (tests, embedding). */
  readonly adapters?: Adapters;
  readonly clock?: Clock;
  /** Refresh the stack after the run. @default true for a live stack, false for a stack file */
  readonly refresh?: boolean;
}

export interface RecoveryOptions extends StackTarget, ExecutionChoices {
  /** Managed systems treated as failed (failover) or to evacuate (planned). Default: read from the inventory. */
  readonly failedHosts?: readonly string[];
  /** Every managed system of this site. */
  readonly failedSite?: string;
  /** Only these protection groups. */
  readonly groups?: readonly string[];
  /** Plan and rehearse on a simulated copy of the inventory; change nothing. */
  readonly dryRun?: boolean;
  /**
   * An interrupted run of the stack to abandon instead of resuming it: once the new plan is
   * confirmed, `run-discarded` is appended to its journal (which is kept), and the new run starts.
   * Without it, a fresh run is refused while the stack's previous run is unfinished.
   */
  readonly discardUnfinished?: string;
  /**
   * Shown the plan before anything runs; resolve false to cancel. Absent: proceed (the CLI
   * always passes one unless --yes).
   */
  readonly confirm?: (plan: Plan) => Promise<boolean>;
  /**
   * Predict each group's RTO band into the plan before it is shown and run (Monte Carlo under
   * this run's mode, SLA and limits): what `confirm` shows, the journal keeps and the report
   * draws. Absent: the plan carries the median schedule only.
   */
  readonly predict?: PredictPlanOptions;
  /** Latency profile file to predict with. @default the stack's stored profile, else the documented defaults */
  readonly profileFile?: string;
}

export interface RollbackOutcome {
  /** The rollback's plan and run, when some LPAR could be started where it was. */
  readonly plan?: Plan;
  readonly run?: RecordedRunResult;
  readonly leftDown: readonly LeftDown[];
}

export interface RecoveryOutcome {
  readonly plan: Plan;
  /** A failed planned move: what was started again where it was (planner/rollback.ts). */
  readonly rollback?: RollbackOutcome;
  /** The recorded run; absent for a dry run or when cancelled. */
  readonly run?: RecordedRunResult;
  /** A dry run's rehearsal in virtual time. */
  readonly rehearsal?: RunResult;
  readonly cancelled?: boolean;
  readonly refresh?: RefreshResult;
  /** Why the refresh after the run failed (the run itself is not undone). */
  readonly refreshError?: string;
  /** The report files written in the run's directory when the run ended (as `vmr report RUN` writes them). */
  readonly report?: Partial<Record<ReportFormat, string>>;
  /** Why the report could not be written (the run itself is not affected; `vmr report RUN` retries). */
  readonly reportError?: string;
  /** The interrupted run discarded in favour of this one. */
  readonly discarded?: string;
}

/** `vmr failover`: recovers the LPARs of failed hosts or a failed site (unplanned). */
export function failover(options: RecoveryOptions): Promise<RecoveryOutcome> {
  return recover("failover", options);
}

/** `vmr failover --planned`: graceful shutdown at the source, final sync, switch replication, start at the target. */
export function plannedFailover(options: RecoveryOptions): Promise<RecoveryOutcome> {
  return recover("planned", options);
}

/** `vmr failback`: reprotect (reverse replication), then move the LPARs back to their home systems. */
export function failback(options: RecoveryOptions): Promise<RecoveryOutcome> {
  return recover("failback", options);
}

/**
 * `vmr resume-noncritical`: brings back the non-critical LPARs (RecoveryTarget `nonCritical`) found
 * stopped or suspended, journaled like a failback; a failback does it by itself once the
 * recovered VMs have left. Failure scope flags do not apply.
 */
export function resumeNonCritical(options: RecoveryOptions): Promise<RecoveryOutcome> {
  return recover("resume", options);
}

function nothingTo(kind: PlanKind | "resume", o: RecoveryOptions): string {
  if (kind === "resume") return "nothing to resume: no non-critical VM of the stack's recovery targets (`nonCritical`) is stopped or suspended";
  const scope = o.failedHosts?.length ? ` on ${o.failedHosts.join(", ")}` : o.failedSite !== undefined ? ` at site ${o.failedSite}` : "";
  const groups = o.groups?.length ? ` in groups ${o.groups.join(", ")}` : "";
  switch (kind) {
    case "failover":
      return `nothing to fail over: no protected LPAR${groups} is affected${scope}${scope ? "" : " (no managed system is down: name the failed ones with --failed-host or --failed-site)"}`;
    case "planned":
      return `nothing to move: no protected LPAR${groups} runs${scope}${scope ? "" : " (name the hosts to evacuate with --failed-host or --failed-site)"}`;
    default:
      return `nothing to ${kind}: no protected LPAR${groups} runs away from its home site${scope}`;
  }
}

function sourceOf(t: StackTarget): StackSource {
  if (t.stackFile !== undefined) return { stackFile: t.stackFile };
  if (t.stack === undefined) {
    throw new ValidationError("stack", [{ path: "stack", message: "`--stack` or `--stack-file` is required: name the stack whose VMs to recover" }]);
  }
  return { stack: t.stack, cwd: t.cwd ?? process.cwd() };
}

async function recover(kind: PlanKind | "resume", o: RecoveryOptions): Promise<RecoveryOutcome> {
  if (o.failedHosts?.length && o.failedSite !== undefined) {
    throw new ValidationError("failure", [{ path: "failedSite", message: "give `--failed-host` or `--failed-site`, not both" }]);
  }
  const source = sourceOf(o);
  const failure = { failedHosts: o.failedHosts, failedSite: o.failedSite, groups: o.groups };
  const planFrom = (model: ProtectionModel, inventory: Inventory, stoppedNonCritical: readonly string[] | undefined, profile: LatencyProfile | undefined): Plan => {
    const options = { slaMode: o.sla ?? "strict", ...(o.limits ? { limits: o.limits } : {}), ...(stoppedNonCritical !== undefined ? { stoppedNonCritical } : {}) } as const;
    const plan = kind === "resume" ? planResumeNonCritical({ model, inventory, options }) : makePlan(kind, { model, inventory, failure, options });
    if ((kind === "resume" ? plan.steps.length : plan.placements.length) === 0) {
      const why = kind === "resume" && plan.warnings !== undefined ? `; ${plan.warnings.join("; ")}` : "";
      throw new ValidationError("failure", [{ path: "failure", message: `${nothingTo(kind, o)}${why}` }]);
    }
    if (o.predict === undefined) return plan;
    return predictPlan(plan, { ...o.predict, profile, sla: o.sla ?? "strict", ...(o.mode ? { mode: o.mode } : {}), ...(o.limits ? { limits: o.limits } : {}) });
  };
  if (o.dryRun) {
    if (o.discardUnfinished !== undefined) {
      throw new ValidationError("flags", [{ path: "discardUnfinished", message: "`--discard-unfinished` records a decision in a run's journal, and a dry run changes nothing: drop `--dry-run` or `--discard-unfinished`" }]);
    }
    const { model, inventory: firstLook } = await gatherPlanningInputs({ ...source, access: o.access });
    const plan = planFrom(model, firstLook, bringsBack(kind, model) ? await stoppedNonCriticalOf(source, model, o) : undefined, o.predict === undefined ? undefined : await storedProfileOf(source, model, { ...o, profile: o.predict.profile }));
    if (o.confirm && !(await o.confirm(plan))) return { plan, cancelled: true };
    o.onPlan?.(plan);
    const rehearsal = await rehearsePlan(plan, firstLook, { mode: o.mode, sla: o.sla, limits: o.limits, seed: o.seed, onEvent: o.onEvent });
    return { plan, rehearsal };
  }

  // The run store is reached, its settings proved and the stack's lock taken before anything
  // reads or touches the hardware: a refused or misconfigured run leaves the adapters alone.
  const stack = await storeStackName(source);
  const store = await openRunStore(source, stack, o);
  const runId = newRunId(new Date());
  const stop = stopper(o.signal);
  let lock;
  try {
    lock = await store.acquireLock({ runId, purpose: kind }, { staleMs: o.lockStaleMs, onCompromised: stop.lockLost });
  } catch (err) {
    await store.close();
    throw err;
  }
  let plan: Plan;
  let run: RecordedRunResult;
  let rolledBack: RollbackOutcome | undefined;
  try {
    const { model } = await gatherPlanningInputs({ ...source, access: o.access });
    // Under the lock, so an unfinished run found here is not running: it was interrupted.
    const toDiscard = await checkPreviousRun(store, stack, o.discardUnfinished);
    const adapters = o.adapters ?? (await openAdapters(model.targets[0].adapter));
    try {
      // Plan under the lock from an inventory read under it: a failover that held the lock
      // before us may have moved the very VMs the first look saw.
      const stopped = bringsBack(kind, model) ? await stoppedNonCritical(store) : undefined;
      const profile = o.predict === undefined ? undefined : (o.predict.profile ?? (await profileFor(model.stack, { file: o.profileFile, store })));
      plan = planFrom(model, { compute: await adapters.compute.inventory(), storage: await adapters.storage.inventory() }, stopped, profile);
      // The run records the stack it locked, so that resume and the check above find it.
      if (plan.stack === undefined) plan.stack = stack;
      if (o.confirm && !(await o.confirm(plan))) return { plan, cancelled: true };
      if (toDiscard) await discardRun(store, toDiscard.runId, { replacedBy: runId, lock });
      o.onPlan?.(plan, runId);
      run = await startRun(plan, adapters, { ...executionOf(o), store, runId, stack, heldLock: lock, signal: stop.signal });
      if (kind === "planned" && run.status === "failed" && !stop.signal.aborted) {
        rolledBack = await rollBack(plan, run, adapters, { ...executionOf(o), store, stack, heldLock: lock, signal: stop.signal });
      }
    } finally {
      if (!o.adapters) await Promise.all([adapters.compute.close(), adapters.storage.close()]);
    }
    return {
      plan,
      run,
      ...(rolledBack ? { rollback: rolledBack } : {}),
      ...(o.discardUnfinished !== undefined ? { discarded: o.discardUnfinished } : {}),
      ...(await reportAfter(run)),
      ...(await refreshAfter(source, o)),
    };
  } finally {
    await lock.release();
    await store.close();
  }
}

/**
 * Whether a run of this kind may bring back non-critical LPARs (the stack declares some): then
 * only those vmr stopped (stopped-by-vmr.ts), which costs a read of every journal of the stack.
 */
const bringsBack = (kind: PlanKind | "resume", model: ProtectionModel): boolean =>
  (kind === "failback" || kind === "resume") && model.targets.some((t) => (t.nonCritical ?? []).length > 0);

/** For a dry run, which takes no lock: the stack's run store read once, then closed. */
async function stoppedNonCriticalOf(source: StackSource, model: ProtectionModel, o: RecoveryOptions): Promise<string[]> {
  const store = await openRunStore(source, await storeStackName(source, model), o);
  try {
    return await stoppedNonCritical(store);
  } finally {
    await store.close();
  }
}

/**
 * A planned move that failed part way: the LPARs it shut down and did not move are started again
 * where they were, in a run of their own (journaled; `vmr failover --resume` finishes it if it
 * is interrupted). Those past the point of return are named, with what finishes them.
 */
async function rollBack(plan: Plan, run: RecordedRunResult, adapters: Adapters, options: Parameters<typeof startRun>[2]): Promise<RollbackOutcome> {
  const inventory = { compute: await adapters.compute.inventory(), storage: await adapters.storage.inventory() };
  const { plan: back, leftDown } = planRollback(plan, run, inventory);
  if (back === undefined) return { leftDown };
  return { plan: back, run: await startRun(back, adapters, { ...options, runId: newRunId(new Date()) }), leftDown };
}

const RECOVERY_KINDS = "failover, planned move or failback";

/**
 * A fresh run must not start while the stack's previous run is unfinished: its steps may have
 * left VMs fenced and volumes half-moved, and a new plan made from the hardware's state now
 * would act on them too. Returns the run to discard when the operator named it.
 */
async function checkPreviousRun(store: RunStore, stack: string, discard: string | undefined): Promise<StoredRun | undefined> {
  const runs = await store.listRuns();
  let toDiscard: StoredRun | undefined;
  if (discard !== undefined) {
    const named = runs.find((r) => r.runId === discard);
    const why = !named
      ? "there is no such run"
      : named.stack !== stack
        ? `it is a run of stack ${named.stack ?? "(none recorded)"}`
        : named.kind === "drill"
          ? "it is a drill (`vmr drill --cleanup` removes what an interrupted drill left)"
          : named.finished
            ? `it finished (${named.finished.status})`
            : named.discarded
              ? `it was discarded already, at ${named.discarded.at}`
              : undefined;
    if (why !== undefined) {
      throw new ValidationError("flags", [
        {
          path: "discardUnfinished",
          message: `\`--discard-unfinished\` ${discard} is not an interrupted ${RECOVERY_KINDS} of stack ${stack} in \`${store.where}\`: ${why}; list the runs with \`vmr runs list\``,
        },
      ]);
    }
    toDiscard = named;
  }
  const last = runs.filter((r) => r.kind !== "drill" && r.stack === stack).pop();
  const interrupted = last && !last.finished && !last.discarded ? last : undefined;
  if (interrupted && interrupted.runId !== discard) throw await unfinishedRunError(store, interrupted, stack);
  return toDiscard;
}

async function unfinishedRunError(store: RunStore, run: StoredRun, stack: string): Promise<UnfinishedRunError> {
  let inFlight = "";
  try {
    const steps = [...replayJournal(await store.readRecords(run.runId)).steps.values()].filter((s) => s.status === "started").length;
    inFlight = `, ${plural(steps, "step")} begun without a journaled end`;
  } catch (err) {
    inFlight = `, its journal unreadable: ${err instanceof Error ? err.message.split("\n").pop()?.trim() : String(err)}`;
  }
  const what = run.kind === "planned" ? "planned move" : run.kind;
  return new UnfinishedRunError(
    stack,
    run.runId,
    run.startedAt,
    `stack ${stack} has an interrupted run: ${run.runId} (${what}, started ${run.startedAt}${inFlight}). ` +
      "A fresh run could act on VMs and volumes that it left half-moved, so none starts until it ends. " +
      `Finish it with \`vmr failover --resume ${run.runId}\` (same --stack or --stack-file, and --runs-dir); ` +
      `or, to abandon it and plan afresh, add \`--discard-unfinished ${run.runId}\` (recorded in its journal, which is kept)`,
  );
}

export interface ResumeRecoveryOptions extends StackTarget, ExecutionChoices {
  /** The run to finish. @default the newest unfinished run of the stack */
  readonly runId?: string;
  /** Run again the steps that failed, once their cause is fixed. @default false */
  readonly retryFailed?: boolean;
}

/** `vmr failover --resume [RUN]`: finishes an interrupted run without repeating completed steps. */
export async function resumeRecovery(o: ResumeRecoveryOptions): Promise<RecoveryOutcome> {
  const source = sourceOf(o);
  const loaded = await loadProtectionModel(source, o.access);
  const stackName = loaded.model.stack ?? loaded.stack ?? o.stack ?? "default";
  const store = await openRunStore(source, stackName, o);
  try {
    const unfinished = (await store.listRuns()).filter((r: StoredRun) => !r.finished && !r.discarded && r.stack === stackName && r.kind !== "drill");
    const runId = o.runId ?? unfinished.pop()?.runId;
    if (runId === undefined) {
      throw new ValidationError("resume", [
        { path: "runId", message: `no unfinished run of stack ${stackName} in \`${store.where}\`: give the run id (\`--resume RUN\`; \`vmr runs list\` lists them)` },
      ]);
    }
    const records = await store.readRecords(runId);
    const header = records[0] as RunStarted;
    if (header.plan.kind === "drill") {
      throw new ValidationError("resume", [
        { path: "runId", message: `run ${runId} is a drill: drills are not resumed; remove what it left with \`vmr drill --cleanup\`` },
      ]);
    }
    if (loaded.model.targets.length === 0 && !o.adapters) {
      throw new ValidationError("stack", [{ path: "targets", message: "the stack declares no RecoveryTarget: its adapter settings are needed to resume" }]);
    }
    const ended = new Map([...replayJournal(records).steps].filter(([, st]) => st.status !== "started").map(([id, st]) => [id, { failed: st.status !== "done" }] as const));
    o.onPlan?.(header.plan, runId, ended);
    const adapters = o.adapters ?? (await openAdapters(loaded.model.targets[0].adapter));
    let run: RecordedRunResult;
    try {
      run = await resumeRun(adapters, { ...executionOf(o), store, runId, retryFailed: o.retryFailed, stack: header.stack ?? stackName, purpose: header.plan.kind });
    } finally {
      if (!o.adapters) await Promise.all([adapters.compute.close(), adapters.storage.close()]);
    }
    return { plan: header.plan, run, ...(await reportAfter(run)), ...(await refreshAfter(source, o)) };
  } finally {
    await store.close();
  }
}

function executionOf(o: ExecutionChoices) {
  return {
    mode: o.mode,
    sla: o.sla,
    limits: o.limits,
    retry: o.retry,
    seed: o.seed,
    stepTimeoutSeconds: o.stepTimeoutSeconds,
    onEvent: o.onEvent,
    clock: o.clock,
    lockStaleMs: o.lockStaleMs,
    signal: o.signal,
  };
}

/**
 * Writes the ended run's report (JSON, Markdown, HTML) into its directory, as `vmr report RUN`
 * does; a failure is reported, not thrown: the run's outcome stands either way.
 */
async function reportAfter(run: RecordedRunResult): Promise<Pick<RecoveryOutcome, "report" | "reportError">> {
  try {
    if (run.store.kind === "file") return { report: (await report({ run: run.journalFile })).files };
    // Elsewhere: the report is written on this machine and its JSON kept in the store with the journal.
    const written = await writeReport(runRecordFromJournal(await run.store.readRecords(run.runId)), run.runDir, REPORT_FORMATS);
    await run.store.putArtifact(run.runId, "report.json", reportJson(written.report));
    return { report: written.files };
  } catch (err) {
    return { reportError: err instanceof Error ? err.message : String(err) };
  }
}

/** Refreshes a live stack; a failure is reported, not thrown: the VMs have moved either way. */
async function refreshAfter(source: StackSource, o: ExecutionChoices & StackTarget): Promise<Pick<RecoveryOutcome, "refresh" | "refreshError">> {
  if ("stackFile" in source || o.refresh === false) return {};
  try {
    return { refresh: await refreshStack(source, o.access ?? {}) };
  } catch (err) {
    return { refreshError: err instanceof Error ? err.message : String(err) };
  }
}
