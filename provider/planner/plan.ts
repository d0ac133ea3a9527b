// The pipeline: failure -> affected -> destinations -> place -> storage -> steps -> order ->
// estimate. Pure: the same context and request give the same plan, to the byte.

import type { GroupEstimate, MovesWith, NonCriticalAction, Placement, Plan, SplitGroup } from "../generated/plan";
import { findAffected, type AffectedResult, type AffectedVm } from "./affected";
import { coMoveWarnings, coMovers, joinersCalled, refuseSplitGroups } from "./co-move";
import { HOLDS_CAPACITY, type PlanningContext } from "./context";
import { addDrillSteps } from "./drill";
import { estimateBoth, type Indexed } from "./estimate";
import { addFailoverSteps } from "./failover";
import { homeDecision, type HomeDecision } from "./home";
import { resolveFailure } from "./failure";
import { addMoveSteps } from "./move";
import { orderSteps } from "./order";
import { placeAll, type PlacementOutcome, type PlacementRequest, type SystemCapacity } from "./place";
import { flexibleStart, shrinks, startSize, type FlexibleStart } from "./capacity-flex";
import { wouldTake, type Yielding } from "./capacity-need";
import { addResumeSteps, addStopSteps, nonCriticalOf, type Freed, type FreedSet } from "./non-critical";
import type { NonCriticalSpec } from "../model/protection";
import type { PlacedVm } from "./placed";
import { permuted, permuteRows } from "./rows";
import { interleaved } from "./sequence";
import { StepGraph } from "./steps";
import { ViosRotation, volumeActions, type VolumeChoice } from "./storage";
import { NetworkConstraint } from "./network";
import { destinationsOf, SystemsBySite } from "./targets";
import type { FailureSpec, PlanKind } from "./types";

/** `tightBound`: see BoundOptions (the N-1 check sets it false). */
export function buildPlan(ctx: PlanningContext, kind: PlanKind, spec: FailureSpec = {}, { tightBound = true }: { tightBound?: boolean } = {}): Plan {
  const placing = placeScenario(ctx, kind, spec);
  const { affected, placements } = placing.round;
  const { graph, steps, parents, levels, holds, resourceKeys, seconds, split, warnings, nonCritical } = stepsOf(ctx, kind, placing);
  const resources: Record<string, number> = {};
  for (const key of [...graph.limits.keys()].sort()) resources[key] = graph.limits.get(key) as number;

  const strictSla = ctx.options.slaMode === "strict";
  const schedule = estimateBoth({ steps, resources }, { strictSla, tightBound }, { parents, holds, resourceKeys, seconds, levels });
  const bound = schedule.bound;
  const plan: Plan = {
    version: 1,
    kind,
    failure: placing.failure,
    placements,
    steps,
    resources,
    groups: groupEstimates(ctx, affected.vms, placements, steps, schedule.finish),
    estimate: {
      makespanSeconds: schedule.makespanSeconds,
      lowerBoundSeconds: bound.seconds,
      criticalPathSeconds: bound.criticalPathSeconds,
      bottleneck: bound.bottleneck,
      slaMode: ctx.options.slaMode,
      serialSeconds: sumOf(seconds),
    },
  };
  if (ctx.model.stack !== undefined) plan.stack = ctx.model.stack;
  if (warnings.length > 0) plan.warnings = warnings;
  if (graph.deferred.length > 0) plan.deferredCleanup = graph.deferred;
  if (split.length > 0) plan.splitGroups = split;
  if (nonCritical.length > 0) plan.nonCritical = nonCritical;
  return plan;
}

/** A scenario placed: the failure it resolved to, and where each affected LPAR goes. */
export interface PlacedScenario {
  readonly failure: Plan["failure"];
  readonly failedHosts: ReadonlySet<string>;
  readonly round: Round;
  /** Non-critical LPARs the placement counts as stopped (non-critical.ts). */
  readonly freed: FreedSet;
}

