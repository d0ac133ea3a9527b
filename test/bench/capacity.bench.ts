// A short recovery site (issue 19): a site failure of the `large` preset with the recovery site's
// free capacity cut to 70% of what the failed site's LPARs need, planned without and with
// flexible capacity (every group: 50% of processors and memory, failover; every LPAR's minimum
// 25% of its size). Per SLA level: LPARs placed at full size, shrunk, and waiting; and the
// planning time with the feature against the same plan without it (goal <= 1.2x).
// Then the same failure with non-critical VMs at the recovery site (two test VMs per recovery
// system, unprotected, declared `nonCritical` on the target, stop and suspend alternately), cut to
// the same 70% after them: per level with neither feature, with the non-critical VMs freed, and
// with both; how many were stopped; and the planning time with both against neither. Each
// feature is timed again where the site is not short: declared, it changes nothing in the plan,
// and its cost there is its own, not that of the LPARs it brings up.

import { performance } from "perf_hooks";
import { presetTopology } from "../../provider/adapters/simulator";
import type { Plan } from "../../provider/generated/plan";
import type { ResolvedTopology } from "../../provider/model";
import type { NonCriticalSpec, ProtectionModel } from "../../provider/model/protection";
import { planFailover, type Inventory } from "../../provider/planner";
import { median } from "../../provider/report/format";
import { protectTopology } from "../fixtures/protect";
import type { BenchContext } from "./main";

export const title = "Short recovery site: flexible capacity by SLA level";

/** The recovery site's free capacity as a share of what the failed site's LPARs need. */
const SUPPLY = 0.7;
const SHARE = { processorPercent: 50, memoryPercent: 50, appliesTo: "failover" as const };
const MINIMUM = 0.25;
const GOAL = 1.2;
/** Test VMs added to each recovery system, and their size: about four typical LPARs of the preset each. */
const TEST_VMS_PER_SYSTEM = 2;
const TEST_VM = { processorUnits: 2, memoryGb: 32 };

/** Cuts every system of `site` so that its free capacity totals SUPPLY x the demand of the other site. */
function shorten(t: ResolvedTopology, failed: string): void {
  const demand = { pu: 0, mem: 0 };
  for (const l of t.lpars) {
    const host = t.managedSystems.find((s) => s.id === l.host);
    if (host?.site === failed && l.state === "Running") {
      demand.pu += l.processorUnits;
      demand.mem += l.memoryGb;
    }
  }
  const recovery = t.managedSystems.filter((s) => s.site !== failed);
  const used = new Map<string, { pu: number; mem: number }>();
  for (const l of t.lpars) {
    if (l.state !== "Running") continue;
    const u = used.get(l.host) ?? { pu: 0, mem: 0 };
    u.pu += l.processorUnits;
    u.mem += l.memoryGb;
    used.set(l.host, u);
  }
  const free = recovery.reduce((f, s) => ({ pu: f.pu + s.processorUnits - (used.get(s.id)?.pu ?? 0), mem: f.mem + s.memoryGb - (used.get(s.id)?.mem ?? 0) }), { pu: 0, mem: 0 });
  const cut = { pu: Math.min(1, (SUPPLY * demand.pu) / free.pu), mem: Math.min(1, (SUPPLY * demand.mem) / free.mem) };
  for (const s of recovery) {
    const u = used.get(s.id) ?? { pu: 0, mem: 0 };
    s.processorUnits = u.pu + cut.pu * (s.processorUnits - u.pu);
    s.memoryGb = u.mem + cut.mem * (s.memoryGb - u.mem);
  }
  setMinimums(t);
}

/** Every LPAR's minimum, MINIMUM of its size: how far flexible capacity may shrink it. */
function setMinimums(t: ResolvedTopology): void {
  for (const l of t.lpars) l.minimum = { processorUnits: Math.max(0.05, l.processorUnits * MINIMUM), memoryGb: Math.max(1, l.memoryGb * MINIMUM) };
}

/** `model` with flexible capacity (SHARE) on every group. */
function declareFlexible(model: ProtectionModel): ProtectionModel {
  return { ...model, groups: model.groups.map((g) => ({ ...g, flexibleCapacity: SHARE })) };
}

/** `model` with `nonCritical` declared on every target. */
function declareNonCritical(model: ProtectionModel, nonCritical: NonCriticalSpec[]): ProtectionModel {
  return { ...model, targets: model.targets.map((t) => ({ ...t, nonCritical })) };
}

/**
 * Each variant's planning time over `runs` rounds after one round not counted (a feature's code
 * is compiled on its first plan, which the plain variant's code, run by the sections before, no
 * longer pays): its best wall time, and the median over the rounds of its time over the first
 * variant's in the same round. Each round runs every variant, starting with a different one in
 * turn, so that a slow spell of the machine, or the garbage the variant before left, lands on
 * each alike; the ratio of two best times of plans of half a second swings by a fifth between
 * runs of this bench, the median of paired ratios by a few hundredths.
 */
