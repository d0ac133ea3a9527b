// Runs a plan: the scheduler says which steps may start, the registry says what each one does,
// the journal records every intent before it touches an adapter and every ending after. Transient
// adapter errors are retried; a permanent failure ends its step, and the steps that depend on it
// are skipped while the rest of the plan goes on.

import * as os from "os";
import type { Adapters } from "../adapters";
import { WallClock, type Clock } from "../clock";
import { AdapterError, ExecutionError, ValidationError, VmrError, type ValidationIssue } from "../errors";
import type { Plan, Step } from "../generated/plan";
import type { RunSettings, StepError } from "../generated/journal";
import { buildGraph, type PlanGraph } from "./graph";
import { HookFailedError } from "./steps/hook";
import { builtInSteps } from "./steps";
import { resolveLimits } from "./limits";
import { buildRunResult, type StepState } from "./outcome";
import { redact } from "./redact";
import type { StepContext, StepImplementation, StepRegistry } from "./registry";
import { backoffDelayMs, Deadlines, hashString, seededRandom, StepTimeoutError, withTimeLimit } from "./retry";
import { Scheduler } from "./scheduler";
import { newRunId } from "./run-id";
import {
  DEFAULT_RETRY,
  EXECUTION_MODES,
  SLA_POLICIES,
  type JournalRecord,
  type JournalSink,
  type RetryPolicy,
  type RunOptions,
  type RunEvent,
  type RunResult,
} from "./types";
import type { JournalState } from "./journal/read-journal";

/** Options of runPlan that tests and extensions use; the CLI never needs them. */
export interface RunPlanOptions extends RunOptions {
  /** Step implementations; the built-ins plus registered kinds by default. */
  readonly steps?: StepRegistry;
}

/** Executes `plan` against the adapters and returns every LPAR's outcome. Never throws for failed steps. */
export function runPlan(plan: Plan, adapters: Adapters, options: RunPlanOptions = {}): Promise<RunResult> {
  return execute(plan, adapters, options, undefined);
}

/** Continues a journaled run: steps whose completion is journaled do not run again. */
export function continueRun(
  state: JournalState,
  adapters: Adapters,
  options: RunPlanOptions & { readonly retryFailed?: boolean } = {},
): Promise<RunResult> {
  return execute(state.started.plan, adapters, { ...options, runId: state.started.runId }, { state, retryFailed: options.retryFailed ?? false });
}

interface Resumption {
  readonly state: JournalState;
  readonly retryFailed: boolean;
}

/** Default time limit of one attempt, per kind, when neither the run nor the step kind sets one. */
export const DEFAULT_STEP_TIMEOUT_SECONDS = 1800;