/** The first half of a plan: the failure, the LPARs it moves (co-movers included) and their placement. */
export function placeScenario(ctx: PlanningContext, kind: PlanKind, spec: FailureSpec): PlacedScenario {
  const { failure, failedHosts } = resolveFailure(ctx, spec, kind === "failover");
  const sites = new SystemsBySite(ctx, failedHosts);
  // A move onto the recovery site stops its non-critical LPARs, and a drill that is told to
  // (its file's stopNonCritical): its LPARs may claim them.
  const claiming = kind === "failover" || kind === "planned" || (kind === "drill" && ctx.options.drillStopsNonCritical);
  const round = placeWith(ctx, kind, spec, failedHosts, sites, claiming);
  return { failure, failedHosts, round, freed: round.claimed };
}

/** The LPARs moved (co-movers included) and their placement; `claiming`: LPARs with no room may claim non-critical LPARs' (non-critical.ts). */
function placeWith(ctx: PlanningContext, kind: PlanKind, spec: FailureSpec, failedHosts: ReadonlySet<string>, sites: SystemsBySite, claiming: boolean): Round {
  let round = placeRound(ctx, kind, spec, failedHosts, sites, new Map(), claiming);
  const alone = round;
  if (kind === "planned" || kind === "failover") {
    // A switch or failover reverses a whole consistency group: its other writers move too
    // (co-move.ts), which may make them switch further groups. Each round adds LPARs; the
    // protected ones are finite.
    const joining = new Map<string, MovesWith>();
    for (let more = coMovers(ctx, round.affected.vms, round.placed); more.size > 0; more = coMovers(ctx, round.affected.vms, round.placed)) {
      for (const [lpar, why] of more) joining.set(lpar, why);
      round = placeRound(ctx, kind, spec, failedHosts, sites, joining, claiming);
    }
    // Placed with the joiners, the LPARs that called them may no longer change sites (a joiner
    // leaving freed room at home): then nobody joins, and the placement is the one without them.
    if (joining.size > 0 && !joinersCalled(round.placed)) round = alone;
    // A planned move can wait; a failover recovers what is down even if a group must split: a
    // writer with no room at the other site stays where it runs (failover.ts warns of the split).
    if (kind === "planned") round = { ...round, ...refuseSplitGroups(ctx, round.affected.vms, round.placements, round.placed) };
    else if (joining.size > 0) {
      // All of a failover's joiners move, or none does: they never take room from an LPAR that
      // is down, and a placement that counted on a joiner leaving its server (capacity,
      // anti-affinity) is not kept without it. When not all fit, the split is warned of.
      if (round.placements.some((p) => p.target === null)) round = alone;
    }
  }
  return round;
}

/** The steps of a scenario in plan order, with what the estimate reads by step index (estimate.ts Indexed). */
export interface ScenarioSteps extends Indexed {
  readonly graph: StepGraph;
  readonly steps: Plan["steps"];
  readonly split: SplitGroup[];
  readonly warnings: string[];
  /** Non-critical LPARs the steps stop, suspend or bring back. */
  readonly nonCritical: NonCriticalAction[];
}