function pairedTimes(runs: number, variants: readonly (() => Plan)[]): { ms: number; ratio: number; plan: Plan }[] {
  const best = variants.map(() => Infinity);
  const ratios: number[][] = variants.map(() => []);
  const plans: Plan[] = variants.map((fn) => fn());
  for (let i = 0; i < runs; i++) {
    const ms = variants.map(() => 0);
    for (let j = 0; j < variants.length; j++) {
      const k = (i + j) % variants.length;
      const t = performance.now();
      plans[k] = variants[k]();
      ms[k] = performance.now() - t;
      best[k] = Math.min(best[k], ms[k]);
    }
    ms.forEach((m, k) => ratios[k].push(m / ms[0]));
  }
  return variants.map((_, k) => ({ ms: best[k], ratio: median(ratios[k]) as number, plan: plans[k] }));
}

/** Per SLA level, highest first: placed at full size, shrunk, waiting (or unplaceable). */
function byLevel(plan: Plan): Map<number, { full: number; shrunk: number; waiting: number }> {
  const out = new Map<number, { full: number; shrunk: number; waiting: number }>();
  for (const p of plan.placements) {
    const row = out.get(p.slaLevel) ?? { full: 0, shrunk: 0, waiting: 0 };
    if (p.target === null) row.waiting++;
    else if (p.start?.shrunk) row.shrunk++;
    else row.full++;
    out.set(p.slaLevel, row);
  }
  return new Map([...out].sort((a, b) => b[0] - a[0]));
}

/** The topology as the planner sees it once `failed` is down. */
function inventoryAfter(topology: ResolvedTopology, failed: string): Inventory {
  return {
    compute: { hmcs: topology.hmcs, managedSystems: topology.managedSystems.map((s) => (s.site === failed ? { ...s, state: "Error" } : s)), lpars: topology.lpars },
    storage: { storageSystems: topology.storageSystems, volumes: topology.volumes, hostMappings: topology.hostMappings, consistencyGroups: topology.consistencyGroups, flashCopyGroups: topology.flashCopyGroups },
  };
}

/** Adds TEST_VMS_PER_SYSTEM running, unprotected test VMs to every system not at `failed`; their non-critical declarations. */
function addTestVms(t: ResolvedTopology, failed: string): NonCriticalSpec[] {
  const specs: NonCriticalSpec[] = [];
  for (const s of t.managedSystems.filter((m) => m.site !== failed)) {
    for (let k = 1; k <= TEST_VMS_PER_SYSTEM; k++) {
      const id = `test-${s.id}-${k}`;
      t.lpars.push({ id, name: id, host: s.id, ...TEST_VM, slaLevel: 0, remoteRestartCapable: false, volumes: [], state: "Running", network: "test" });
      specs.push({ lpar: id, action: specs.length % 2 === 0 ? "stop" : "suspend", slaLevel: 0 });
    }
  }
  return specs;
}

export async function run(context: BenchContext): Promise<void> {
  flexibleOnly(context);
  context.print();
  withNonCritical(context);
}

function flexibleOnly(context: BenchContext): void {
  const topology = presetTopology("large", context.seed);
  const failed = topology.sites[0].name;
  const roomy = presetTopology("large", context.seed);
  shorten(topology, failed);
  const inventory = inventoryAfter(topology, failed);
  const plain = protectTopology(topology);
  const flexible = declareFlexible(plain);
  const runs = context.quick ? 2 : 10;
  const failure = { failedSite: failed };
  const [without, withFlex] = pairedTimes(runs, [() => planFailover({ model: plain, inventory, failure }), () => planFailover({ model: flexible, inventory, failure })]);
  const baseMs = without.ms;
  context.print(
    `site ${failed} of the large preset fails: ${without.plan.placements.length} LPARs; the recovery site's free capacity is ${SUPPLY * 100}% of what they need; flexible capacity ${SHARE.processorPercent}% / ${SHARE.memoryPercent}%, minimum ${MINIMUM * 100}% of each LPAR's size`,
  );
  context.print();
  context.print("| SLA level | without: full | waiting | with flexible capacity: full | shrunk | waiting |");
  context.print("|---|---|---|---|---|---|");
  const a = byLevel(without.plan);
  const b = byLevel(withFlex.plan);
  for (const [level, row] of b) {
    const r = a.get(level) ?? { full: 0, shrunk: 0, waiting: 0 };
    context.print(`| ${level} | ${r.full} | ${r.waiting} | ${row.full} | ${row.shrunk} | ${row.waiting} |`);
  }
  context.print();
  const ratio = withFlex.ratio;
  // More LPARs come up with the feature, so the plan has more steps to build: per step is the feature's own cost.
  const perStep = ratio / (withFlex.plan.steps.length / without.plan.steps.length);
  context.print(
    `planning time, ${runs} rounds, best: ${baseMs.toFixed(0)} ms without (${without.plan.steps.length} steps), ${withFlex.ms.toFixed(0)} ms with flexible capacity (${withFlex.plan.steps.length} steps); median of the paired ratios x${ratio.toFixed(2)} (goal <= ${GOAL}x: ${ratio <= GOAL ? "met" : "NOT met"}); per step x${perStep.toFixed(2)}`,
  );
  notShort(context, roomy, failed, runs, declareFlexible, "flexible capacity");
}

