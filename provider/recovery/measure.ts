// Measured makespans: a plan executed by the real executor on an in-memory simulator in virtual
// time, per concurrency mode and SLA policy. What the performance benchmark compares with the
// planner's estimate and the paper's speedups; also how executor overhead is measured (wall time
// of a zero-latency run).

import { VirtualClock } from "../clock";
import { createInMemorySimulator } from "../adapters/simulator";
import { simFailHost, simFailSite } from "../adapters/simulator/control";
import type { Plan } from "../generated/plan";
import { runPlan } from "../executor/run";
import { EXECUTION_MODES, SLA_POLICIES, type ExecutionMode, type JournalSink, type RunResult, type SlaPolicy } from "../executor/types";

export interface MeasureOptions {
  /** @default "parallel" */
  readonly mode?: ExecutionMode;
  /** @default "strict" */
  readonly sla?: SlaPolicy;
  readonly limits?: Readonly<Record<string, number>>;
  /** Managed systems to crash in the simulated copy first. @default plan.failure.failedHosts (failover plans) */
  readonly failedHosts?: readonly string[];
  /** Site to lose first. @default plan.failure.failedSite (failover plans) */
  readonly failedSite?: string;
  /** Seed of the retry jitter. */
  readonly seed?: number;
  /** Where the run's journal goes (to calibrate from it). @default none kept */
  readonly journal?: JournalSink;
}

export interface MakespanMeasurement {
  readonly mode: ExecutionMode;
  readonly sla: SlaPolicy;
  /** Simulated seconds from the first step's start to the last step's end. */
  readonly makespanSeconds: number;
  readonly recovered: number;
  readonly failed: number;
  readonly steps: number;
  /** Wall milliseconds the run took: the executor's and simulator's overhead. */
  readonly wallMs: number;
  readonly result: RunResult;
}

/**
 * Runs `plan` on a fresh in-memory simulator of `topology` (its `simulation` settings give the
 * latencies) in virtual time, after crashing what the plan recovers from, and measures it.
 */
export async function measureMakespan(plan: Plan, topology: unknown, options: MeasureOptions = {}): Promise<MakespanMeasurement> {
  const clock = new VirtualClock();
  const sim = createInMemorySimulator(topology, { clock });
  try {
    const failover = plan.kind === "failover";
    const site = options.failedSite ?? (failover ? plan.failure.failedSite : undefined);
    const hosts = options.failedHosts ?? (failover && site === undefined ? plan.failure.failedHosts : []);
    if (site !== undefined) await simFailSite(site, { store: sim.store });
    for (const host of hosts) await simFailHost(host, { store: sim.store });
    const mode = options.mode ?? "parallel";
    const sla = options.sla ?? "strict";
    const started = Date.now();
    const result = await runPlan(plan, sim, { clock, mode, sla, limits: options.limits, seed: options.seed, ...(options.journal ? { journal: options.journal } : {}) });
    const recovered = result.vms.filter((v) => v.status === "recovered").length;
    return {
      mode,
      sla,
      makespanSeconds: result.makespanSeconds,
      recovered,
      failed: result.vms.length - recovered,
      steps: plan.steps.length,
      wallMs: Date.now() - started,
      result,
    };
  } finally {
    await sim.close();
  }
}

/** measureMakespan for every combination of `modes` and `slas` (default: all), in that order. */
export async function measureModes(
  plan: Plan,
  topology: unknown,
  options: Omit<MeasureOptions, "mode" | "sla"> & { readonly modes?: readonly ExecutionMode[]; readonly slas?: readonly SlaPolicy[] } = {},
): Promise<MakespanMeasurement[]> {
  const out: MakespanMeasurement[] = [];
  for (const mode of options.modes ?? EXECUTION_MODES) {
    for (const sla of options.slas ?? SLA_POLICIES) out.push(await measureMakespan(plan, topology, { ...options, mode, sla }));
  }
  return out;
}
