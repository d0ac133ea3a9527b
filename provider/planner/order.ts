// Finishing the DAG: SLA levels raised so that no step is of a lower level than a step that
// depends on it (strict SLA barriers can then never deadlock), and a deterministic topological
// order (higher levels first, then the order the builder added them).

import { IndexHeap } from "../heap";

import type { Step } from "../generated/plan";
import { permuted, rowsOf, type Rows } from "./rows";

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
  const order = finalOrder(level, indeg, children);
  const out: Step[] = [];
  const position = new Int32Array(n);
  for (let k = 0; k < n; k++) {
    position[order[k]] = k;
    out.push(steps[order[k]]);
  }
  const row = new Int32Array(parentOf.length);
  const item = new Int32Array(parentOf.length);
  for (let e = 0; e < parentOf.length; e++) {
    row[e] = position[childOf[e]];
    item[e] = position[parentOf[e]];
  }
  return { steps: out, parents: rowsOf(n, row, item), order, levels: permuted(level, order) };
}

/**
 * The final order: of the ready steps, the highest level first, then the one added first. As no
 * step is of a lower level than a step that depends on it, that is each level in turn, highest
 * first, and inside a level the smallest ready index each time. Builders add nearly every step
 * after the steps it waits for, so inside a level the next step is nearly always the next one
 * added: a cursor runs through the level's steps in index order, and only a step found not ready
 * when the cursor passed it (one waiting for a step added after it, such as an `after` edge)
 * goes into a heap, to come out when it is the smallest ready index. Same order as one heap over
 * every ready step, without a heap operation per step.
 */
function finalOrder(level: Float64Array, indeg: Int32Array, children: Rows): Int32Array {
  const n = level.length;
  // The steps of each level in index order (a counting sort over the few distinct levels).
  const levels = [...new Set(level)].sort((a, b) => b - a);
  const bucketOf = new Map(levels.map((l, k) => [l, k]));
  const bucket = new Int32Array(n);
  const start = new Int32Array(levels.length + 1);
  for (let i = 0; i < n; i++) {
    bucket[i] = bucketOf.get(level[i]) as number;
    start[bucket[i] + 1]++;
  }
  for (let k = 0; k < levels.length; k++) start[k + 1] += start[k];
  const byLevel = new Int32Array(n);
  const fill = start.slice(0, levels.length);
  for (let i = 0; i < n; i++) byLevel[fill[bucket[i]]++] = i;

  const remaining = indeg.slice();
  // By step: passed by the cursor of its level while not ready (it then goes into `late` when ready).
  const passed = new Uint8Array(n);
  const late = new IndexHeap(new Float64Array(n));
  const order = new Int32Array(n);
  let size = 0;
  const emit = (i: number): void => {
    order[size++] = i;
    for (let e = children.first[i]; e < children.first[i + 1]; e++) {
      const child = children.items[e];
      if (--remaining[child] === 0 && passed[child] === 1) late.push(child);
    }
  };
  for (let k = 0; k < levels.length; k++) {
    let cursor = start[k];
    const end = start[k + 1];
    for (;;) {
      while (cursor < end && remaining[byLevel[cursor]] > 0) passed[byLevel[cursor++]] = 1;
      const next = cursor < end ? byLevel[cursor] : -1;
      const waited = late.peek();
      if (next < 0 && waited < 0) break;
      if (waited >= 0 && (next < 0 || waited < next)) emit(late.pop());
      else {
        cursor++;
        emit(next);
      }
    }
  }
  return order;
}
