// How long a plan takes. Two independent figures:
// - makespan: list scheduling of the DAG under the resource limits, ready steps taken in the
//   executor's dispatch order (dispatch-order.ts: SLA level, then the path they head at a
//   resolution, then their LPAR's). A valid schedule, so an achievable time under the median durations.
// - lower bound: max(critical path, max over resources r of head(r) + work(r) / limit(r) +
//   tail(r)), computed without any scheduler, so no schedule (the executor's included) can beat
//   it. head(r) is the shortest time before any step holding r can start (its longest chain of
//   predecessors) and tail(r) the shortest time after any of them ends: the last step to leave r
//   ends no earlier than head + work / limit, and something of its tail still follows. The
//   resources that come close are bounded again by bound.ts (the rounds their steps run in, and
//   their release by another resource's work). With strict SLA barriers the levels run one after
//   another and the bounds of the levels add up; best-effort steps hold no barrier (as in the
//   executor) and bound a level only when they run inside it.
// Both take a concurrency mode, to compare with the paper's serial and partly parallel failovers:
// serial: one step at a time in total; parallel-restart: restarts in parallel but storage steps
// one at a time in total; parallel: only the resource limits.

import type { Plan, Step } from "../generated/plan";
import { IndexHeap } from "../heap";
import { rowsOf, type Rows } from "./rows";
import { dispatchKeys, dispatchPriority } from "../dispatch-order";
import { resourceChainBounds } from "./bound";
import { finishUpperBounds } from "./upper-bound";
import { STORAGE_KINDS } from "./steps";
import { plural } from "../text";

export type ConcurrencyMode = "serial" | "parallel-restart" | "parallel";

export interface BoundOptions {
  /** Strict SLA barriers: a step of level L starts after every step of a higher level finished. @default false */
  readonly strictSla?: boolean;
  /** @default "parallel" */
  readonly mode?: ConcurrencyMode;
  /**
   * bound.ts's tighter bounds of the resources that come close (their rounds and release); false
   * keeps max(critical path, head + work / limit + tail), still a lower bound, for plans whose
   * bound nobody reads (the N-1 check's, judged by their schedules and predictions). @default true
   */
  readonly tightBound?: boolean;
}

export interface LowerBound {
  readonly seconds: number;
  readonly criticalPathSeconds: number;
  /** The resource (or "critical-path") that sets the bound (of the level that weighs most, when strict). */
  readonly bottleneck: string;
}

export interface Schedule {
  readonly makespanSeconds: number;
  /** Finish time of every step, by id. */
  readonly finish: ReadonlyMap<string, number>;
}

type PlanLike = Pick<Plan, "steps" | "resources">;

/** Pseudo-resources that impose the serial modes. */
const ALL_STEPS = "(one step at a time)";
const ALL_STORAGE = "(one storage step at a time)";

interface Compiled {
  readonly steps: readonly Step[];
  readonly dur: Float64Array;
  readonly level: Float64Array;
  readonly children: Rows;
  readonly parents: Rows;
  /** The resources each step holds, by index. */
  readonly holds: Rows;
  readonly resourceNames: readonly string[];
  readonly limits: Int32Array;
  /** A topological order. */
  readonly topo: Int32Array;
}

/**
 * What the planner already knows of its plan, by step index: saves looking every dependency up
 * by id and every resource up by key.
 */
export interface Indexed {
  readonly parents: Rows;
  /** Row i: the resources steps[i] holds, as indexes into resourceKeys, in the order of its `resources`. */
  readonly holds: Rows;
  readonly resourceKeys: readonly string[];
  /** By step: its estimateSeconds and slaLevel. */
  readonly seconds: Float64Array;
  readonly levels: Float64Array;
}