async function execute(plan: Plan, adapters: Adapters, options: RunPlanOptions, resumption: Resumption | undefined): Promise<RunResult> {
  const clock = options.clock ?? new WallClock();
  const registry = options.steps ?? builtInSteps();
  const graph = buildGraph(plan);
  const args = resolveStepArguments(plan, registry);
  checkFencing(plan, graph);

  const previous = resumption?.state.started.settings;
  const mode = options.mode ?? previous?.mode ?? "parallel";
  const sla = options.sla ?? previous?.sla ?? "strict";
  checkChoice("mode", mode, EXECUTION_MODES);
  checkChoice("sla", sla, SLA_POLICIES);
  const adapterLimits = { ...(await adapters.compute.limits()), ...(await adapters.storage.limits()) };
  const { limits, warnings } = resolveLimits(plan, adapterLimits, options.limits ?? previous?.limits);
  const seed = options.seed ?? previous?.seed ?? 1;
  const settings: RunSettings = { mode, sla, limits, seed };
  const retry: RetryPolicy = { ...DEFAULT_RETRY, ...options.retry };
  const runId = options.runId ?? newRunId(new Date());
  const journal: JournalSink = options.journal ?? { append: async () => {}, close: async () => {} };
  const process_ = { pid: process.pid, host: os.hostname() };

  // Each step's state, seeded from the journal when resuming.
  const states: StepState[] = plan.steps.map(() => ({ status: "pending", attempts: 0 }));
  const outputs = new Map<string, Record<string, unknown>>();
  const done: number[] = [];
  const failed: number[] = [];
  const interrupted: string[] = [];
  let startedMs = clock.now();
  if (resumption) {
    const { state } = resumption;
    startedMs = state.started.timeMs;
    plan.steps.forEach((step, i) => {
      const j = state.steps.get(step.id);
      if (!j) return;
      if (j.status === "done") {
        states[i] = { status: "done", attempts: j.attempts, startedMs: j.startedMs, finishedMs: j.finishedMs, alreadyDone: j.alreadyDone };
        if (j.output) outputs.set(step.id, j.output);
        done.push(i);
      } else if (j.status === "failed" && !resumption.retryFailed) {
        states[i] = { status: "failed", attempts: j.attempts, startedMs: j.startedMs, finishedMs: j.finishedMs, error: j.error };
        // A best-effort step's failure does not hold back the steps after it.
        if (step.bestEffort) done.push(i);
        else failed.push(i);
      } else if (j.status === "started") {
        interrupted.push(step.id);
      }
    });
  }

  const scheduler = new Scheduler(graph, {
    mode,
    sla,
    limits,
    isStorageStep: (step) => registry.get(step.kind)!.touches === "storage",
    done,
    failed,
  });

  if (resumption) {
    await journal.append({
      type: "run-resumed",
      timeMs: clock.now(),
      wallTime: new Date().toISOString(),
      process: process_,
      pendingSteps: scheduler.unfinished,
      interruptedSteps: interrupted,
      retryFailed: resumption.retryFailed,
    });
  } else {
    await journal.append({
      type: "run-started",
      formatVersion: 1,
      runId,
      ...(plan.stack !== undefined ? { stack: plan.stack } : {}),
      timeMs: startedMs,
      wallTime: new Date().toISOString(),
      process: process_,
      settings,
      ...(adapters.compute.timeScale !== undefined ? { timeScale: adapters.compute.timeScale } : {}),
      plan,
    });
  }

  const runner = new StepRunner({ plan, graph, adapters, clock, registry, args, retry, seed, runId, journal, options, states, outputs, scheduler });
  for (const skip of scheduler.restoredSkips) runner.markSkipped(skip.index, skip.blockedBy, resumption?.state);
  await runner.runToEnd();

  const finishedMs = clock.now();
  const result = buildRunResult({ runId, plan, settings, steps: states, startedMs, finishedMs, resumes: (resumption?.state.resumes.length ?? -1) + 1, warnings });
  await journal.append({
    type: "run-finished",
    timeMs: finishedMs,
    wallTime: new Date().toISOString(),
    status: result.status,
    recovered: result.vms.filter((v) => v.status === "recovered").length,
    failed: result.vms.filter((v) => v.status !== "recovered").length,
  });
  return result;
}

interface StepRunnerParts {
  readonly plan: Plan;
  readonly graph: PlanGraph;
  readonly adapters: Adapters;
  readonly clock: Clock;
  readonly registry: StepRegistry;
  readonly args: readonly unknown[];
  readonly retry: RetryPolicy;
  readonly seed: number;
  readonly runId: string;
  readonly journal: JournalSink;
  readonly options: RunPlanOptions;
  readonly states: StepState[];
  readonly outputs: Map<string, Record<string, unknown>>;
  readonly scheduler: Scheduler;
}

/** Drives the scheduler until every step has ended, running each step with retries. */
class StepRunner {
  private journalFailure: unknown;
  private readonly deadlines: Deadlines;
  private finish!: () => void;
  private fail!: (err: unknown) => void;

  constructor(private readonly parts: StepRunnerParts) {
    this.deadlines = new Deadlines(parts.clock);
  }

