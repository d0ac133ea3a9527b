// Non-critical LPARs at the recovery site (the recovery target's `nonCritical`): which ones a
// failover or planned move stops or suspends, their steps, and their way back at failback.
//
// - Placement claims them (place.ts, PlacementInput.yielding): once every LPAR of a level had its
//   turn at the free room, each of the level with no room at its smallest start anywhere, in
//   placement order, claims the fewest unclaimed non-critical LPARs of lower levels that make room
//   for it on one system (then the lowest levels, the least room taken, the least loaded system)
//   and starts there. Claimed LPARs whose room the placement leaves unused run on: only as many
//   stop as the plan needs. One placement for a whole site failure, its claims spread over every
//   system with non-critical room (a loop of placements, one per waiting LPAR, each freeing what
//   its wouldTake named, took 52 s at 10,000 LPARs and freed 7 of 1,000 test VMs: every
//   wouldTake named the same one or two systems).
// - Every start onto a system that frees room waits for its stops (StopNonCriticalLpar), which
//   start at once, beside the fences and maps; the adapter frees the room only once each is down.
// - A failback brings back (ResumeNonCriticalLpar) the non-critical LPARs of the groups' targets
//   found stopped (action stop) or suspended (action suspend), once the recovered LPARs on their
//   system are shut down. Best effort: a test VM that does not come back never fails the failback.

import type { NonCriticalAction, Placement, Plan } from "../generated/plan";
import type { NonCriticalSpec } from "../model/protection";
import type { AffectedVm } from "./affected";
import type { PlanningContext } from "./context";
import { estimateBoth } from "./estimate";
import { orderSteps } from "./order";
import { stepId } from "./placed";
import { permuted, permuteRows } from "./rows";
import { StepGraph, type StepRef } from "./steps";

/** A non-critical LPAR the placement counts as stopped: its room is free on `system`. */
export interface Freed {
  readonly lpar: string;
  readonly system: string;
  readonly action: "stop" | "suspend";
  readonly slaLevel: number;
  readonly processorUnits: number;
  readonly memoryGb: number;
  /** The LPARs whose claims stopped it (place.ts), when placement claimed it. */
  readonly claimedBy?: readonly string[];
}

export type FreedSet = ReadonlyMap<string, Freed>;

/**
 * The LPARs a freed one makes room for: those whose claims stopped it, placed on its system; when
 * none is there any more (grown back to full size elsewhere), those placed there above its level,
 * whose room it is now (placement kept it stopped only while its room is used: place.ts
 * keepNeedless). Every start onto its system waits for its stop either way (failover.ts, move.ts).
 * `placedOn`: the placements by target system, made once (a site failure frees a thousand).
 */
function beneficiaries(placedOn: ReadonlyMap<string, readonly Placement[]>, f: Freed): string[] {
  const there = (placedOn.get(f.system) ?? []).filter((p) => p.slaLevel > f.slaLevel);
  const claimers = f.claimedBy === undefined ? [] : there.filter((p) => f.claimedBy!.includes(p.lpar));
  return (claimers.length > 0 ? claimers : there).map((p) => p.lpar).sort();
}

/** The StopNonCriticalLpar steps of the freed LPARs, and per system the steps its starts wait for. */
export function addStopSteps(g: StepGraph, freed: FreedSet, placements: readonly Placement[]): { stopsOn: ReadonlyMap<string, readonly StepRef[]>; actions: NonCriticalAction[] } {
  const stopsOn = new Map<string, StepRef[]>();
  const actions: NonCriticalAction[] = [];
  const levelOf = new Map(placements.map((p) => [p.lpar, p.slaLevel]));
  const placedOn = new Map<string, Placement[]>();
  for (const p of placements) {
    if (p.target === null) continue;
    const list = placedOn.get(p.target);
    if (list) list.push(p);
    else placedOn.set(p.target, [p]);
  }
  for (const f of [...freed.values()].sort((a, b) => compare(a.lpar, b.lpar))) {
    const forLpars = beneficiaries(placedOn, f);
    // As urgent as the most urgent LPAR it makes room for (the executor raises it along its edges anyway).
    const level = Math.max(f.slaLevel + 1, ...forLpars.map((l) => levelOf.get(l)!));
    const id = stepId("StopNonCriticalLpar", f.lpar);
    const ref = g.add({ id, kind: "StopNonCriticalLpar", lpar: f.lpar, slaLevel: level, params: { host: f.system, action: f.action }, resources: g.holdsHmcOf(f.system) });
    const list = stopsOn.get(f.system);
    if (list) list.push(ref);
    else stopsOn.set(f.system, [ref]);
    actions.push({ lpar: f.lpar, system: f.system, action: f.action, slaLevel: f.slaLevel, processorUnits: f.processorUnits, memoryGb: f.memoryGb, for: forLpars, step: id });
  }
  return { stopsOn, actions };
}