/** The second half: the steps of a placed scenario, ordered; with `ids` false, without their `dependsOn` ids. */
export function stepsOf(ctx: PlanningContext, kind: PlanKind, { failedHosts, round, freed }: PlacedScenario, ids = true): ScenarioSteps {
  const { affected, placed } = round;
  const warnings = [...(ctx.model.stateWarnings ?? []), ...affected.warnings, ...coMoveWarnings(affected.vms)];
  if (kind === "drill" && !ctx.options.drillStopsNonCritical) {
    // A drill not told to stop anything: say what a failover would stop that the drill leaves waiting.
    const named = round.placements.filter((p) => p.target === null && p.wouldTake?.stopLpars !== undefined);
    if (named.length > 0) {
      const shown = named.slice(0, 3).map((p) => JSON.stringify(p.lpar)).join(", ") + (named.length > 3 ? `, and ${named.length - 3} more` : "");
      warnings.push(`a drill does not stop or suspend non-critical VMs: ${shown} wait${named.length === 1 ? "s" : ""} for room that stopping them would give (each one's wouldTake names them); a failover or planned move would stop them, and a drill whose file sets \`stopNonCritical: true\``);
    }
  }
  const graph = new StepGraph(ctx);
  const split: SplitGroup[] = [];
  const { stopsOn, actions } = addStopSteps(graph, freed, round.placements);
  let nonCritical = actions;
  if (placed.length > 0) {
    if (kind === "failover") addFailoverSteps(ctx, graph, interleaved(ctx, placed), failedHosts, warnings, split, stopsOn);
    else if (kind === "drill") nonCritical = [...actions, ...addDrillSteps(ctx, graph, placed, freed, stopsOn)];
    else {
      const shutdownsOn = addMoveSteps(ctx, graph, placed, kind === "failback", warnings, stopsOn);
      if (kind === "failback") nonCritical = addResumeSteps(ctx, graph, nonCriticalOf(affected.vms), shutdownsOn, warnings);
    }
  }
  const built = graph.build(ids);
  const { steps, parents, order, levels } = orderSteps(built.steps, built.parents, built.levels);
  const seconds = permuted(built.seconds, order);
  return { graph, steps, parents, levels, holds: permuteRows(built.holds, order), resourceKeys: built.resourceKeys, seconds, split, warnings, nonCritical };
}

export interface Round {
  readonly affected: AffectedResult;
  readonly placements: Placement[];
  readonly placed: PlacedVm[];
  /** The non-critical LPARs a claiming placement (`claiming`) stopped for LPARs with no room elsewhere. */
  readonly claimed: FreedSet;
}

