// Turns a run (plan + step events) into the report document of schemas/report.schema.json.
// Pure: the same run always gives the same report.

import type { GroupEstimate, Placement, Step } from "../generated/plan";
import type { GroupRto, NonCriticalRecord, RunReport, SlaLevelRecord, StepRecord, VmOutcome } from "../generated/report";
import groupBy from "lodash/groupBy";
import { deferredCleanupOf } from "../executor/deferred";
import { quantileWithin } from "../predict/quantiles";
import { laneKey, laneOf } from "./lanes";
import type { RunRecord, StepEvent } from "./run";

/** Steps that run after a VM is up (they tidy up or re-protect): they do not count towards its RTO.
 * The plan's `phase` says so; the kinds cover plans that leave it out. */
export const AFTER_RECOVERY_KINDS: ReadonlySet<string> = new Set([
  "CleanupSourceLpar",
  "DeleteDrillLpar",
  "DeleteFlashCopyGroup",
  "ReverseReplication",
]);

function isAfterRecovery(step: Step): boolean {
  return step.phase === "post" || step.phase === "cleanup" || AFTER_RECOVERY_KINDS.has(step.kind) || (step.kind === "RunHook" && step.params?.hook === "post");
}

/** Converts the run's clock readings into seconds since the start (simulated, when scaled). */
type Timeline = (at: number) => number;

function timeline(origin: number, timeScale = 1): Timeline {
  return (at) => Math.round((at - origin) / timeScale) / 1000;
}

function stepRecord(step: Step, events: readonly StepEvent[], seconds: Timeline, lane: string): StepRecord {
  const record: StepRecord = {
    id: step.id,
    kind: step.kind,
    slaLevel: step.slaLevel,
    lane,
    status: "notStarted",
    attempts: 0,
    estimateSeconds: step.estimateSeconds,
  };
  if (step.lpar) record.lpar = step.lpar;
  if (step.bestEffort) record.bestEffort = true;
  if (step.group) record.group = step.group;
  let lastError: string | undefined;
  for (const e of events) {
    switch (e.type) {
      case "started":
        record.attempts = Math.max(record.attempts + 1, e.attempt ?? 0);
        if (record.startSeconds === undefined) record.startSeconds = seconds(e.at);
        record.status = "running";
        break;
      case "succeeded":
        record.endSeconds = seconds(e.at);
        record.status = "succeeded";
        break;
      case "failed":
        lastError = e.error ?? "failed";
        record.endSeconds = seconds(e.at);
        // A failure the executor will retry leaves the step running until it says otherwise.
        record.status = e.final === false ? "running" : "failed";
        break;
      case "skipped":
        record.status = "skipped";
        if (e.error) lastError = e.error;
        break;
    }
  }
  if (record.status === "running") delete record.endSeconds;
  if (lastError && record.status !== "succeeded") record.error = lastError;
  return record;
}

function vmOutcome(p: Placement, steps: readonly StepRecord[]): VmOutcome {
  const vm: VmOutcome = {
    lpar: p.lpar,
    name: p.name,
    group: p.group,
    slaLevel: p.slaLevel,
    source: p.source,
    target: p.target,
    outcome: "notFinished",
  };
  if (p.network !== undefined) vm.network = p.network;
  if (p.start !== undefined) vm.start = { ...p.start };
  if (p.target === null) {
    vm.outcome = "unplaced";
    vm.reason = p.reason ?? "no target system has room for it";
    return vm;
  }
  const failed = steps.find((s) => s.status === "failed" && !s.bestEffort);
  const skipped = steps.find((s) => s.status === "skipped");
  if (failed) {
    vm.outcome = "failed";
    vm.reason = `${failed.kind} failed after ${failed.attempts} attempt(s): ${failed.error ?? "no reason given"}`;
  } else if (skipped) {
    vm.outcome = "failed";
    vm.reason = `${skipped.kind} did not run: ${skipped.error ?? "a step it depends on failed"}`;
  } else if (steps.length > 0 && steps.every((s) => s.status === "succeeded" || (s.status === "failed" && s.bestEffort))) {
    vm.outcome = "restarted";
    // Up when its last step that had to succeed ended: best-effort cleanup runs on after it.
    vm.restartSeconds = Math.max(0, ...steps.filter((s) => !s.bestEffort).map((s) => s.endSeconds ?? 0));
  }
  return vm;
}