/** The non-critical LPARs the moved LPARs' recovery targets declare, each once. */
export function nonCriticalOf(vms: readonly AffectedVm[]): NonCriticalSpec[] {
  const out = new Map<string, NonCriticalSpec>();
  // Each target's list once: thousands of moved LPARs share a few targets, each declaring up to thousands.
  const seen = new Set<readonly NonCriticalSpec[]>();
  for (const vm of vms) {
    const specs = vm.entry.target.nonCritical;
    if (specs === undefined || seen.has(specs)) continue;
    seen.add(specs);
    for (const n of specs) if (!out.has(n.lpar)) out.set(n.lpar, n);
  }
  return [...out.values()];
}

/**
 * A ResumeNonCriticalLpar step per LPAR of `specs` found stopped or suspended as its action
 * leaves it, after `shutdownsOn` of its system (failback: the LPARs leaving it). When the run
 * store says which ones vmr stopped (options.stoppedNonCritical), only those: one stopped by
 * someone else stays off, and `warnings` names it.
 */
export function addResumeSteps(ctx: PlanningContext, g: StepGraph, specs: readonly NonCriticalSpec[], shutdownsOn: ReadonlyMap<string, readonly StepRef[]>, warnings: string[]): NonCriticalAction[] {
  const actions: NonCriticalAction[] = [];
  const stoppedByVmr = ctx.options.stoppedNonCritical;
  for (const n of [...specs].sort((a, b) => compare(a.lpar, b.lpar))) {
    const l = ctx.lpars.get(n.lpar);
    if (l === undefined || l.state !== (n.action === "suspend" ? "Suspended" : "Not Activated")) continue;
    if (stoppedByVmr !== undefined && !stoppedByVmr.has(n.lpar)) {
      warnings.push(`non-critical LPAR ${JSON.stringify(n.lpar)} is ${l.state.toLowerCase()} on ${JSON.stringify(l.host)}, but no run of vmr in the run store ${n.action === "suspend" ? "suspended" : "stopped"} it (someone else did): left as it is; start it on its HMC if it should run`);
      continue;
    }
    const id = stepId("ResumeNonCriticalLpar", n.lpar);
    g.add({ id, kind: "ResumeNonCriticalLpar", lpar: n.lpar, slaLevel: Math.max(0, n.slaLevel), bestEffort: true, params: { host: l.host, action: n.action }, resources: g.holdsHmcOf(l.host), dependsOn: shutdownsOn.get(l.host) ?? [] });
    actions.push({ lpar: n.lpar, system: l.host, action: n.action, slaLevel: n.slaLevel, resume: true, step: id });
  }
  return actions;
}

/**
 * `vmr resume-noncritical`: a plan that only brings back every non-critical LPAR the stack's
 * recovery targets declare and that is found stopped or suspended (each step on its own, no
 * placement). Bringing them back while recovered VMs still use their room is refused by the
 * hardware for capacity, step by step: the others still come back.
 */
export function buildResumePlan(ctx: PlanningContext): Plan {
  const g = new StepGraph(ctx);
  const specs = new Map<string, NonCriticalSpec>();
  for (const t of ctx.model.targets) for (const n of t.nonCritical ?? []) if (!specs.has(n.lpar)) specs.set(n.lpar, n);
  const warnings: string[] = [];
  const nonCritical = addResumeSteps(ctx, g, [...specs.values()], new Map(), warnings);
  const built = g.build();
  const { steps, parents, order, levels } = orderSteps(built.steps, built.parents, built.levels);
  const seconds = permuted(built.seconds, order);
  const resources: Record<string, number> = {};
  for (const key of [...g.limits.keys()].sort()) resources[key] = g.limits.get(key) as number;
  const schedule = estimateBoth({ steps, resources }, { strictSla: ctx.options.slaMode === "strict" }, { parents, holds: permuteRows(built.holds, order), resourceKeys: built.resourceKeys, seconds, levels });
  let serialSeconds = 0;
  for (let i = 0; i < seconds.length; i++) serialSeconds += seconds[i];
  const plan: Plan = {
    version: 1,
    kind: "resume",
    failure: { failedHosts: [] },
    placements: [],
    steps,
    resources,
    groups: [],
    estimate: {
      makespanSeconds: schedule.makespanSeconds,
      lowerBoundSeconds: schedule.bound.seconds,
      criticalPathSeconds: schedule.bound.criticalPathSeconds,
      bottleneck: schedule.bound.bottleneck,
      slaMode: ctx.options.slaMode,
      serialSeconds,
    },
  };
  if (ctx.model.stack !== undefined) plan.stack = ctx.model.stack;
  if (nonCritical.length > 0) plan.nonCritical = nonCritical;
  if (warnings.length > 0) plan.warnings = warnings;
  return plan;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
