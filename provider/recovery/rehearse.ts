// `--dry-run`: the plan is executed for real by the executor, but against an in-memory simulator
// built from a copy of the live inventory, in virtual time. Nothing on the hardware changes; the
// plan is proved executable (fencing, mappings, restarts accepted) and its makespan measured.

import type { Inventory } from "../planner";
import { VirtualClock } from "../clock";
import { createInMemorySimulator } from "../adapters/simulator";
import type { Plan } from "../generated/plan";
import { runPlan } from "../executor/run";
import { defineStep } from "../executor/registry";
import { builtInSteps } from "../executor/steps";
import type { RunOptions, RunResult } from "../executor/types";

/** The inventory as a simulator topology (sites derived from the objects that name them). */
export function topologyFromInventory(inventory: Inventory): Record<string, unknown> {
  const { compute, storage } = inventory;
  const sites = new Set<string>();
  for (const h of compute.hmcs) sites.add(h.site);
  for (const m of compute.managedSystems) sites.add(m.site);
  for (const s of storage.storageSystems) sites.add(s.site);
  return {
    sites: [...sites].sort().map((name) => ({ name })),
    hmcs: compute.hmcs,
    managedSystems: compute.managedSystems,
    lpars: compute.lpars,
    storageSystems: storage.storageSystems,
    volumes: storage.volumes,
    hostMappings: storage.hostMappings,
    consistencyGroups: storage.consistencyGroups,
    flashCopyGroups: storage.flashCopyGroups,
  };
}

/** Hooks are user scripts with real effects: a rehearsal records them without running them. */
const SkipHook = defineStep({
  kind: "RunHook",
  touches: "none",
  defaultTimeoutSeconds: 300,
  resolve: () => undefined,
  run: async () => ({ alreadyDone: false, output: { rehearsal: "hook not run" } }),
});

/** Runs `plan` on a simulated copy of `inventory` in virtual time and returns the result. */
export async function rehearsePlan(plan: Plan, inventory: Inventory, options: Omit<RunOptions, "clock" | "journal"> = {}): Promise<RunResult> {
  const clock = new VirtualClock();
  const sim = createInMemorySimulator(topologyFromInventory(inventory), { clock });
  try {
    return await runPlan(plan, sim, { ...options, clock, steps: builtInSteps().clone().register(SkipHook) });
  } finally {
    await sim.close();
  }
}
