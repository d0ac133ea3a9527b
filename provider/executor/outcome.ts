// From the state of every step to the run's result: per LPAR, recovered where and when, or
// failed and why. Used by a live run and, through resultFromJournal, by reports of past runs.

import { ExecutionError } from "../errors";
import type { Plan, Step } from "../generated/plan";
import type { RunSettings, StepError } from "../generated/journal";
import type { JournalRecord, RunResult, StepOutcome, StepStatus, VmOutcome } from "./types";
import { readJournal, replayJournal, type JournalState } from "./journal/read-journal";
import { deferredCleanupOf } from "./deferred";
import { plural } from "../text";

/** What is known of one step at the end of a session. */
export interface StepState {
  status: StepStatus;
  startedMs?: number;
  finishedMs?: number;
  attempts: number;
  alreadyDone?: boolean;
  error?: StepError;
  blockedBy?: string;
  output?: Record<string, unknown>;
}

export interface RunFacts {
  readonly runId: string;
  readonly plan: Plan;
  readonly settings: RunSettings;
  readonly steps: readonly StepState[];
  readonly startedMs: number;
  readonly finishedMs: number;
  readonly resumes: number;
  readonly warnings: readonly string[];
}

export function buildRunResult(facts: RunFacts): RunResult {
  const { plan, steps: states, startedMs } = facts;
  const steps: StepOutcome[] = plan.steps.map((step, i) => stepOutcome(step, states[i]));
  const byId = new Map(steps.map((s) => [s.id, s]));
  // What decides an LPAR's fate: its main steps. Best-effort steps never fail it; hooks after
  // recovery and teardown fail the run but not the LPAR, and do not count towards its time.
  const stepsOfLpar = new Map<string, StepOutcome[]>();
  plan.steps.forEach((step, i) => {
    if (step.lpar === undefined || step.bestEffort || (step.phase !== undefined && step.phase !== "main" && step.phase !== "pre")) return;
    const list = stepsOfLpar.get(step.lpar);
    if (list) list.push(steps[i]);
    else stepsOfLpar.set(step.lpar, [steps[i]]);
  });

  const vms: VmOutcome[] = plan.placements.map((p) => {
    const base = { lpar: p.lpar, name: p.name, group: p.group, slaLevel: p.slaLevel, source: p.source, target: p.target };
    if (p.target === null) return { ...base, status: "unplaced", reason: p.reason ?? "no target system has room for it" };
    const own = stepsOfLpar.get(p.lpar) ?? [];
    if (own.length === 0) return { ...base, status: "pending", reason: "the plan has no steps for this LPAR" };
    const failed = own.find((s) => s.status === "failed");
    if (failed) return { ...base, status: "failed", failedStep: failed.id, reason: `${failed.kind} failed: ${failed.error?.message ?? "unknown error"}` };
    const skipped = own.find((s) => s.status === "skipped");
    if (skipped) {
      const blocker = skipped.blockedBy !== undefined ? byId.get(skipped.blockedBy) : undefined;
      return {
        ...base,
        status: "failed",
        failedStep: blocker?.id ?? skipped.id,
        reason: blocker
          ? `${skipped.kind} did not run: ${blocker.kind} ${blocker.id} failed: ${blocker.error?.message ?? "unknown error"}`
          : `${skipped.kind} did not run`,
      };
    }
    if (own.some((s) => s.status !== "done")) return { ...base, status: "pending", reason: "the run stopped before this LPAR's steps ended" };
    let at = startedMs;
    for (const s of own) if (s.finishedMs !== undefined && s.finishedMs > at) at = s.finishedMs;
    return { ...base, status: "recovered", atSeconds: (at - startedMs) / 1000 };
  });

  const allDone = steps.every((s, i) => s.status === "done" || (s.status === "failed" && plan.steps[i].bestEffort === true));
  const status = allDone && vms.every((v) => v.status === "recovered") ? "succeeded" : "failed";
  return {
    runId: facts.runId,
    kind: plan.kind,
    ...(plan.stack !== undefined ? { stack: plan.stack } : {}),
    settings: facts.settings,
    status,
    startedMs,
    finishedMs: facts.finishedMs,
    makespanSeconds: (facts.finishedMs - startedMs) / 1000,
    vms,
    steps,
    resumes: facts.resumes,
    warnings: facts.warnings,
    deferredCleanup: deferredCleanupOf(plan, (i) => (states[i].status === "failed" ? (states[i].error?.message ?? "no reason given") : undefined)),
  };
}

