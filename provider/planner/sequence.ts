// The order in which the placed LPARs' steps are added, and so the plan's order: the last
// tie-break of every ready queue (the estimate's and the executor's), after SLA level and
// critical path. Steps of one level mostly tie on both, so this order decides which LPAR a busy
// storage system serves next.
//
// Served in name order, a storage system hands its LPARs to the restart queues (one per HMC) in
// runs: the LPARs of one HMC come out together while the other HMCs idle, then overflow. Two
// rules keep every HMC fed instead:
// - each (storage systems, HMC) pair's LPARs are spread evenly over the level, so every storage
//   system feeds every HMC at a steady rate;
// - the HMC with the most restarts left per job slot goes first: an HMC with 350 restarts for 64
//   slots needs six full rounds of restarts and must start them before one with 300.

import type { PlanningContext } from "./context";
import { hmcOf, type PlacedVm } from "./placed";
import { hmcKey, resourceLimit } from "./steps";

/**
 * `placed` reordered: by level (highest first, as before); then by the restarts left on the
 * LPAR's HMC per job slot when it comes, most first; then at the middle of its share of its
 * (storage systems, HMC) pair: the j-th of n such LPARs at (j + 0.5) / n; ties in the order
 * given. Deterministic: the same input, the same order.
 */
export function interleaved(ctx: PlanningContext, placed: readonly PlacedVm[]): PlacedVm[] {
  const n = placed.length;
  const pairOf: string[] = [];
  const hmcGroupOf: string[] = [];
  const pairCount = new Map<string, number>();
  for (const p of placed) {
    const storage = [...new Set(p.choices.map((c) => c.attachSystem))].sort().join(",");
    const hmc = hmcOf(ctx, p.target);
    const pair = `${p.vm.slaLevel}|${storage}|${hmc}`;
    pairOf.push(pair);
    hmcGroupOf.push(`${p.vm.slaLevel}|${hmc}`);
    pairCount.set(pair, (pairCount.get(pair) ?? 0) + 1);
  }
  const seen = new Map<string, number>();
  const spread = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const j = seen.get(pairOf[i]) ?? 0;
    seen.set(pairOf[i], j + 1);
    spread[i] = (j + 0.5) / (pairCount.get(pairOf[i]) as number);
  }
  // Inside each (level, HMC), its LPARs in spread order; the k-th of n leaves n - k restarts.
  const members = new Map<string, number[]>();
  for (let i = 0; i < n; i++) {
    const list = members.get(hmcGroupOf[i]);
    if (list) list.push(i);
    else members.set(hmcGroupOf[i], [i]);
  }
  const left = new Float64Array(n);
  for (const list of members.values()) {
    list.sort((a, b) => spread[a] - spread[b] || a - b);
    const slots = resourceLimit(ctx, hmcKey(hmcOf(ctx, placed[list[0]].target)));
    list.forEach((i, k) => (left[i] = (list.length - k) / slots));
  }
  const order = placed.map((_, i) => i);
  order.sort((a, b) => placed[b].vm.slaLevel - placed[a].vm.slaLevel || left[b] - left[a] || spread[a] - spread[b] || a - b);
  return order.map((i) => placed[i]);
}
