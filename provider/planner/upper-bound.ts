// An upper bound on when each step ends in the estimate's list schedule (estimate.ts scheduleOf),
// without running it: the N-1 check (verdict.ts) judges a group within its budget from it when
// even this bound is within, and only schedules the scenarios it cannot decide.
//
// Why it holds: the list schedule never keeps a step waiting while it could run. A step whose
// predecessors are done and whose SLA class is admitted is either running or parked on one of its
// resources, and a step stays parked on resource r only while all of r's slots are busy
// (scheduleOf hands a freed slot to the parked steps at once). All slots of r busy for t seconds
// takes t x limit(r) seconds of r's work, so a step waits at most work(r) / limit(r) on r, over
// all the times it is parked there, and in all at most the sum of that over the resources it
// holds. Under strict barriers a step of class k is admitted once every step of the classes
// before it has ended, and then only steps of class k and best-effort steps (which hold no
// barrier) run beside it: only their work can keep it waiting. So, in an order where every step
// comes after its predecessors and after every step of an earlier class:
//   end(s) <= max(end of its predecessors, end of every step of an earlier class)
//             + sum over r held by s of work(r) / limit(r) + duration(s)
// (for a best-effort step: no barrier, and the work of every class).

import type { Rows } from "./rows";

export interface UpperBoundInput {
  readonly dur: Float64Array;
  readonly parents: Rows;
  readonly holds: Rows;
  readonly limits: Int32Array;
  /** By step: its class (0 the first admitted); `free` for best-effort steps under strict barriers. */
  readonly classOf: Int32Array;
  readonly count: number;
  /** The best-effort class, or -1 (no barriers, or none). */
  readonly free: number;
  /** By step: its SLA level (a step is never of a lower level than one that depends on it). */
  readonly level: Float64Array;
  readonly topo: Int32Array;
}

/** By step: a time no run of the list schedule ends it after. */
export function finishUpperBounds(c: UpperBoundInput): Float64Array {
  const n = c.dur.length;
  const resources = c.limits.length;
  const { holds, classOf, count, free } = c;
  // Work per (class, resource), then each class's with the best-effort class's added (a class
  // runs beside the best-effort steps), and the best-effort class's set to the whole (they run
  // beside any class).
  const work = new Float64Array(count * resources);
  for (let i = 0; i < n; i++) {
    const base = classOf[i] * resources;
    for (let e = holds.first[i]; e < holds.first[i + 1]; e++) work[base + holds.items[e]] += c.dur[i];
  }
  if (free >= 0) {
    const all = new Float64Array(resources);
    for (let k = 0; k < count; k++) for (let r = 0; r < resources; r++) all[r] += work[k * resources + r];
    for (let k = 0; k < count; k++) {
      if (k === free) continue;
      for (let r = 0; r < resources; r++) work[k * resources + r] += work[free * resources + r];
    }
    work.set(all, free * resources);
  }
  // Visit steps by level, highest first, then in topological order: predecessors (of a level at
  // least as high) and every step of an earlier class come first.
  const visit = byLevel(c.topo, c.level);
  const end = new Float64Array(n);
  // Latest bound of the barrier classes so far, and of the classes before the current one.
  const classEnd = new Float64Array(count);
  for (let t = 0; t < n; t++) {
    const i = visit[t];
    const k = classOf[i];
    let ready = 0;
    if (k !== free) for (let j = 0; j < k; j++) if (j !== free && classEnd[j] > ready) ready = classEnd[j];
    for (let e = c.parents.first[i]; e < c.parents.first[i + 1]; e++) if (end[c.parents.items[e]] > ready) ready = end[c.parents.items[e]];
    let wait = 0;
    const base = k * resources;
    for (let e = holds.first[i]; e < holds.first[i + 1]; e++) wait += work[base + holds.items[e]] / c.limits[holds.items[e]];
    end[i] = ready + wait + c.dur[i];
    if (end[i] > classEnd[k]) classEnd[k] = end[i];
  }
  return end;
}

/** `topo` stably sorted by level, highest first: a counting sort over the few distinct levels. */
function byLevel(topo: Int32Array, level: Float64Array): Int32Array {
  const levels = [...new Set(level)].sort((a, b) => b - a);
  const bucket = new Map(levels.map((l, k) => [l, k]));
  const start = new Int32Array(levels.length + 1);
  for (let t = 0; t < topo.length; t++) start[(bucket.get(level[topo[t]]) as number) + 1]++;
  for (let k = 0; k < levels.length; k++) start[k + 1] += start[k];
  const out = new Int32Array(topo.length);
  for (let t = 0; t < topo.length; t++) out[start[bucket.get(level[topo[t]]) as number]++] = topo[t];
  return out;
}
