// The executor's measured makespan on the planner bench's generated datacenters (issue 17): the
// datacenter of test/fixtures/datacenter.ts loaded into the in-memory simulator with every
// latency's spread at zero, site A failed there, the failover planned from the simulator's
// inventory and run by the executor in virtual time. Compared with the plan's own lower bound.

import { createInMemorySimulator } from "../../provider/adapters/simulator";
import { simFailSite } from "../../provider/adapters/simulator/control";
import { VirtualClock } from "../../provider/clock";
import { runPlan } from "../../provider/executor/run";
import { planFailover } from "../../provider/planner";
import { zeroSpreadLatencies } from "./failover/scenario";
import type { generateDatacenter } from "../fixtures/datacenter";

export interface ExecutorFigures {
  readonly steps: number;
  readonly plannedSeconds: number;
  readonly boundSeconds: number;
  readonly measuredSeconds: number;
  readonly wallMs: number;
}

/** The simulator's topology of a generated datacenter: the same systems, LPARs, volumes and groups. */
function topologyOf(dc: ReturnType<typeof generateDatacenter>, latencies: ReturnType<typeof zeroSpreadLatencies>): unknown {
  const { compute, storage } = dc.inventory;
  const sites = [...new Set(compute.managedSystems.map((s) => s.site))].sort().map((name) => ({ name }));
  return {
    sites,
    hmcs: compute.hmcs,
    managedSystems: compute.managedSystems,
    lpars: compute.lpars,
    storageSystems: storage.storageSystems,
    volumes: storage.volumes,
    hostMappings: storage.hostMappings,
    consistencyGroups: storage.consistencyGroups.map((g) => ({ id: g.id, name: g.name, masterSystem: g.masterSystem, auxSystem: g.auxSystem, mode: g.mode, pairs: g.pairs })),
    flashCopyGroups: [],
    simulation: { seed: 1, latencies },
  };
}

/** Site A's failure of `dc`, planned and run: measured makespan against the plan's bound. */
export async function executeSiteFailure(dc: ReturnType<typeof generateDatacenter>, slaMode: "strict" | "pipelined"): Promise<ExecutorFigures> {
  const latencies = zeroSpreadLatencies();
  const clock = new VirtualClock();
  const sim = createInMemorySimulator(topologyOf(dc, latencies), { clock });
  await simFailSite("A", { store: sim.store });
  const inventory = { compute: await sim.compute.inventory(), storage: await sim.storage.inventory() };
  const plan = planFailover({ model: dc.model, inventory, failure: { failedSite: "A" }, options: { latencies, slaMode } });
  const started = Date.now();
  const result = await runPlan(plan, sim, { clock, mode: "parallel", sla: slaMode });
  const wallMs = Date.now() - started;
  await sim.close();
  if (result.status !== "succeeded") throw new Error(`executor run of the ${dc.inventory.compute.lpars.length}-LPAR site failure ended ${result.status}`);
  return { steps: plan.steps.length, plannedSeconds: plan.estimate.makespanSeconds, boundSeconds: plan.estimate.lowerBoundSeconds, measuredSeconds: result.makespanSeconds, wallMs };
}
