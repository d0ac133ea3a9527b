// One measured failover: a generated datacenter in the in-memory simulator, a failure, the
// planner's plan, and the executor's run of it in virtual time. The benchmark's figures come from
// here: the makespan is what the executor achieved against the simulator, never the planner's
// estimate, and the lower bound is the planner's lowerBound over the same DAG with the durations
// the simulator gave each step.

import { performance } from "perf_hooks";
import { VirtualClock } from "../../../provider/clock";
import { createInMemorySimulator, generateTopology, type GeneratorOptions, type Simulator } from "../../../provider/adapters/simulator";
import { simFailHost, simFailSite } from "../../../provider/adapters/simulator/control";
import { runPlan } from "../../../provider/executor/run";
import type { ExecutionMode, RunResult, SlaPolicy } from "../../../provider/executor/types";
import type { Plan } from "../../../provider/generated/plan";
import type { Duration, ResolvedTopology } from "../../../provider/model";
import { DEFAULT_LATENCIES, OPERATIONS } from "../../../provider/model/latency";
import type { ProtectionGroupSpec, ProtectionModel, StorageMappingSpec } from "../../../provider/model/protection";
import { lowerBound, planFailover, type Inventory, type LowerBound } from "../../../provider/planner";

/**
 * Every operation at its median with no spread (p95 = median): each run draws the same durations
 * and the planner's medians are the simulator's draws, so a bound is about scheduling alone.
 */
export function zeroSpreadLatencies(): Record<string, Duration> {
  return Object.fromEntries(OPERATIONS.map((op) => [op, { medianSeconds: DEFAULT_LATENCIES[op].medianSeconds, p95Seconds: DEFAULT_LATENCIES[op].medianSeconds }]));
}

/**
 * What a user of the generated datacenter would declare: one ProtectionGroup per site and SLA
 * level, one RecoveryTarget allowing every system (the planner prefers the failed LPAR's own
 * site), one StorageMapping per remote-copy consistency group.
 */
export function protectionOf(topology: ResolvedTopology): ProtectionModel {
  const siteOf = new Map(topology.managedSystems.map((m) => [m.id, m.site]));
  const cgOfVolume = new Map<string, string>();
  for (const cg of topology.consistencyGroups) for (const p of cg.pairs) cgOfVolume.set(p.master, cg.id);
  const storageMappings: StorageMappingSpec[] = topology.consistencyGroups.map((cg) => ({
    name: `sm-${cg.id}`,
    consistencyGroup: cg.id,
    pairs: cg.pairs.map((p) => ({ source: p.master, replica: p.aux })),
    presentation: { via: "vscsi" },
    mode: cg.mode,
  }));
  const groups = new Map<string, { level: number; lpars: string[]; mappings: Set<string> }>();
  for (const lpar of topology.lpars) {
    const name = `pg-${siteOf.get(lpar.host)}-sla${lpar.slaLevel}`;
    const g = groups.get(name) ?? { level: lpar.slaLevel, lpars: [], mappings: new Set<string>() };
    g.lpars.push(lpar.id);
    for (const v of lpar.volumes) {
      const cg = cgOfVolume.get(v);
      if (cg !== undefined) g.mappings.add(`sm-${cg}`);
    }
    groups.set(name, g);
  }
  const groupSpecs: ProtectionGroupSpec[] = [...groups].map(([name, g]) => ({
    name,
    slaLevel: g.level,
    vms: g.lpars.map((lpar) => ({ lpar })),
    antiAffinity: [],
    recoveryTarget: "anywhere",
    storageMappings: [...g.mappings].sort(),
  }));
  return {
    stack: "bench",
    groups: groupSpecs,
    targets: [
      {
        name: "anywhere",
        site: topology.sites[topology.sites.length - 1].name,
        systems: topology.managedSystems.map((m) => m.id),
        reserve: { processorUnits: 0, memoryGb: 0 },
        adapter: { type: "simulator" },
      },
    ],
    storageMappings,
  };
}

export interface ScenarioSpec {
  readonly generator: GeneratorOptions;
  readonly failure: { readonly host: string } | { readonly site: string };
  /** Latency overrides for the simulator and the planner alike. @default zeroSpreadLatencies() */
  readonly latencies?: Record<string, Duration>;
}

/** A datacenter with its failure applied, and the plan made from its live state. */
export interface PreparedScenario {
  readonly topology: ResolvedTopology;
  readonly plan: Plan;
  /** Wall milliseconds of planFailover (inventory already read). */
  readonly planningMs: number;
}

async function failedSimulator(spec: ScenarioSpec, topology: ResolvedTopology, clock: VirtualClock): Promise<Simulator> {
  const sim = createInMemorySimulator(topology, { clock });
  if ("host" in spec.failure) await simFailHost(spec.failure.host, { store: sim.store });
  else await simFailSite(spec.failure.site, { store: sim.store });
  return sim;
}