function compile(plan: PlanLike, mode: ConcurrencyMode, indexed?: Indexed): Compiled {
  const steps = plan.steps;
  const n = steps.length;
  const resourceIndex = new Map<string, number>();
  const resourceNames: string[] = [];
  const limitList: number[] = [];
  const resource = (key: string): number => {
    let r = resourceIndex.get(key);
    if (r === undefined) {
      r = resourceNames.length;
      resourceIndex.set(key, r);
      resourceNames.push(key);
      const limit = key === ALL_STEPS || key === ALL_STORAGE ? 1 : plan.resources[key];
      limitList.push(Math.max(1, limit ?? 1));
    }
    return r;
  };
  let holds: Rows;
  if (indexed !== undefined && mode === "parallel") {
    // Numbered as below (in order of first use), from the planner's numbers.
    const renumbered = new Int32Array(indexed.resourceKeys.length).fill(-1);
    const { first, items } = indexed.holds;
    const held = new Int32Array(items.length);
    for (let e = 0; e < items.length; e++) {
      if (renumbered[items[e]] < 0) renumbered[items[e]] = resource(indexed.resourceKeys[items[e]]);
      held[e] = renumbered[items[e]];
    }
    holds = { first, items: held };
  } else {
    const holdStep: number[] = [];
    const holdResource: number[] = [];
    for (let i = 0; i < n; i++) {
      for (const key of steps[i].resources) {
        holdStep.push(i);
        holdResource.push(resource(key));
      }
      if (mode === "serial" || (mode === "parallel-restart" && STORAGE_KINDS.has(steps[i].kind))) {
        holdStep.push(i);
        holdResource.push(resource(mode === "serial" ? ALL_STEPS : ALL_STORAGE));
      }
    }
    holds = rowsOf(n, holdStep, holdResource);
  }
  let parents = indexed?.parents;
  if (!parents) {
    const index = new Map<string, number>();
    for (let i = 0; i < n; i++) index.set(steps[i].id, i);
    const child: number[] = [];
    const parent: number[] = [];
    for (let i = 0; i < n; i++) {
      for (const d of steps[i].dependsOn) {
        const j = index.get(d);
        if (j === undefined) throw new Error(`step ${JSON.stringify(steps[i].id)} depends on unknown step ${JSON.stringify(d)}`);
        child.push(i);
        parent.push(j);
      }
    }
    parents = rowsOf(n, child, parent);
  }
  const childRow = new Int32Array(parents.items.length);
  const childItem = new Int32Array(parents.items.length);
  for (let i = 0; i < n; i++) {
    for (let e = parents.first[i]; e < parents.first[i + 1]; e++) {
      childRow[e] = parents.items[e];
      childItem[e] = i;
    }
  }
  const children = rowsOf(n, childRow, childItem);
  let dur = indexed?.seconds;
  let level = indexed?.levels;
  if (dur === undefined || level === undefined) {
    // Plain loops: TypedArray.from with a mapping function is many times slower on 200k steps.
    dur = new Float64Array(n);
    level = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      dur[i] = steps[i].estimateSeconds;
      level[i] = steps[i].slaLevel;
    }
  }
  return {
    steps,
    dur,
    level,
    children,
    parents,
    holds,
    resourceNames,
    limits: Int32Array.from(limitList),
    topo: topologicalOrder(parents, children),
  };
}

/** The steps' own order when every step comes after the steps it depends on (a plan's is), else Kahn's. */
function topologicalOrder(parents: Rows, children: Rows): Int32Array {
  const n = parents.first.length - 1;
  const topo = new Int32Array(n);
  let ordered = true;
  for (let i = 0; i < n && ordered; i++) {
    topo[i] = i;
    for (let e = parents.first[i]; e < parents.first[i + 1]; e++) if (parents.items[e] >= i) ordered = false;
  }
  if (ordered) return topo;
  const indeg = new Int32Array(n);
  for (let i = 0; i < n; i++) indeg[i] = parents.first[i + 1] - parents.first[i];
  let size = 0;
  for (let i = 0; i < n; i++) if (indeg[i] === 0) topo[size++] = i;
  for (let k = 0; k < size; k++) {
    const i = topo[k];
    for (let e = children.first[i]; e < children.first[i + 1]; e++) if (--indeg[children.items[e]] === 0) topo[size++] = children.items[e];
  }
  if (size < n) throw new Error("the plan's steps depend on each other in a cycle");
  return topo;
}