/** Which LPARs the plan moves (with those `joining` them), and where each one goes. */
function placeRound(ctx: PlanningContext, kind: PlanKind, spec: FailureSpec, failedHosts: ReadonlySet<string>, sites: SystemsBySite, joining: ReadonlyMap<string, MovesWith>, claiming: boolean): Round {
  const affected = findAffected(ctx, { kind, failedHosts, groups: spec.groups, joining });
  const volumesBySite = new Map<string, ReadonlyMap<string, readonly VolumeChoice[]>>();
  // A failback returns each LPAR to its recorded home when it can.
  const homes = new Map<string, HomeDecision>();
  const network = new NetworkConstraint(ctx, kind);
  // The smallest start each LPAR's group allows in this plan (capacity-flex.ts), when it has flexible capacity.
  const flexible = new Map<string, FlexibleStart>();
  const requests: PlacementRequest[] = affected.vms.map((vm) => {
    const flex = flexibleStart(vm.lpar, vm.entry.group.name, vm.entry.group.flexibleCapacity, kind);
    if (flex !== undefined) flexible.set(vm.lpar.id, flex);
    const dest = network.restrict(vm, destinationsOf(ctx, kind, vm, sites));
    volumesBySite.set(vm.lpar.id, dest.volumesBySite);
    const home = kind === "failback" ? homeDecision(ctx, vm, dest.pools, failedHosts) : undefined;
    if (home !== undefined) homes.set(vm.lpar.id, home);
    const unplaceable =
      kind === "failover" && ctx.options.requireRemoteRestartCapable && !vm.lpar.remoteRestartCapable
        ? "it is not remote-restart capable (simplified_remote_restart_capable=0): enable it on the LPAR"
        : kind === "drill"
          ? drillRefusal(ctx, vm)
          : undefined;
    return {
      lpar: vm.lpar.id,
      slaLevel: vm.slaLevel,
      processorUnits: vm.lpar.processorUnits,
      memoryGb: vm.lpar.memoryGb,
      pools: dest.pools,
      noPoolReason: dest.reason,
      unplaceable,
      antiAffinity: antiAffinityOf(ctx, vm),
      waitsFor: vm.entry.vm.after ?? NONE,
      ...(home?.usable ? { home: home.system as string } : {}),
      ...(flex !== undefined && shrinks(flex, vm.lpar) ? { flexible: { processorUnits: flex.processorUnits, memoryGb: flex.memoryGb } } : {}),
    };
  });
  const moving = new Set(affected.vms.map((v) => v.lpar.id));
  const yielding = nonCriticalOf(affected.vms).length > 0 ? yieldingIndex(ctx, affected.vms, moving) : undefined;
  const outcomes = placeAll({
    requests,
    capacity: (system) => capacityOf(ctx, system),
    ...(claiming && yielding !== undefined ? { yielding: (req: PlacementRequest) => yielding.of(req.lpar, req.slaLevel) } : {}),
    locationOf: (lpar) => {
      const l = ctx.lpars.get(lpar);
      return l && !failedHosts.has(l.host) ? l.host : undefined;
    },
    runningOn: (system) => runningOn(ctx, system),
  });

  const claimed = new Map<string, Freed>();
  for (const [claimer, outcome] of outcomes) {
    for (const y of outcome.stops ?? []) {
      // Where it runs: its claimer may have moved on since (grown back to full size elsewhere).
      const spec = yielding?.byLpar.get(y.lpar) as Yielding & { system: string };
      const claimedBy = [...(claimed.get(y.lpar)?.claimedBy ?? []), claimer];
      claimed.set(y.lpar, { lpar: y.lpar, system: spec.system, action: spec.action, slaLevel: y.slaLevel, processorUnits: y.processorUnits, memoryGb: y.memoryGb, claimedBy });
    }
  }

  const ordered = [...affected.vms].sort((a, b) => b.slaLevel - a.slaLevel || compare(a.lpar.id, b.lpar.id));
  const rotation = new ViosRotation(ctx);
  const placements: Placement[] = [];
  const placed: PlacedVm[] = [];
  for (const vm of ordered) {
    const outcome = outcomes.get(vm.lpar.id) as PlacementOutcome;
    const placement: Placement = {
      lpar: vm.lpar.id,
      name: vm.lpar.name,
      group: vm.entry.group.name,
      slaLevel: vm.slaLevel,
      source: vm.source,
      target: outcome.system,
      processorUnits: vm.lpar.processorUnits,
      memoryGb: vm.lpar.memoryGb,
      volumes: [],
    };
    if (vm.movesWith !== undefined) placement.movesWith = vm.movesWith;
    const flex = flexible.get(vm.lpar.id);
    // Shrunk when placed so, or (not placed) when its shortfall was measured at the flexible size.
    const shrunk = flex !== undefined && shrinks(flex, vm.lpar) && (outcome.system !== null ? outcome.shrunk === true : true);
    if (flex !== undefined) placement.start = startSize(vm.lpar, flex, shrunk, outcome.system !== null);
    if (outcome.system !== null) {
      const site = ctx.systems.get(outcome.system)?.site as string;
      const choices = volumesBySite.get(vm.lpar.id)?.get(site);
      if (!choices) throw new Error(`internal: ${vm.lpar.id} placed at site ${site}, which its volumes do not reach`);
      placement.volumes = volumeActions(ctx, kind, choices, outcome.system, rotation, homes.has(vm.lpar.id) ? ctx.homes.get(vm.lpar.id) : undefined);
      const net = network.placementNetwork(vm, outcome.system);
      if (net !== undefined) placement.network = net;
      placed.push({ vm, target: outcome.system, choices, actions: placement.volumes });
    } else {
      placement.reason = outcome.reason;
      if (outcome.waiting) placement.waiting = true;
      if (outcome.shortfall !== undefined) {
        placement.shortfall = outcome.shortfall;
        const tried = shrunk ? (flex as FlexibleStart) : vm.lpar;
        const minimum = { processorUnits: vm.lpar.minimum?.processorUnits ?? vm.lpar.processorUnits, memoryGb: vm.lpar.minimum?.memoryGb ?? vm.lpar.memoryGb };
        // Those claimed already are not on offer.
        const there = (yielding?.of(vm.lpar.id, vm.slaLevel).get(outcome.shortfall.system) ?? []).filter((y) => !claimed.has(y.lpar));
        placement.wouldTake = wouldTake({ size: vm.lpar, tried, minimum, shortfall: outcome.shortfall, yielding: there });
      }
    }
    const home = homes.get(vm.lpar.id);
    if (home !== undefined) {
      placement.home = { system: home.system };
      if (outcome.system === null || outcome.system !== home.system) {
        placement.home.reason = home.reason ?? outcome.homeReason ?? outcome.reason ?? "it is not placed";
      }
    }
    placements.push(placement);
  }
  return { affected, placements, placed, claimed };
}