function stepOutcome(step: Step, state: StepState): StepOutcome {
  // Plain assignments: this runs for every step of 60,000-step plans.
  const out: { -readonly [K in keyof StepOutcome]: StepOutcome[K] } = { id: step.id, kind: step.kind, slaLevel: step.slaLevel, status: state.status, attempts: state.attempts };
  if (step.lpar !== undefined) out.lpar = step.lpar;
  if (state.startedMs !== undefined) out.startedMs = state.startedMs;
  if (state.finishedMs !== undefined) out.finishedMs = state.finishedMs;
  if (state.alreadyDone !== undefined) out.alreadyDone = state.alreadyDone;
  if (state.error) out.error = state.error;
  if (state.blockedBy !== undefined) out.blockedBy = state.blockedBy;
  if (step.bestEffort) out.bestEffort = true;
  if (step.phase !== undefined) out.phase = step.phase;
  return out;
}

/** Step states as a journal left them: a step started but not ended is pending. */
export function stepStatesFromJournal(state: JournalState): StepState[] {
  return state.started.plan.steps.map((step) => {
    const j = state.steps.get(step.id);
    if (!j || j.status === "started") return { status: "pending", attempts: 0 };
    return {
      status: j.status,
      attempts: j.attempts,
      ...(j.startedMs !== undefined ? { startedMs: j.startedMs } : {}),
      ...(j.finishedMs !== undefined ? { finishedMs: j.finishedMs } : {}),
      ...(j.alreadyDone !== undefined ? { alreadyDone: j.alreadyDone } : {}),
      ...(j.error ? { error: j.error } : {}),
      ...(j.blockedBy !== undefined ? { blockedBy: j.blockedBy } : {}),
      ...(j.output ? { output: j.output } : {}),
    };
  });
}

/** The result of a run as its journal tells it (finished or not): what `vmr report` shows. */
export function resultFromJournal(records: readonly JournalRecord[]): RunResult {
  const state = replayJournal(records);
  return buildRunResult({
    runId: state.started.runId,
    plan: state.started.plan,
    settings: state.started.settings,
    steps: stepStatesFromJournal(state),
    startedMs: state.started.timeMs,
    finishedMs: state.finished?.timeMs ?? state.lastTimeMs,
    resumes: state.resumes.length,
    warnings: [],
  });
}

/** Reads `journal.jsonl` and returns its result. */
export function resultFromJournalFile(file: string): RunResult {
  return resultFromJournal(readJournal(file).records);
}

/** One ExecutionError listing every LPAR that did not recover, for callers that want to throw. */
export function failureOf(result: RunResult): ExecutionError | undefined {
  const bad = result.vms.filter((v) => v.status !== "recovered");
  const failedLpars = new Set(bad.map((v) => v.lpar));
  const badSteps = result.steps.filter((s) => s.status === "failed" && !s.bestEffort && (s.lpar === undefined || !failedLpars.has(s.lpar)));
  if (bad.length === 0 && badSteps.length === 0) return undefined;
  const lines = [
    ...bad.map((v) => `  - ${v.name} (${v.lpar}, SLA ${v.slaLevel}): ${v.status}: ${v.reason ?? ""}`),
    ...badSteps.map((s) => `  - step ${s.id} (${s.kind}) failed: ${s.error?.message ?? ""}`),
  ];
  return new ExecutionError(
    `run ${result.runId}: ${bad.length} of ${plural(result.vms.length, "LPAR")} did not recover${badSteps.length ? `, ${plural(badSteps.length, "other step")} failed` : ""}:\n${lines.join("\n")}`,
    bad.map((v) => v.lpar),
  );
}

/** Throws failureOf(result) when there is one. */
export function assertRunSucceeded(result: RunResult): void {
  const err = failureOf(result);
  if (err) throw err;
}