/**
 * Steps in classes bounded separately: with strict barriers one class per SLA level, the
 * highest level first (the levels run one after another), and one more, the last, for the
 * best-effort steps, which hold no barrier (as in the executor: they run whenever they are
 * ready); otherwise a single class.
 */
function classesOf(c: Compiled, strict: boolean): Classes {
  const classOf = new Int32Array(c.steps.length);
  if (!strict) return { classOf, count: 1, free: -1 };
  // The distinct levels, highest first, by a typed sort; each step's by binary search. (A Set or
  // Map of 200,000 numbers costs more than the rest of the estimate.)
  const sorted = c.level.slice().sort();
  const levels: number[] = [];
  for (let k = sorted.length - 1; k >= 0; k--) if (levels.length === 0 || levels[levels.length - 1] !== sorted[k]) levels.push(sorted[k]);
  let free = -1;
  for (let i = 0; i < classOf.length; i++) {
    if (c.steps[i].bestEffort === true) {
      classOf[i] = free = levels.length;
      continue;
    }
    let lo = 0;
    let hi = levels.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (levels[mid] > c.level[i]) lo = mid + 1;
      else hi = mid;
    }
    classOf[i] = lo;
  }
  return { classOf, count: free >= 0 ? levels.length + 1 : levels.length, free };
}

/**
 * The classes the bound uses: those of `classesOf`, except that a best-effort step between two
 * steps of one level (after one of that level, before another: a detach before the unmap that
 * must succeed) runs inside that level's window, so it is bounded with it. The others (the
 * cleanup after a level) bound only the whole.
 */
function boundClassesOf(c: Compiled, classes: Classes): Classes {
  const { free } = classes;
  if (free < 0) return classes;
  const classOf = classes.classOf.slice();
  const n = classOf.length;
  // lo: the latest class of any step before it; hi: the earliest class of any step after it.
  const lo = new Int32Array(n).fill(-1);
  const hi = new Int32Array(n).fill(free);
  for (let t = 0; t < n; t++) {
    const i = c.topo[t];
    if (classOf[i] !== free) continue;
    for (let e = c.parents.first[i]; e < c.parents.first[i + 1]; e++) {
      const p = c.parents.items[e];
      const at = classOf[p] === free ? lo[p] : classOf[p];
      if (at > lo[i]) lo[i] = at;
    }
  }
  for (let t = n - 1; t >= 0; t--) {
    const i = c.topo[t];
    if (classOf[i] !== free) continue;
    for (let e = c.children.first[i]; e < c.children.first[i + 1]; e++) {
      const ch = c.children.items[e];
      const at = classOf[ch] === free ? hi[ch] : classOf[ch];
      if (at < hi[i]) hi[i] = at;
    }
  }
  for (let i = 0; i < n; i++) if (classOf[i] === free && lo[i] >= 0 && lo[i] === hi[i]) classOf[i] = lo[i];
  return { classOf, count: classes.count, free };
}

interface Classes {
  /** By step: its class, 0 the highest level. */
  readonly classOf: Int32Array;
  readonly count: number;
  /** The class of the best-effort steps under strict barriers (the last), or -1. */
  readonly free: number;
}

/**
 * For each step: its head (longest chain of predecessors' durations before it can start) and
 * its tail (longest chain of successors' durations after it ends), following only edges inside
 * a class; and the longest chain of each class. One pass for every class at once: no edge
 * between two classes is followed.
 */