function groupRto(name: string, vms: readonly VmOutcome[], estimate?: GroupEstimate): GroupRto {
  const g: GroupRto = {
    name,
    vms: vms.length,
    // A group the plan could not place whole has no estimated RTO (not 0 s).
    ...(estimate !== undefined && estimate.estimatedRtoSeconds === undefined ? {} : { estimatedRtoSeconds: estimate?.estimatedRtoSeconds ?? 0 }),
    verdict: "incomplete",
  };
  if (vms.length > 0) g.slaLevel = Math.max(...vms.map((v) => v.slaLevel));
  if (estimate?.rtoBudgetSeconds !== undefined) g.rtoBudgetSeconds = estimate.rtoBudgetSeconds;
  if (estimate?.predictedRto !== undefined) g.predictedRto = { ...estimate.predictedRto };
  if (vms.some((v) => v.outcome === "failed" || v.outcome === "unplaced")) g.verdict = "failed";
  else if (vms.every((v) => v.outcome === "restarted")) {
    g.rtoSeconds = vms.length > 0 ? Math.max(...vms.map((v) => v.restartSeconds ?? 0)) : 0;
    if (g.predictedRto !== undefined) g.measuredQuantile = quantileWithin(g.predictedRto, g.rtoSeconds);
    if (g.rtoBudgetSeconds === undefined) g.verdict = "no-budget";
    else g.verdict = g.rtoSeconds <= g.rtoBudgetSeconds ? "within" : "over";
  }
  return g;
}

function slaLevels(vms: readonly VmOutcome[]): SlaLevelRecord[] {
  return Object.entries(groupBy(vms, (v) => v.slaLevel))
    .map(([level, list]) => [Number(level), list] as const)
    .sort((a, b) => b[0] - a[0])
    .map(([slaLevel, list]) => {
      const up = list.filter((v) => v.outcome === "restarted");
      const rec: SlaLevelRecord = { slaLevel, vms: list.length, up: up.length };
      if (up.length > 0) rec.lastUpSeconds = Math.max(...up.map((v) => v.restartSeconds ?? 0));
      if (up.length === list.length && rec.lastUpSeconds !== undefined) rec.doneSeconds = rec.lastUpSeconds;
      return rec;
    });
}