  runToEnd(): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.finish = resolve;
      this.fail = reject;
      this.dispatch();
    }).finally(() => this.deadlines.stop());
  }

  markSkipped(index: number, blockedBy: number, previous?: JournalState): void {
    const { plan, states, clock } = this.parts;
    const step = plan.steps[index];
    const blocker = plan.steps[blockedBy].id;
    states[index] = { status: "skipped", attempts: 0, blockedBy: blocker };
    const known = previous?.steps.get(step.id);
    if (known?.status === "skipped" && known.blockedBy === blocker) return;
    this.record({ type: "step-skipped", stepId: step.id, timeMs: clock.now(), blockedBy: blocker });
    this.emit({ type: "step-skipped", step, blockedBy: blocker });
  }

  /** A progress display that throws must not fail or repeat a step: its errors are dropped. */
  private emit(event: RunEvent): void {
    const handler = this.parts.options.onEvent;
    if (!handler) return;
    try {
      handler(event);
    } catch {
      // ignored on purpose, see above
    }
  }

  private dispatch(): void {
    const { scheduler, options, runId } = this.parts;
    const stopped = options.signal?.aborted === true;
    if (this.journalFailure === undefined && !stopped) {
      for (const i of scheduler.next()) void this.runStep(i);
    }
    if (scheduler.running === 0) {
      if (this.journalFailure !== undefined) this.fail(this.journalFailure);
      else if (scheduler.unfinished === 0) this.finish();
      else if (stopped) this.fail(new RunStoppedError(runId, scheduler.unfinished, reasonOf(options.signal!)));
      else this.fail(new Error(`scheduler stalled with ${scheduler.unfinished} steps unfinished (a bug)`));
    }
  }

  /** Appends without waiting; a failed write stops the run from starting anything more. */
  private record(record: JournalRecord): void {
    this.parts.journal.append(record).catch((err) => this.noteJournalFailure(err));
  }

  private noteJournalFailure(err: unknown): void {
    if (this.journalFailure === undefined) this.journalFailure = err;
  }

  private async runStep(i: number): Promise<void> {
    const { plan, registry, args, clock, states, scheduler } = this.parts;
    const step = plan.steps[i];
    const impl = registry.get(step.kind)!;
    const startedMs = clock.now();
    let attempt = 0;
    for (;;) {
      attempt++;
      try {
        await this.parts.journal.append({ type: "step-started", stepId: step.id, attempt, timeMs: clock.now() });
      } catch (err) {
        // The intent is not durable: do not touch the adapters. The step stays pending for a resume.
        this.noteJournalFailure(err);
        states[i] = { status: "pending", attempts: attempt - 1 };
        scheduler.fail(i);
        this.dispatch();
        return;
      }
      this.emit({ type: "step-started", step, attempt, timeMs: clock.now() });
      try {
        const result = await this.attempt(step, impl, args[i]);
        const timeMs = clock.now();
        states[i] = { status: "done", attempts: attempt, startedMs, finishedMs: timeMs, alreadyDone: result.alreadyDone };
        if (result.output) this.parts.outputs.set(step.id, result.output);
        this.record({
          type: "step-completed",
          stepId: step.id,
          startedMs,
          timeMs,
          attempts: attempt,
          alreadyDone: result.alreadyDone,
          ...(result.output ? { output: result.output } : {}),
        });
        this.emit({ type: "step-completed", step, timeMs, alreadyDone: result.alreadyDone });
        scheduler.complete(i);
        break;
      } catch (err) {
        const error = toStepError(err);
        // A best-effort step (unmapping at a lost site) is not retried: its failure blocks
        // nothing, it is left as deferred cleanup for the failback, and a retry of a system that
        // does not answer only holds that system's slot for the back-off.
        const attempts = step.bestEffort ? 1 : this.parts.retry.attempts;
        if (error.failure === "transient" && attempt < attempts) {
          const random = seededRandom(this.parts.seed ^ hashString(step.id) ^ Math.imul(attempt, 0x9e3779b1));
          const delayMs = backoffDelayMs(this.parts.retry, attempt, random);
          this.record({ type: "step-retrying", stepId: step.id, attempt, timeMs: clock.now(), delayMs, error });
          this.emit({ type: "step-retrying", step, attempt, delayMs, error });
          await clock.sleep(delayMs);
          continue;
        }
        const timeMs = clock.now();
        states[i] = { status: "failed", attempts: attempt, startedMs, finishedMs: timeMs, error };
        this.record({ type: "step-failed", stepId: step.id, startedMs, timeMs, attempts: attempt, error });
        this.emit({ type: "step-failed", step, timeMs, error });
        if (step.bestEffort) scheduler.complete(i);
        else for (const skip of scheduler.fail(i)) this.markSkipped(skip.index, skip.blockedBy);
        break;
      }
    }
    this.dispatch();
  }

  private attempt(step: Step, impl: StepImplementation, args: unknown) {
    const { plan, adapters, clock, runId, outputs, options } = this.parts;
    const seconds = options.stepTimeoutSeconds?.[step.kind] ?? options.stepTimeoutSeconds?.default ?? impl.defaultTimeoutSeconds;
    return withTimeLimit(
      this.deadlines,
      seconds * 1000,
      (signal) => {
        const context: StepContext = {
          step,
          plan,
          adapters,
          clock,
          runId,
          get signal() {
            return signal();
          },
          outputOf: (id) => outputs.get(id),
        };
        return impl.run(args, context);
      },
      () => new StepTimeoutError(step.id, seconds, step.lpar ? [step.lpar] : []),
    );
  }
}