/** Generates the datacenter, fails it and plans the failover from the simulator's inventory. */
export async function prepare(spec: ScenarioSpec, slaMode: "strict" | "pipelined" = "strict", planningRuns = 1): Promise<PreparedScenario> {
  const latencies = spec.latencies ?? zeroSpreadLatencies();
  const topology = generateTopology({ ...spec.generator, simulation: { ...spec.generator.simulation, latencies } });
  const sim = await failedSimulator(spec, topology, new VirtualClock());
  const inventory: Inventory = { compute: await sim.compute.inventory(), storage: await sim.storage.inventory() };
  await sim.close();
  const model = protectionOf(topology);
  const failure = "host" in spec.failure ? { failedHosts: [spec.failure.host] } : { failedSite: spec.failure.site };
  // The best of `planningRuns` (the first pays for the JIT compiling the planner).
  let plan: Plan | undefined;
  let planningMs = Infinity;
  for (let run = 0; run < planningRuns; run++) {
    const started = performance.now();
    plan = planFailover({ model, inventory, failure, options: { latencies, slaMode } });
    planningMs = Math.min(planningMs, performance.now() - started);
  }
  if (!plan) throw new RangeError("planningRuns must be at least 1");
  const unplaced = plan.placements.filter((p) => p.target === null || p.target === undefined);
  if (unplaced.length > 0) throw new Error(`benchmark scenario left ${unplaced.length} LPARs unplaced: ${JSON.stringify(unplaced[0])}`);
  return { topology, plan, planningMs };
}

export interface Measured {
  readonly result: RunResult;
  /** Wall milliseconds the executor took to run the plan in virtual time. */
  readonly wallMs: number;
}

/** Runs the plan against a fresh simulator of the same datacenter, in virtual time. */
export async function execute(
  spec: ScenarioSpec,
  prepared: PreparedScenario,
  mode: ExecutionMode,
  sla: SlaPolicy,
  limits?: Readonly<Record<string, number>>,
): Promise<Measured> {
  const clock = new VirtualClock();
  const sim = await failedSimulator(spec, prepared.topology, clock);
  const started = performance.now();
  const result = await runPlan(prepared.plan, sim, { clock, mode, sla, ...(limits ? { limits } : {}) });
  const wallMs = performance.now() - started;
  await sim.close();
  if (result.status !== "succeeded") {
    const failed = result.steps.find((s) => s.status === "failed");
    throw new Error(`benchmark run (${mode}, ${sla}) failed: ${failed ? `${failed.id}: ${failed.error?.message}` : "an LPAR was not recovered"}`);
  }
  return { result, wallMs };
}

/**
 * Each step's service time in the simulator, in seconds: what the bound charges it. Taken from
 * the serial run, where one step runs at a time, so no wait for a busy resource is in it. The
 * exception is VerifyLpar, which waits for the OS boot that began when its restart ended: in the
 * serial run other steps ran meanwhile, so its own time there is shorter than the boot; it is
 * charged the boot, which with zero spread is the table's median (the plan's estimate).
 */
export function serviceSeconds(serial: RunResult, plan: Plan): Map<string, number> {
  const estimate = new Map(plan.steps.map((s) => [s.id, s.estimateSeconds]));
  return new Map(
    serial.steps.map((s) => [s.id, s.kind === "VerifyLpar" ? (estimate.get(s.id) as number) : ((s.finishedMs ?? 0) - (s.startedMs ?? 0)) / 1000]),
  );
}

/** Each step's own time in a run, in seconds (for the serial run: the bound it cannot beat). */
export function runSeconds(result: RunResult): Map<string, number> {
  return new Map(result.steps.map((s) => [s.id, ((s.finishedMs ?? 0) - (s.startedMs ?? 0)) / 1000]));
}

/** The longest a step of `result` took beyond its service time: time it waited inside the simulator. */
export function hardwareWaitSeconds(result: RunResult, service: ReadonlyMap<string, number>): number {
  let worst = 0;
  for (const [id, seconds] of runSeconds(result)) worst = Math.max(worst, seconds - (service.get(id) ?? 0));
  return worst;
}

/** The plan with every step's estimate replaced by its service time in the simulator. */
export function withServiceTimes(plan: Plan, service: ReadonlyMap<string, number>): Plan {
  return {
    ...plan,
    steps: plan.steps.map((s) => {
      const seconds = service.get(s.id);
      if (seconds === undefined) throw new Error(`no service time for step ${s.id}`);
      return { ...s, estimateSeconds: seconds };
    }),
  };
}

/** The planner's lower bound of the run's mode and SLA policy, over the measured durations. */
export function boundOf(measuredPlan: Plan, mode: ExecutionMode, sla: SlaPolicy): LowerBound {
  return lowerBound(measuredPlan, { mode, strictSla: sla === "strict" });
}

/** Seconds until every LPAR of the highest SLA level is recovered. */
export function topLevelUpSeconds(result: RunResult): number {
  const top = Math.max(...result.vms.map((v) => v.slaLevel));
  return Math.max(...result.vms.filter((v) => v.slaLevel === top).map((v) => v.atSeconds ?? Infinity));
}
