// Finishing the DAG: SLA levels raised so that no step is of a lower level than a step that
// depends on it (strict SLA barriers can then never deadlock), and a deterministic topological
// order (higher levels first, then the order the builder added them).

import { IndexHeap } from "../heap";

import type { Step } from "../generated/plan";
import { negated, permuted, rowsOf, type Rows } from "./rows";

export class DependencyCycleError extends Error {
  constructor(readonly stepIds: readonly string[]) {
    super(`the plan's steps depend on each other in a cycle: ${stepIds.slice(0, 10).join(", ")}${stepIds.length > 10 ? ", ..." : ""}`);
    this.name = "DependencyCycleError";
  }
}

/**
 * Raises levels along dependencies, then sorts; throws DependencyCycleError on a cycle.
 * `parents` row i lists the steps `steps[i]` depends on, `levels[i]` is its slaLevel. The result carries them renumbered in the new order, the raised levels, and
 * `order[k]`, the index in `steps` of the k-th step of the new order.
 */
export function orderSteps(steps: readonly Step[], parents: Rows, levels: Float64Array): { steps: Step[]; parents: Rows; order: Int32Array; levels: Float64Array } {
  const n = steps.length;
  const indeg = new Int32Array(n);
  const parentOf = new Int32Array(parents.items.length);
  const childOf = new Int32Array(parents.items.length);
  for (let i = 0; i < n; i++) {
    for (let e = parents.first[i]; e < parents.first[i + 1]; e++) {
      parentOf[e] = parents.items[e];
      childOf[e] = i;
      indeg[i]++;
    }
  }
  const children = rowsOf(n, parentOf, childOf);
  const { first } = children;

  // Kahn's algorithm in insertion order gives one topological order to raise levels along.
  const topo = new Int32Array(n);
  let size = 0;
  const left = indeg.slice();
  for (let i = 0; i < n; i++) if (left[i] === 0) topo[size++] = i;
  for (let k = 0; k < size; k++) {
    for (let e = first[topo[k]]; e < first[topo[k] + 1]; e++) if (--left[children.items[e]] === 0) topo[size++] = children.items[e];
  }
  if (size < n) throw new DependencyCycleError(steps.filter((_, i) => left[i] > 0).map((s) => s.id));
  const level = levels.slice();
  for (let k = n - 1; k >= 0; k--) {
    const i = topo[k];
    for (let e = first[i]; e < first[i + 1]; e++) if (level[children.items[e]] > level[i]) level[i] = level[children.items[e]];
    if (levels[i] !== level[i]) steps[i].slaLevel = level[i];
  }
  // The final order: ready steps by level (highest first), then insertion order.
  const heap = new IndexHeap(negated(level));
  const remaining = indeg.slice();
  for (let i = 0; i < n; i++) if (remaining[i] === 0) heap.push(i);
  const out: Step[] = [];
  const position = new Int32Array(n);
  const order = new Int32Array(n);
  while (heap.size > 0) {
    const i = heap.pop();
    position[i] = out.length;
    order[out.length] = i;
    out.push(steps[i]);
    for (let e = first[i]; e < first[i + 1]; e++) if (--remaining[children.items[e]] === 0) heap.push(children.items[e]);
  }
  const row = new Int32Array(parentOf.length);
  const item = new Int32Array(parentOf.length);
  for (let e = 0; e < parentOf.length; e++) {
    row[e] = position[childOf[e]];
    item[e] = position[parentOf[e]];
  }
  return { steps: out, parents: rowsOf(n, row, item), order, levels: permuted(level, order) };
}