function headsAndTails(c: Compiled, classOf: Int32Array, count: number): { head: Float64Array; tail: Float64Array; path: Float64Array } {
  const n = c.steps.length;
  const head = new Float64Array(n);
  const tail = new Float64Array(n);
  const path = new Float64Array(count);
  const { parents, children, dur, topo } = c;
  for (let k = 0; k < n; k++) {
    const i = topo[k];
    const own = classOf[i];
    let start = 0;
    for (let e = parents.first[i]; e < parents.first[i + 1]; e++) {
      const p = parents.items[e];
      if (classOf[p] === own && head[p] + dur[p] > start) start = head[p] + dur[p];
    }
    head[i] = start;
    if (start + dur[i] > path[own]) path[own] = start + dur[i];
  }
  for (let k = n - 1; k >= 0; k--) {
    const i = topo[k];
    const own = classOf[i];
    let after = 0;
    for (let e = children.first[i]; e < children.first[i + 1]; e++) {
      const ch = children.items[e];
      if (classOf[ch] === own && dur[ch] + tail[ch] > after) after = dur[ch] + tail[ch];
    }
    tail[i] = after;
  }
  return { head, tail, path };
}

export function lowerBound(plan: PlanLike, options: BoundOptions = {}): LowerBound {
  const mode = options.mode ?? "parallel";
  const c = compile(plan, mode);
  const bound = boundOf(c, boundClassesOf(c, classesOf(c, options.strictSla === true)));
  if (mode !== "parallel-restart") return bound;
  // Its schedules are schedules of the parallel mode as well: that mode's bound holds for them
  // (the resource chains it finds may be hidden here behind the one-storage-step resource).
  const parallel = lowerBound(plan, { ...options, mode: "parallel" });
  return parallel.seconds > bound.seconds ? parallel : bound;
}

function boundOf(c: Compiled, { classOf, count, free }: Classes, tight = true): LowerBound {
  const { head, tail, path } = headsAndTails(c, classOf, count);
  const resources = c.resourceNames.length;
  // Per class and resource (class * resources + r): the work it holds, its earliest head and tail.
  const work = new Float64Array(count * resources);
  const minHead = new Float64Array(count * resources).fill(Infinity);
  const minTail = new Float64Array(count * resources).fill(Infinity);
  for (let i = 0; i < c.steps.length; i++) {
    const base = classOf[i] * resources;
    for (let e = c.holds.first[i]; e < c.holds.first[i + 1]; e++) {
      const r = base + c.holds.items[e];
      work[r] += c.dur[i];
      if (head[i] < minHead[r]) minHead[r] = head[i];
      if (tail[i] < minTail[r]) minTail[r] = tail[i];
    }
  }
  const plain = new Float64Array(count * resources).fill(-Infinity);
  const best = path.slice();
  for (let k = 0; k < count; k++) {
    for (let r = 0; r < resources; r++) {
      const at = k * resources + r;
      if (work[at] === 0) continue;
      plain[at] = minHead[at] + work[at] / c.limits[r] + minTail[at];
      if (plain[at] > best[k]) best[k] = plain[at];
    }
  }
  const chained = tight ? resourceChainBounds({ dur: c.dur, children: c.children, holds: c.holds, limits: c.limits, topo: c.topo, classOf, count, minHead, minTail, plain, best }) : plain;
  let total = 0;
  let weightiest = -1;
  let bottleneck = "critical-path";
  let wholePath = 0;
  let freeBound = 0;
  let freeName = "critical-path";
  for (let k = 0; k < count; k++) {
    let bound = path[k];
    let name = "critical-path";
    for (let r = 0; r < resources; r++) {
      const at = k * resources + r;
      const load = Math.max(plain[at], chained[at]);
      if (load > bound) {
        bound = load;
        name = c.resourceNames[r];
      }
    }
    if (k === free) {
      // Best-effort steps run alongside the levels: they bound the whole, not one more level.
      freeBound = bound;
      freeName = name;
      continue;
    }
    total += bound;
    wholePath += path[k];
    if (bound > weightiest) {
      weightiest = bound;
      bottleneck = name;
    }
  }
  if (free >= 0) {
    // Every resource also does all of its work in the end, best-effort steps' included.
    for (let r = 0; r < resources; r++) {
      let all = 0;
      let from = Infinity;
      let after = Infinity;
      for (let k = 0; k < count; k++) {
        const at = k * resources + r;
        if (work[at] === 0) continue;
        all += work[at];
        from = Math.min(from, minHead[at]);
        after = Math.min(after, minTail[at]);
      }
      if (all > 0 && from + all / c.limits[r] + after > freeBound) {
        freeBound = from + all / c.limits[r] + after;
        freeName = c.resourceNames[r];
      }
    }
  }
  if (freeBound > total) return { seconds: freeBound, criticalPathSeconds: Math.max(wholePath, path[free]), bottleneck: freeName };
  // Without barriers the one class is the whole plan; with them, the chain runs level after level.
  return { seconds: total, criticalPathSeconds: wholePath, bottleneck };
}