const capacities = new WeakMap<PlanningContext, Map<string, SystemCapacity>>();

/** A system's free capacity now (size minus the LPARs running there): the same for every plan of a context. */
function capacityOf(ctx: PlanningContext, system: string): SystemCapacity {
  let bySystem = capacities.get(ctx);
  if (bySystem === undefined) capacities.set(ctx, (bySystem = new Map()));
  let capacity = bySystem.get(system);
  if (capacity === undefined) {
    const s = ctx.systems.get(system);
    const used = ctx.used.get(system) ?? { pu: 0, mem: 0 };
    capacity = { pu: (s?.processorUnits ?? 0) - used.pu, mem: (s?.memoryGb ?? 0) - used.mem, restartLimit: ctx.restartLimits.get(system) ?? 32 };
    bySystem.set(system, capacity);
  }
  return capacity;
}

/** The non-critical LPARs of `specs` that hold room and are not moved, with their system, in the order to stop them: lowest level first, then the larger first (fewer to stop), then by id. */
function yieldingOf(ctx: PlanningContext, specs: readonly NonCriticalSpec[], moving: ReadonlySet<string>): (Yielding & { system: string })[] {
  const out: (Yielding & { system: string })[] = [];
  for (const n of specs) {
    const l = ctx.lpars.get(n.lpar);
    if (l === undefined || !HOLDS_CAPACITY.has(l.state) || moving.has(l.id)) continue;
    out.push({ lpar: l.id, system: l.host, action: n.action, slaLevel: n.slaLevel, processorUnits: l.allocated?.processorUnits ?? l.processorUnits, memoryGb: l.allocated?.memoryGb ?? l.memoryGb });
  }
  return out.sort((a, b) => a.slaLevel - b.slaLevel || b.processorUnits - a.processorUnits || b.memoryGb - a.memoryGb || compare(a.lpar, b.lpar));
}

/**
 * The non-critical LPARs that yield to a moved LPAR (its recovery target's, below its level), by
 * system: what a claiming placement draws on (place.ts PlacementInput.yielding) and what a waiting
 * LPAR's wouldTake names. One list per target and level, made on first use: a site failure asks
 * for it per waiting LPAR.
 */
function yieldingIndex(ctx: PlanningContext, vms: readonly AffectedVm[], moving: ReadonlySet<string>): { of: (lpar: string, slaLevel: number) => ReadonlyMap<string, readonly Yielding[]>; byLpar: ReadonlyMap<string, Yielding & { system: string }> } {
  const vmOf = new Map(vms.map((v) => [v.lpar.id, v]));
  const byTarget = new Map<string, (Yielding & { system: string })[]>();
  const byLpar = new Map<string, Yielding & { system: string }>();
  const cache = new Map<string, Map<string, Yielding[]>>();
  const none: ReadonlyMap<string, readonly Yielding[]> = new Map();
  const of = (lpar: string, slaLevel: number): ReadonlyMap<string, readonly Yielding[]> => {
    const target = vmOf.get(lpar)?.entry.target;
    if (target === undefined || (target.nonCritical ?? []).length === 0) return none;
    const key = `${target.name}\u0000${slaLevel}`;
    let bySystem = cache.get(key);
    if (bySystem === undefined) {
      let all = byTarget.get(target.name);
      if (all === undefined) {
        all = yieldingOf(ctx, target.nonCritical ?? [], moving);
        byTarget.set(target.name, all);
        for (const y of all) byLpar.set(y.lpar, y);
      }
      bySystem = new Map();
      for (const y of all) {
        if (y.slaLevel >= slaLevel) continue;
        const list = bySystem.get(y.system);
        if (list) list.push(y);
        else bySystem.set(y.system, [y]);
      }
      cache.set(key, bySystem);
    }
    return bySystem;
  };
  return { of, byLpar };
}