/**
 * The run was asked to stop (Ctrl-C, the stack lock lost): the steps that were running ended, no
 * other started. The journal has no `run-finished`: resume finishes the run.
 */
export class RunStoppedError extends ExecutionError {
  constructor(
    readonly runId: string,
    readonly unfinishedSteps: number,
    readonly reason: string,
  ) {
    super(`run ${runId} stopped (${reason}) with ${unfinishedSteps} steps not run; resume it to finish (vmr failover --resume ${runId})`);
    this.name = "RunStoppedError";
  }
}

function reasonOf(signal: AbortSignal): string {
  const r: unknown = signal.reason;
  return r instanceof Error ? r.message : typeof r === "string" ? r : "interrupted";
}

/** The journaled form of an error: its kind, the adapter's failure class, a redacted message. */
export function toStepError(err: unknown): StepError {
  if (err instanceof AdapterError) {
    return { kind: "adapter", failure: err.failure, operation: err.operation, objectId: err.objectId, message: redact(err.message) };
  }
  if (err instanceof StepTimeoutError) return { kind: "timeout", message: err.message };
  if (err instanceof HookFailedError) return { kind: "hook", message: redact(err.message) };
  if (err instanceof VmrError) return { kind: err.kind === "validation" ? "validation" : "execution", message: redact(err.message) };
  const message = err instanceof Error ? err.message : String(err);
  return { kind: "internal", message: redact(message) };
}

/** Resolves every step's arguments up front, so that a bad plan is refused whole. */
function resolveStepArguments(plan: Plan, registry: StepRegistry): unknown[] {
  const issues: ValidationIssue[] = [];
  const args = plan.steps.map((step, i) => {
    const impl = registry.get(step.kind);
    if (!impl) {
      issues.push({
        path: `steps[${i}].kind`,
        message: `\`steps[${i}].kind\` is ${JSON.stringify(step.kind)}, which no step implementation handles (registered: ${registry.kinds().join(", ")}); register one with registerStep()`,
      });
      return undefined;
    }
    try {
      return impl.resolve(step, plan);
    } catch (err) {
      if (err instanceof ValidationError) issues.push(...err.issues);
      else throw err;
      return undefined;
    }
  });
  if (issues.length > 0) throw new ValidationError("plan", issues);
  return args;
}

/**
 * The safety rule the executor enforces whatever the planner did: an LPAR is never started away
 * from its source unless a FenceSourceLpar (unplanned) or ShutdownLpar (planned) of that LPAR
 * comes before it. Searches ancestors through the LPAR's own steps and shared steps only.
 */
const STARTS_AWAY_FROM_SOURCE: ReadonlySet<string> = new Set(["RestartLpar", "MoveLpar", "StartLpar"]);

function checkFencing(plan: Plan, graph: PlanGraph): void {
  if (plan.kind === "drill") return;
  const issues: ValidationIssue[] = [];
  graph.steps.forEach((step, i) => {
    if (!STARTS_AWAY_FROM_SOURCE.has(step.kind)) return;
    const lpar = step.lpar;
    const seen = new Set<number>([i]);
    const stack = [...graph.dependencies[i]];
    let fenced = false;
    while (stack.length > 0 && !fenced) {
      const j = stack.pop()!;
      if (seen.has(j)) continue;
      seen.add(j);
      const s = graph.steps[j];
      const sLpar = s.lpar;
      if ((s.kind === "FenceSourceLpar" || s.kind === "ShutdownLpar") && sLpar === lpar) fenced = true;
      else if (sLpar === undefined || sLpar === lpar) stack.push(...graph.dependencies[j]);
    }
    if (!fenced) {
      issues.push({
        path: `steps[${i}].dependsOn`,
        message: `\`steps[${i}]\` (${step.kind} ${step.id}) starts LPAR ${JSON.stringify(lpar)} away from its source without a FenceSourceLpar or ShutdownLpar of it before; a VM whose source may still run must never start elsewhere: make the step depend on the fence`,
      });
    }
  });
  if (issues.length > 0) throw new ValidationError("plan", issues);
}

function checkChoice<T extends string>(name: string, value: T, allowed: readonly T[]): void {
  if (!allowed.includes(value)) {
    throw new ValidationError("run options", [
      { path: name, message: `\`${name}\` is ${JSON.stringify(value)}; allowed: ${allowed.map((a) => `"${a}"`).join(", ")}` },
    ]);
  }
}
