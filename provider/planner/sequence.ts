// The order in which the placed LPARs' steps are added, and so the plan's order: the last
// tie-break of every ready queue (the estimate's and the executor's), after SLA level and
// critical path. Steps of one level mostly tie on both, so this order decides which LPAR a busy
// storage system serves next.
//
// Served in name order, a storage system hands its LPARs to the restart queues (HMC, target
// system) in runs: the LPARs of one HMC come out together and the others' queues idle, then
// overflow. Spreading each (storage systems, HMC) pair's LPARs evenly over the level lets every
// storage system feed every HMC at a steady rate, so the restarts keep pace with the maps.

import type { PlanningContext } from "./context";
import { hmcOf, type PlacedVm } from "./placed";

/**
 * `placed` reordered: by level (highest first, as before), then each LPAR at the middle of its
 * share of its (storage systems, HMC) pair: the j-th of n such LPARs at (j + 0.5) / n, ties
 * in the order given. Deterministic: the same input, the same order.
 */
export function interleaved(ctx: PlanningContext, placed: readonly PlacedVm[]): PlacedVm[] {
  const count = new Map<string, number>();
  const keys = placed.map((p) => {
    const storage = [...new Set(p.choices.map((c) => c.attachSystem))].sort().join(",");
    const key = `${p.vm.slaLevel}|${storage}|${hmcOf(ctx, p.target)}`;
    count.set(key, (count.get(key) ?? 0) + 1);
    return key;
  });
  const seen = new Map<string, number>();
  const position = new Float64Array(placed.length);
  keys.forEach((key, i) => {
    const j = seen.get(key) ?? 0;
    seen.set(key, j + 1);
    position[i] = (j + 0.5) / (count.get(key) as number);
  });
  const order = placed.map((_, i) => i);
  order.sort((a, b) => placed[b].vm.slaLevel - placed[a].vm.slaLevel || position[a] - position[b] || a - b);
  return order.map((i) => placed[i]);
}