export function buildReport(run: RunRecord): RunReport {
  const { plan } = run;
  const placements = new Map(plan.placements.map((p) => [p.lpar, p]));
  const clock = timeline(run.startedAtMs, run.timeScale);
  const eventsByStep = new Map<string, StepEvent[]>();
  for (const e of [...run.events].sort((a, b) => a.at - b.at)) {
    const list = eventsByStep.get(e.step);
    if (list) list.push(e);
    else eventsByStep.set(e.step, [e]);
  }
  const steps = plan.steps.map((s) => stepRecord(s, eventsByStep.get(s.id) ?? [], clock, laneKey(laneOf(s, placements))));

  const recoverySteps = steps.filter((_, i) => plan.steps[i].lpar && !isAfterRecovery(plan.steps[i]));
  const recoveryStepsByLpar = groupBy(recoverySteps, (s) => s.lpar);
  const vms = plan.placements.map((p) => vmOutcome(p, recoveryStepsByLpar[p.lpar] ?? []));

  const vmsByGroup = groupBy(vms, (v) => v.group);
  const groupNames = [...new Set([...plan.groups.map((g) => g.name), ...Object.keys(vmsByGroup)])];
  const estimates = new Map(plan.groups.map((g) => [g.name, g]));
  const groups = groupNames
    .map((name) => groupRto(name, vmsByGroup[name] ?? [], estimates.get(name)))
    .sort((a, b) => (b.slaLevel ?? 0) - (a.slaLevel ?? 0) || a.name.localeCompare(b.name));

  const starts = steps.flatMap((s) => (s.startSeconds === undefined ? [] : [s.startSeconds]));
  const ends = steps.flatMap((s) => (s.endSeconds === undefined ? [] : [s.endSeconds]));
  const makespan = starts.length > 0 && ends.length > 0 ? Math.max(0, Math.max(...ends) - Math.min(...starts)) : 0;

  const stepsByKind: Record<string, number> = {};
  for (const s of plan.steps) stepsByKind[s.kind] = (stepsByKind[s.kind] ?? 0) + 1;

  // A failed step or VM makes the run failed; otherwise a journal that stops early (an
  // interrupted run) makes it incomplete; otherwise a failed drill assertion makes it failed.
  const anyFailed =
    steps.some((s) => (s.status === "failed" && !s.bestEffort) || s.status === "skipped") ||
    vms.some((v) => v.outcome === "unplaced" || v.outcome === "failed");
  const anyOpen = steps.some((s) => s.status === "running" || s.status === "notStarted");
  const assertionFailed = (run.assertions ?? []).some((a) => !a.passed);

  const report: RunReport = {
    version: 1,
    runId: run.runId,
    kind: run.kind,
    status: anyFailed ? "failed" : anyOpen ? "incomplete" : assertionFailed ? "failed" : "succeeded",
    startedAt: run.startedAt,
    options: { ...(run.options ?? {}) },
    failure: { ...plan.failure, failedHosts: [...plan.failure.failedHosts], ...(plan.failure.groups ? { groups: [...plan.failure.groups] } : {}) },
    plan: {
      steps: plan.steps.length,
      vms: plan.placements.length,
      placed: plan.placements.filter((p) => p.target !== null).length,
      unplaced: plan.placements.filter((p) => p.target === null).length,
      groups: groupNames.length,
      estimatedMakespanSeconds: plan.estimate.makespanSeconds,
      lowerBoundSeconds: plan.estimate.lowerBoundSeconds,
      criticalPathSeconds: plan.estimate.criticalPathSeconds,
      resources: Object.keys(plan.resources).length,
      stepsByKind,
    },
    makespanSeconds: makespan,
    vms,
    steps,
    groups,
    slaLevels: slaLevels(vms),
  };
  const stack = run.stack ?? plan.stack;
  if (stack) report.stack = stack;
  if (run.endedAt) report.endedAt = run.endedAt;
  if (run.timeScale !== undefined && run.timeScale !== 1) report.timeScale = run.timeScale;
  if (plan.estimate.bottleneck) report.plan.bottleneck = plan.estimate.bottleneck;
  if (plan.estimate.predictedMakespan) report.plan.predictedMakespan = { ...plan.estimate.predictedMakespan };
  if (run.assertions) report.assertions = run.assertions.map((a) => ({ ...a }));
  if (run.cleanup) report.cleanup = { ...run.cleanup, removed: [...run.cleanup.removed], leftovers: [...run.cleanup.leftovers] };
  const byId = new Map(steps.map((s) => [s.id, s]));
  if (plan.nonCritical !== undefined && plan.nonCritical.length > 0) {
    report.nonCritical = plan.nonCritical.map((n): NonCriticalRecord => {
      const step = byId.get(n.step);
      const out: NonCriticalRecord = { lpar: n.lpar, system: n.system, action: n.action, step: n.step, status: step?.status ?? "notStarted" };
      if (n.resume) out.resume = true;
      if (n.for !== undefined) out.for = [...n.for];
      if (step?.error !== undefined) out.error = step.error;
      return out;
    });
  }
  const deferred = deferredCleanupOf(plan, (i) => (steps[i].status === "failed" ? (steps[i].error ?? "no reason given") : undefined));
  if (deferred.length > 0) report.deferredCleanup = deferred;
  return report;
}
