// A tighter lower bound for one concurrency-limited resource than head + work / limit + tail,
// still without any scheduler, so that no schedule can beat it (the executor's included).
//
// head + work / limit + tail assumes the resource can be busy from its first step's head on and
// that its work divides evenly into its slots. Neither holds where the plan loses time:
// - its steps do not split: 300 remote restarts of 120 s on an HMC of 64 slots need 5 rounds
//   (600 s), not 562.5 s. Some slot runs at least ceil(n / limit) of the steps, one after the
//   other: at least the sum of the ceil(n / limit) shortest.
// - its steps are released by work on another resource: a restart waits for its LPAR's volume
//   maps, which one storage system applies a few at a time. The first k restarts to start need
//   the maps of k LPARs done before them, at least the k smallest such amounts of map work,
//   which the storage system cannot finish before its first head + that work / its limit. So
//   the k-th restart starts no earlier than that (plus the shortest chain from a map to its
//   restart), and the n - k + 1 restarts from it on still need their rounds after it.
//
// Each step's work is counted for at most one step of the resource (the one its DP below
// chooses among those it precedes), so any k of them never count a step twice. Steps of each
// class (SLA level, under strict barriers) are bounded apart, following only edges inside it,
// as the plain bound does.

import type { Rows } from "./rows";

export interface BoundInput {
  readonly dur: Float64Array;
  readonly children: Rows;
  readonly holds: Rows;
  readonly limits: Int32Array;
  /** A topological order of the steps. */
  readonly topo: Int32Array;
  /** By step: its class, or -1 for a step bounded in no class. */
  readonly classOf: Int32Array;
  readonly count: number;
  /** By class * resources + resource: its earliest head and tail, the plain bound (or -Infinity without work). */
  readonly minHead: Float64Array;
  readonly minTail: Float64Array;
  readonly plain: Float64Array;
  /** By class: the largest plain bound (critical path included). */
  readonly best: Float64Array;
}

/**
 * Resources whose plain bound comes within this share of their class's largest are bounded again
 * here; the others would need to gain more than any plan of the benchmarks shows.
 */
const CANDIDATE_SHARE = 0.6;