/**
 * The same failure when the recovery site has room for every LPAR: the feature declared (as a
 * stack would keep it, for the day the site is short) changes nothing in the plan, and what it
 * costs there is its own overhead, not more LPARs placed.
 */
function notShort(context: BenchContext, topology: ResolvedTopology, failed: string, runs: number, declare: (model: ProtectionModel) => ProtectionModel, what: string): void {
  setMinimums(topology);
  const inventory = inventoryAfter(topology, failed);
  const plain = protectTopology(topology);
  const failure = { failedSite: failed };
  const [without, declared] = pairedTimes(runs, [plain, declare(plain)].map((model) => () => planFailover({ model, inventory, failure })));
  const same = JSON.stringify(without.plan.placements.map((p) => p.target)) === JSON.stringify(declared.plan.placements.map((p) => p.target)) && without.plan.steps.length === declared.plan.steps.length;
  context.print(
    `the recovery site not short (every LPAR placed at full size, ${without.plan.steps.length} steps): ${what} declared costs x${declared.ratio.toFixed(2)} (median of ${runs} paired ratios; ${without.ms.toFixed(0)} ms -> ${declared.ms.toFixed(0)} ms best)${same ? "; the same placements and steps" : "; NOT the same plan"}`,
  );
}

function withNonCritical(context: BenchContext): void {
  const topology = presetTopology("large", context.seed);
  const failed = topology.sites[0].name;
  const nonCritical = addTestVms(topology, failed);
  const roomy = presetTopology("large", context.seed);
  addTestVms(roomy, failed);
  shorten(topology, failed);
  const inventory = inventoryAfter(topology, failed);
  const plain = protectTopology(topology);
  const freeing = declareNonCritical(plain, nonCritical);
  const both = declareFlexible(freeing);
  // Eight rounds: three plans of 5,000 LPARs a round, about 2 s a round.
  const runs = context.quick ? 1 : 8;
  const failure = { failedSite: failed };
  const [neither, freed, all] = pairedTimes(runs, [plain, freeing, both].map((model) => () => planFailover({ model, inventory, failure })));
  const stopped = (plan: Plan): number => (plan.nonCritical ?? []).filter((n) => !n.resume).length;
  context.print(
    `the same failure with ${nonCritical.length} non-critical test VMs at the recovery site (${TEST_VMS_PER_SYSTEM} per system, ${TEST_VM.processorUnits} processor units and ${TEST_VM.memoryGb} GiB each, stop and suspend alternately), free capacity again ${SUPPLY * 100}% of the need with them running`,
  );
  context.print();
  context.print("| SLA level | neither: full | waiting | non-critical freed: full | waiting | both: full | shrunk | waiting |");
  context.print("|---|---|---|---|---|---|---|---|");
  const [a, b, c] = [neither, freed, all].map((x) => byLevel(x.plan));
  const zero = { full: 0, shrunk: 0, waiting: 0 };
  for (const level of [...new Set([...a.keys(), ...b.keys(), ...c.keys()])].sort((x, y) => y - x)) {
    const [ra, rb, rc] = [a, b, c].map((m) => m.get(level) ?? zero);
    context.print(`| ${level} | ${ra.full} | ${ra.waiting} | ${rb.full + rb.shrunk} | ${rb.waiting} | ${rc.full} | ${rc.shrunk} | ${rc.waiting} |`);
  }
  context.print();
  context.print(`non-critical VMs stopped or suspended: ${stopped(freed.plan)} of ${nonCritical.length} freed alone, ${stopped(all.plan)} with flexible capacity too`);
  const ratio = all.ratio;
  const perStep = ratio / (all.plan.steps.length / neither.plan.steps.length);
  const freedPerStep = freed.ratio / (freed.plan.steps.length / neither.plan.steps.length);
  const freedMet = freed.ratio <= GOAL ? "met" : "NOT met";
  context.print(
    `planning time, ${runs} rounds, best: ${neither.ms.toFixed(0)} ms with neither (${neither.plan.steps.length} steps), ${freed.ms.toFixed(0)} ms freeing non-critical VMs (${freed.plan.steps.length} steps: median paired ratio x${freed.ratio.toFixed(2)}, goal <= ${GOAL}x: ${freedMet}; per step x${freedPerStep.toFixed(2)}), ${all.ms.toFixed(0)} ms with both (${all.plan.steps.length} steps): x${ratio.toFixed(2)} (goal <= ${GOAL}x: ${ratio <= GOAL ? "met" : "NOT met"}); per step x${perStep.toFixed(2)}`,
  );
  notShort(context, roomy, failed, runs, (model) => declareFlexible(declareNonCritical(model, nonCritical)), "both features");
}