/**
 * Per step: its critical path (the longest path from it to the end, its own duration included)
 * and its effective level (its own, raised to the highest of any step after it), as the
 * executor's graph.ts computes them: what the dispatch order (dispatch-order.ts) is made of.
 */
function dispatchInputs(c: Compiled): { level: Float64Array; criticalPath: Float64Array } {
  const criticalPath = new Float64Array(c.steps.length);
  const level = c.level.slice();
  for (let k = c.topo.length - 1; k >= 0; k--) {
    const i = c.topo[k];
    let tail = 0;
    for (let e = c.children.first[i]; e < c.children.first[i + 1]; e++) {
      const ch = c.children.items[e];
      if (criticalPath[ch] > tail) tail = criticalPath[ch];
      if (level[ch] > level[i]) level[i] = level[ch];
    }
    criticalPath[i] = c.dur[i] + tail;
  }
  return { level, criticalPath };
}

export function listSchedule(plan: PlanLike, options: BoundOptions = {}): Schedule {
  const c = compile(plan, options.mode ?? "parallel");
  const { makespanSeconds, finish } = scheduleOf(c, classesOf(c, options.strictSla === true));
  return { makespanSeconds, finish: new Map(c.steps.map((s, i) => [s.id, finish[i]])) };
}

/** Both figures from one pass over the plan; finish times by step index. */
export function estimateBoth(
  plan: PlanLike,
  options: BoundOptions = {},
  indexed?: Indexed,
): { makespanSeconds: number; finish: Float64Array; bound: LowerBound } {
  const c = compile(plan, options.mode ?? "parallel", indexed);
  const classes = classesOf(c, options.strictSla === true);
  return { ...scheduleOf(c, classes), bound: boundOf(c, boundClassesOf(c, classes), options.tightBound !== false) };
}

/**
 * For the N-1 check, which needs a verdict rather than the figures: each step's upper bound on
 * its end in the list schedule (upper-bound.ts), and the schedule itself only when `decides`
 * cannot judge from the bounds. No lower bound.
 */
export function boundedSchedule(
  plan: PlanLike,
  options: BoundOptions,
  indexed: Indexed | undefined,
  decides: (atMost: Float64Array) => boolean,
): { atMost: Float64Array; schedule?: { makespanSeconds: number; finish: Float64Array } } {
  const c = compile(plan, options.mode ?? "parallel", indexed);
  const classes = classesOf(c, options.strictSla === true);
  const atMost = finishUpperBounds({ dur: c.dur, parents: c.parents, holds: c.holds, limits: c.limits, level: c.level, topo: c.topo, ...classes });
  return decides(atMost) ? { atMost } : { atMost, schedule: scheduleOf(c, classes) };
}