/** By class * resources + resource: the tighter bound of each candidate, -Infinity for the others. */
export function resourceChainBounds(input: BoundInput): Float64Array {
  const { dur, children, holds, limits, topo, classOf, count, minHead, minTail, plain, best } = input;
  const resources = limits.length;
  const n = dur.length;
  const out = new Float64Array(count * resources).fill(-Infinity);
  const candidate = new Uint8Array(count * resources);
  let any = false;
  for (let k = 0; k < count; k++) {
    for (let r = 0; r < resources; r++) {
      const at = k * resources + r;
      if (plain[at] > -Infinity && plain[at] >= CANDIDATE_SHARE * best[k]) {
        candidate[at] = 1;
        any = true;
      }
    }
  }
  if (!any) return out;

  // Each candidate's steps, by class: their durations, for the rounds.
  const holdsCandidate = (i: number): boolean => {
    if (classOf[i] < 0) return false;
    const base = classOf[i] * resources;
    for (let e = holds.first[i]; e < holds.first[i + 1]; e++) if (candidate[base + holds.items[e]]) return true;
    return false;
  };

  // target[i]: a step holding a candidate that i precedes (through edges of its class), gap[i]
  // the longest chain of steps between i's end and its start. Each step is counted for its target only.
  const target = new Int32Array(n).fill(-1);
  const gap = new Float64Array(n);
  const isHolder = new Uint8Array(n);
  for (let i = 0; i < n; i++) if (holdsCandidate(i)) isHolder[i] = 1;
  for (let t = n - 1; t >= 0; t--) {
    const i = topo[t];
    const own = classOf[i];
    if (own < 0) continue;
    let chosen = -1;
    let longest = -1;
    for (let e = children.first[i]; e < children.first[i + 1]; e++) {
      const c = children.items[e];
      if (classOf[c] !== own) continue;
      const to = isHolder[c] ? c : target[c];
      if (to < 0) continue;
      const g = isHolder[c] ? 0 : dur[c] + gap[c];
      if (g > longest) {
        longest = g;
        chosen = to;
      }
    }
    target[i] = chosen;
    gap[i] = Math.max(0, longest);
  }
  // For each holder j: the steps counted for it.
  const feeders = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) if (target[i] >= 0 && dur[i] > 0) feeders[target[i] + 1]++;
  for (let j = 0; j < n; j++) feeders[j + 1] += feeders[j];
  const fed = new Int32Array(feeders[n]);
  const fill = feeders.slice(0, n);
  for (let i = 0; i < n; i++) if (target[i] >= 0 && dur[i] > 0) fed[fill[target[i]]++] = i;

  // Each candidate's steps, grouped: stepsOf[at] lists the holders of candidate `at`.
  const stepsOf = new Map<number, number[]>();
  for (let j = 0; j < n; j++) {
    if (!isHolder[j]) continue;
    const base = classOf[j] * resources;
    for (let e = holds.first[j]; e < holds.first[j + 1]; e++) {
      const at = base + holds.items[e];
      if (!candidate[at]) continue;
      const list = stepsOf.get(at);
      if (list) list.push(j);
      else stepsOf.set(at, [j]);
    }
  }

  const work = new Float64Array(resources);
  const touched: number[] = [];
  for (const [at, steps] of stepsOf) {
    const k = Math.floor(at / resources);
    const b = at - k * resources;
    const m = limits[b];
    const count = steps.length;
    // Durations, shortest first, and their prefix sums: the work of the s shortest.
    const sorted = new Float64Array(count);
    for (let s = 0; s < count; s++) sorted[s] = dur[steps[s]];
    sorted.sort();
    const prefix = new Float64Array(count + 1);
    for (let s = 0; s < count; s++) prefix[s + 1] = prefix[s] + sorted[s];
    // The s steps that start last run after the s-th last start: on m slots, they take at
    // least their work / m, and one slot runs ceil(s / m) of them in a row.
    const rest = (s: number): number => Math.max(prefix[s] / m, prefix[Math.ceil(s / m)]);
    const head = minHead[at];
    const tail = minTail[at];
    let bound = head + rest(count) + tail;

    // The other resource that feeds these steps the most work (for its limit): it releases them.
    for (const j of steps) {
      for (let f = feeders[j]; f < feeders[j + 1]; f++) {
        const i = fed[f];
        for (let e = holds.first[i]; e < holds.first[i + 1]; e++) {
          const a = holds.items[e];
          if (a === b) continue;
          if (work[a] === 0) touched.push(a);
          work[a] += dur[i];
        }
      }
    }
    let upstream = -1;
    for (const a of touched) if (upstream < 0 || work[a] / limits[a] > work[upstream] / limits[upstream]) upstream = a;
    for (const a of touched) work[a] = 0;
    touched.length = 0;
    if (upstream >= 0) {
      // Its work fed to each step, and the shortest chain from any of it to the step fed.
      const amounts = new Float64Array(count);
      let d = Infinity;
      for (let s = 0; s < count; s++) {
        const j = steps[s];
        for (let f = feeders[j]; f < feeders[j + 1]; f++) {
          const i = fed[f];
          for (let e = holds.first[i]; e < holds.first[i + 1]; e++) {
            if (holds.items[e] !== upstream) continue;
            amounts[s] += dur[i];
            if (gap[i] < d) d = gap[i];
          }
        }
      }
      amounts.sort();
      const from = minHead[k * resources + upstream];
      const ma = limits[upstream];
      // The k-th step to start needs the k smallest amounts done before it (none for those fed nothing).
      let needed = 0;
      for (let s = 0; s < count; s++) {
        needed += amounts[s];
        if (needed === 0) continue;
        const release = Math.max(head, from + needed / ma + d);
        const candidateBound = release + rest(count - s) + tail;
        if (candidateBound > bound) bound = candidateBound;
      }
    }
    out[at] = bound;
  }
  return out;
}
