// The order in which ready steps start: one rule for the executor's Scheduler (executor/
// scheduler.ts, which the RTO prediction runs too) and the planner's median list schedule
// (planner/estimate.ts), so that the estimate schedules what the executor will do. Ready steps
// start by effective SLA level (highest first), then by dispatch priority (largest first), then
// in plan order.

import type { Step } from "./generated/plan";

/**
 * Critical paths closer than this are the same to the scheduler. They come from median
 * durations: a few seconds between an LPAR's unmap (which heads its map) and another LPAR's map
 * is no reason to order them, yet ordering by it exactly ran every LPAR's unmaps on a one-slot
 * storage system before any map, so that every restart waited for all the storage work. Within
 * the resolution an LPAR's steps go together, the LPAR with the longest chain first, then plan
 * order: restarts start as soon as their LPAR's storage is done (issue 13, dispatch under variance).
 */
export const PATH_RESOLUTION_SECONDS = 15;

/**
 * Each step's dispatch priority, larger first: its critical path (seconds from its start to the
 * end of the longest chain of dependents after it) at PATH_RESOLUTION_SECONDS, then the longest
 * critical path of its LPAR (its own for a step of no LPAR).
 */
export function dispatchPriority(steps: readonly Pick<Step, "lpar">[], criticalPath: Float64Array): Float64Array {
  const chain = new Map<string, number>();
  for (let i = 0; i < steps.length; i++) {
    const lpar = steps[i].lpar;
    if (lpar !== undefined && criticalPath[i] > (chain.get(lpar) ?? -Infinity)) chain.set(lpar, criticalPath[i]);
  }
  // The bucket weighs more than any chain length (seconds well below 1e7).
  const priority = new Float64Array(steps.length);
  for (let i = 0; i < steps.length; i++) {
    const lpar = steps[i].lpar;
    priority[i] = Math.floor(criticalPath[i] / PATH_RESOLUTION_SECONDS) * 1e7 + (lpar !== undefined ? chain.get(lpar)! : criticalPath[i]);
  }
  return priority;
}

/** The rule itself, as a comparison: negative when ready step a starts before ready step b. */
export function compareDispatch(level: ArrayLike<number>, priority: ArrayLike<number>, a: number, b: number): number {
  return level[b] - level[a] || priority[b] - priority[a] || a - b;
}

/**
 * The same order as two ascending keys and the index, for an IndexHeap (heap.ts): the negated
 * level, then the negated priority. What a caller that builds its order once per plan uses (the
 * planner); a caller that runs the order many times ranks the steps once instead (dispatchRanks).
 */
export function dispatchKeys(level: ArrayLike<number>, priority: Float64Array): { first: Float64Array; second: Float64Array } {
  const first = new Float64Array(priority.length);
  const second = new Float64Array(priority.length);
  for (let i = 0; i < priority.length; i++) {
    first[i] = -level[i];
    second[i] = -priority[i];
  }
  return { first, second };
}

/** By place in the order: the step (a permutation of 0 .. n - 1, sorted by compareDispatch). */
export function dispatchOrder(level: ArrayLike<number>, priority: Float64Array): Int32Array {
  const order = new Int32Array(priority.length);
  for (let i = 0; i < order.length; i++) order[i] = i;
  return order.sort((a, b) => compareDispatch(level, priority, a, b));
}