/** With strict barriers (more than one class), only the highest class with unfinished steps runs. */
function scheduleOf(c: Compiled, { classOf, count, free }: Classes): { makespanSeconds: number; finish: Float64Array } {
  const n = c.steps.length;
  // Ready and parked steps come out in the executor's dispatch order (dispatch-order.ts).
  const { level, criticalPath } = dispatchInputs(c);
  const { first: byLevel, second: byPriority } = dispatchKeys(level, dispatchPriority(c.steps, criticalPath));
  const ready = new IndexHeap(byLevel, byPriority);
  const parked = new Array<IndexHeap | undefined>(c.resourceNames.length);
  const park = (r: number, i: number): void => {
    let heap = parked[r];
    if (heap === undefined) parked[r] = heap = new IndexHeap(byLevel, byPriority);
    heap.push(i);
  };
  const inUse = new Int32Array(c.resourceNames.length);
  const finish = new Float64Array(n);
  // Running steps by the time they end (finish[i] is set when they start).
  const running = new IndexHeap(finish, undefined, 1024);
  const waitingFor = new Int32Array(n);
  for (let i = 0; i < n; i++) waitingFor[i] = c.parents.first[i + 1] - c.parents.first[i];
  const { holds, limits } = c;
  let now = 0;

  // The barrier classes: every class but the best-effort one, which starts whenever it is ready.
  const barriers = free >= 0 ? count - 1 : count;
  const left = new Int32Array(count);
  for (let i = 0; i < n; i++) left[classOf[i]]++;
  const held: number[][] = Array.from({ length: count }, () => []);
  let active = 0;
  const admit = (i: number): void => {
    if (classOf[i] > active && classOf[i] !== free) held[classOf[i]].push(i);
    else ready.push(i);
  };

  const fullResource = (i: number): number => {
    for (let e = holds.first[i]; e < holds.first[i + 1]; e++) if (inUse[holds.items[e]] >= limits[holds.items[e]]) return holds.items[e];
    return -1;
  };
  const start = (i: number): void => {
    for (let e = holds.first[i]; e < holds.first[i + 1]; e++) inUse[holds.items[e]]++;
    finish[i] = now + c.dur[i];
    running.push(i);
  };

  // Levels with no step that holds a barrier (only best-effort ones) hold nothing back, from the start.
  while (active < barriers - 1 && left[active] === 0) active++;
  for (let i = 0; i < n; i++) if (waitingFor[i] === 0) admit(i);
  let done = 0;
  const finished: number[] = [];
  for (;;) {
    while (ready.size > 0) {
      const i = ready.pop();
      const r = fullResource(i);
      if (r < 0) start(i);
      else park(r, i);
    }
    const next = running.pop();
    if (next < 0) break;
    now = finish[next];
    finished.length = 0;
    finished.push(next);
    while (running.size > 0 && finish[running.peek()] <= now) finished.push(running.pop());
    for (const i of finished) {
      done++;
      for (let e = holds.first[i]; e < holds.first[i + 1]; e++) inUse[holds.items[e]]--;
    }
    for (const i of finished) {
      for (let e = holds.first[i]; e < holds.first[i + 1]; e++) {
        const r = holds.items[e];
        const waiting = parked[r];
        // Hand the freed slot to the best parked step that can now run; others move on to
        // the next resource they lack.
        while (waiting !== undefined && inUse[r] < limits[r] && waiting.size > 0) {
          const s = waiting.pop();
          const blocker = fullResource(s);
          if (blocker < 0) start(s);
          else park(blocker, s);
        }
      }
      for (let e = c.children.first[i]; e < c.children.first[i + 1]; e++) if (--waitingFor[c.children.items[e]] === 0) admit(c.children.items[e]);
      left[classOf[i]]--;
    }
    while (active < barriers && left[active] === 0) {
      active++;
      if (active < barriers) for (const s of held[active]) ready.push(s);
    }
  }
  if (done < n) throw new Error(`list scheduling stalled with ${n - done} of ${plural(n, "step")} unscheduled: a step of a higher SLA level depends on one of a lower level`);
  let makespan = 0;
  for (let i = 0; i < n; i++) if (finish[i] > makespan) makespan = finish[i];
  return { makespanSeconds: makespan, finish };
}

/** Sum of every step's duration: the time of a fully serial run. */
export function serialSeconds(plan: Pick<Plan, "steps">): number {
  return plan.steps.reduce((sum, s) => sum + s.estimateSeconds, 0);
}