/** A drill copy is started from one FlashCopy group: its volumes must replicate in one consistency group. */
function drillRefusal(ctx: PlanningContext, vm: AffectedVm): string | undefined {
  if (vm.lpar.volumes.length === 0) return "it has no volumes to copy";
  const sides = ctx.counterparts.get(vm.entry.group.name);
  const groups = [...new Set(vm.lpar.volumes.map((v) => sides?.get(v)?.consistencyGroup).filter((g): g is string => g !== undefined))].sort();
  return groups.length > 1 ? `its volumes replicate in several consistency groups (${groups.join(", ")}): a drill copies one group per LPAR` : undefined;
}

/** serialSeconds(plan), from the durations already in an array: the same sum, in the same order. */
function sumOf(values: Float64Array): number {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i];
  return sum;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

const NONE: readonly string[] = Object.freeze([]);

/** The LPARs holding capacity on `system` now (the placement names them when a home is short). */
function runningOn(ctx: PlanningContext, system: string): string[] {
  const out: string[] = [];
  for (const l of ctx.lpars.values()) if (l.host === system && HOLDS_CAPACITY.has(l.state)) out.push(l.id);
  return out.sort();
}

function antiAffinityOf(ctx: PlanningContext, vm: AffectedVm): readonly string[] {
  if (vm.entry.antiAffinity.length === 0) return NONE;
  const out = new Set<string>();
  for (const set of vm.entry.antiAffinity) for (const l of ctx.antiAffinitySets[set]) if (l !== vm.lpar.id) out.add(l);
  return [...out];
}

/** Per group: its affected LPARs, when the last of them is up (in the estimate's schedule) and the verdict. */
export function groupEstimates(
  ctx: PlanningContext,
  vms: readonly AffectedVm[],
  placements: readonly Placement[],
  steps: Plan["steps"],
  finish: Float64Array,
): GroupEstimate[] {
  const unplaced = new Set(placements.filter((p) => p.target === null).map((p) => p.group));
  const lpars = new Map<string, string[]>();
  for (const vm of vms) {
    const list = lpars.get(vm.entry.group.name);
    if (list) list.push(vm.lpar.id);
    else lpars.set(vm.entry.group.name, [vm.lpar.id]);
  }
  const done = new Map<string, number>();
  steps.forEach((s, i) => {
    // Best-effort cleanup runs on after the group is up (report/build.ts counts the same way).
    if (s.group === undefined || s.phase === "cleanup" || s.bestEffort) return;
    const at = done.get(s.group);
    if (at === undefined || finish[i] > at) done.set(s.group, finish[i]);
  });
  return ctx.model.groups
    .filter((g) => lpars.has(g.name))
    .map((g) => {
      const estimatedRtoSeconds = done.get(g.name) ?? 0;
      const out: GroupEstimate = {
        name: g.name,
        lpars: [...(lpars.get(g.name) as string[])].sort(),
        // A group that does not come up whole has no RTO (not 0 s).
        ...(unplaced.has(g.name) ? {} : { estimatedRtoSeconds }),
        verdict: unplaced.has(g.name)
          ? "unplaceable"
          : g.rtoBudgetSeconds === undefined
            ? "no-budget"
            : estimatedRtoSeconds <= g.rtoBudgetSeconds
              ? "within"
              : "over",
      };
      if (g.rtoBudgetSeconds !== undefined) out.rtoBudgetSeconds = g.rtoBudgetSeconds;
      return out;
    });
}
