// Which steps may start now. A step is ready when every step it depends on is done; it starts
// when it can hold a slot of every resource it lists and, under `strict` SLA, when every higher
// level has ended. Ready steps come out in priority order (SLA level, then critical-path
// length at a resolution, then the LPAR's, then plan order: graph.ts) from a heap; a
// best-effort step (cleanup whose failure blocks nothing) neither waits for nor holds a level's barrier; a step that finds a resource full waits in that
// resource's own heap and goes back to the ready heap when a slot frees. Each event costs
// O(log steps), so 60,000 steps schedule in well under a second. No I/O, no time: the run drives it.

import type { Step } from "../generated/plan";
import type { PlanGraph } from "./graph";
import { dispatchOrder } from "../dispatch-order";
import { RankHeap } from "../heap";
import { flattened } from "../typed-arrays";
import type { ExecutionMode, SlaPolicy } from "./types";

/** Synthetic resources that make the paper's modes out of the same mechanism. */
export const SERIAL_RESOURCE = "mode:serial";
export const STORAGE_RESOURCE = "mode:storage";

export interface SchedulerOptions {
  readonly mode: ExecutionMode;
  readonly sla: SlaPolicy;
  readonly limits: Readonly<Record<string, number>>;
  /** Storage steps run one at a time in `parallel-restart` mode. */
  readonly isStorageStep: (step: Step) => boolean;
  /**
   * The resources of every step, from `schedulerResources` of the same graph and options: lets a
   * caller that schedules one plan many times (the RTO prediction) compute them once. @default computed here
   */
  readonly resources?: SchedulerResources;
  /** Steps that ended in an earlier session of the run (resume). */
  readonly done?: Iterable<number>;
  readonly failed?: Iterable<number>;
}

/** A step that will not run, and the failed step that blocks it. */
export interface Skip {
  readonly index: number;
  readonly blockedBy: number;
}

const enum Status {
  Waiting,
  Queued,
  Running,
  Done,
  Failed,
  Skipped,
}

/** Every step's resources as indexes, and each resource's limit: fixed for a graph and its options. */
export interface SchedulerResources {
  readonly stepResources: readonly (readonly number[])[];
  readonly limits: readonly number[];
}

export function schedulerResources(graph: PlanGraph, options: Pick<SchedulerOptions, "mode" | "limits" | "isStorageStep">): SchedulerResources {
  const resourceIndex = new Map<string, number>();
  const limits: number[] = [];
  const indexOfResource = (key: string): number => {
    let r = resourceIndex.get(key);
    if (r === undefined) {
      r = limits.length;
      resourceIndex.set(key, r);
      limits.push(Math.max(1, options.limits[key] ?? 1));
    }
    return r;
  };
  const stepResources = graph.steps.map((step) => {
    const keys = new Set(step.resources);
    if (options.mode === "serial") keys.add(SERIAL_RESOURCE);
    if (options.mode === "parallel-restart" && options.isStorageStep(step)) keys.add(STORAGE_RESOURCE);
    return [...keys].map(indexOfResource);
  });
  if (options.mode === "serial") limits[indexOfResource(SERIAL_RESOURCE)] = 1;
  if (options.mode === "parallel-restart") limits[indexOfResource(STORAGE_RESOURCE)] = 1;
  return { stepResources, limits };
}

/**
 * What the scheduler reads of a plan's graph: a PlanGraph, or the same figures rebuilt from typed
 * arrays in a worker thread of the RTO prediction (predict/sampling-input.ts).
 */
export type SchedulerGraph = Pick<PlanGraph, "dependencies" | "dependents" | "level" | "priority"> & { readonly steps: readonly Pick<Step, "id" | "phase" | "bestEffort">[] };

/** Options whose resources are resolved already (schedulerResources): the mode, limits and storage rule are in them. */
export type ResolvedSchedulerOptions = Pick<SchedulerOptions, "sla" | "done" | "failed"> & { readonly resources: SchedulerResources };

export class Scheduler {
  private readonly status: Uint8Array;
  private readonly pendingDeps: Int32Array;
  /**
   * Step i's resources are resourceItems[resourceFirst[i] .. resourceFirst[i + 1]), its dependents
   * likewise: two flat typed arrays each, walked on every event (an array per step, scattered in
   * memory, cost more than the heaps on 100,000 steps).
   */
  private readonly resourceFirst: Int32Array;
  private readonly resourceItems: Int32Array;
  private readonly dependentFirst: Int32Array;
  private readonly dependentItems: Int32Array;
  private readonly limit: Int32Array;
  private readonly inUse: Int32Array;
  private readonly waiters: RankHeap[] = [];
  private readonly dirty: number[] = [];
  private readonly isDirty: Uint8Array;
  private readonly ready: RankHeap;
  /** Each step's place in the dispatch order, and the step at each place: what the heaps hold. */
  private readonly rank: Int32Array;
  private readonly order: Int32Array;
  /** The effective levels from highest to lowest; each step's place in that list; unended steps per place. */
  private readonly levels: readonly number[];
  private readonly levelSlot: Int32Array;
  private readonly unendedAt: Int32Array;
  private levelCursor = 0;
  /** Steps held back by the strict barrier, per level place. */
  private readonly slaWaiting: number[][];
  private runningCount = 0;
  private unendedCount: number;
  /** Skips found while restoring an earlier session, handed out once. */
  readonly restoredSkips: readonly Skip[];
  /** Cleanup steps (a drill's teardown) run once their dependencies ended, failed or not. */
  private readonly runsAfterFailure: Uint8Array;
  /** Best-effort steps: outside the strict SLA barrier, so a dead array's cleanup delays no level. */
  private readonly barrierFree: Uint8Array;
  private restoring = true;
  /** The state right after construction, for reset(): one scheduler runs a plan many times (the RTO prediction). */
  private readonly initial: { readonly status: Uint8Array; readonly pendingDeps: Int32Array; readonly unendedAt: Int32Array; readonly unended: number; readonly ready: Int32Array };
  private buffer?: Int32Array;

  /** A graph without its steps' resources (a SchedulerGraph) comes with them resolved: ResolvedSchedulerOptions. */
  constructor(graph: PlanGraph, options: SchedulerOptions);
  constructor(graph: SchedulerGraph, options: ResolvedSchedulerOptions);
  constructor(
    private readonly graph: SchedulerGraph,
    private readonly options: SchedulerOptions | ResolvedSchedulerOptions,
  ) {
    const n = graph.steps.length;
    const { level, priority } = graph;
    // The dispatch order (dispatch-order.ts: higher level, then graph.priority, then plan order)
    // as one rank per step: the heaps compare one typed-array number inline (a closure per
    // comparison, or three keys, cost more than the rest of a step).
    const order = dispatchOrder(level, priority);
    const rank = new Int32Array(n);
    for (let k = 0; k < n; k++) rank[order[k]] = k;
    this.order = order;
    this.rank = rank;
    this.runsAfterFailure = new Uint8Array(n);
    this.barrierFree = new Uint8Array(n);
    this.pendingDeps = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      const step = graph.steps[i];
      if (step.phase === "cleanup") this.runsAfterFailure[i] = 1;
      if (step.bestEffort === true) this.barrierFree[i] = 1;
      this.pendingDeps[i] = graph.dependencies[i].length;
    }
    this.ready = new RankHeap();
    this.status = new Uint8Array(n);

    // The overloads: without `resources`, the graph is a PlanGraph and the options whole.
    const resources = options.resources ?? schedulerResources(graph as PlanGraph, options as SchedulerOptions);
    ({ first: this.resourceFirst, items: this.resourceItems } = flattened(resources.stepResources));
    ({ first: this.dependentFirst, items: this.dependentItems } = flattened(graph.dependents));
    this.limit = Int32Array.from(resources.limits);
    this.inUse = new Int32Array(resources.limits.length);
    this.isDirty = new Uint8Array(resources.limits.length);
    for (let r = 0; r < resources.limits.length; r++) this.waiters.push(new RankHeap());

    // Restore an earlier session: ended steps stay ended, dependents of failures stay skipped.
    for (const i of options.done ?? []) this.status[i] = Status.Done;
    const failed = [...(options.failed ?? [])];
    for (const i of failed) this.status[i] = Status.Failed;
    const skips: Skip[] = [];
    for (const i of failed) skips.push(...this.skipDependents(i));
    this.restoredSkips = skips;

    const distinct = new Set<number>();
    for (let i = 0; i < n; i++) if (!this.barrierFree[i]) distinct.add(level[i]);
    this.levels = [...distinct].sort((a, b) => b - a);
    const slotOf = new Map(this.levels.map((l, k) => [l, k]));
    this.levelSlot = Int32Array.from(level, (l) => slotOf.get(l) ?? -1);
    this.unendedAt = new Int32Array(this.levels.length);
    this.slaWaiting = this.levels.map(() => []);
    this.unendedCount = 0;
    for (let i = 0; i < n; i++) {
      if (this.status[i] >= Status.Done) continue;
      this.unendedCount++;
      if (!this.barrierFree[i]) this.unendedAt[this.levelSlot[i]]++;
      let pending = 0;
      for (const d of graph.dependencies[i]) {
        if (this.runsAfterFailure[i] ? this.status[d] < Status.Done : this.status[d] !== Status.Done) pending++;
      }
      this.pendingDeps[i] = pending;
    }
    this.restoring = false;
    // Levels whose steps all ended in an earlier session hold nothing back.
    this.advanceLevel();
    const ready: number[] = [];
    for (let i = 0; i < n; i++) {
      if (this.status[i] === Status.Waiting && this.pendingDeps[i] === 0) {
        ready.push(i);
        this.enqueue(i);
      }
    }
    this.initial = {
      status: this.status.slice(),
      pendingDeps: this.pendingDeps.slice(),
      unendedAt: this.unendedAt.slice(),
      unended: this.unendedCount,
      ready: Int32Array.from(ready),
    };
  }

  /** Back to the state it was constructed in, as if no step had started since: its storage is kept. */
  reset(): void {
    const s = this.initial;
    this.status.set(s.status);
    this.pendingDeps.set(s.pendingDeps);
    this.unendedAt.set(s.unendedAt);
    this.unendedCount = s.unended;
    this.runningCount = 0;
    this.inUse.fill(0);
    this.isDirty.fill(0);
    this.dirty.length = 0;
    for (const w of this.waiters) w.clear();
    for (const parked of this.slaWaiting) parked.length = 0;
    this.ready.clear();
    this.levelCursor = 0;
    this.advanceLevel();
    for (const i of s.ready) this.ready.push(this.rank[i]);
  }

  /** Steps still to end (running included). */
  get unfinished(): number {
    return this.unendedCount;
  }

  get running(): number {
    return this.runningCount;
  }

  /** The steps to start now, in priority order; each holds its slots until complete / fail. */
  next(): number[] {
    this.buffer ??= new Int32Array(this.graph.steps.length);
    return Array.from(this.buffer.subarray(0, this.nextInto(this.buffer)));
  }

  /** next() into `out` (room for every step), without allocating: returns how many started. */
  nextInto(out: Int32Array): number {
    let started = 0;
    const strict = this.options.sla === "strict";
    for (;;) {
      this.wakeWaiters();
      if (this.ready.size === 0) break;
      while (this.ready.size > 0) {
        const i = this.order[this.ready.pop()];
        if (strict && !this.barrierFree[i] && this.levelSlot[i] > this.levelCursor) {
          this.slaWaiting[this.levelSlot[i]].push(i);
          continue;
        }
        const full = this.fullResource(i);
        if (full >= 0) {
          this.waiters[full].push(this.rank[i]);
          // If this step was woken from another resource, that resource's slot is still free.
          for (let e = this.resourceFirst[i]; e < this.resourceFirst[i + 1]; e++) if (this.resourceItems[e] !== full) this.markDirty(this.resourceItems[e]);
          continue;
        }
        for (let e = this.resourceFirst[i]; e < this.resourceFirst[i + 1]; e++) this.inUse[this.resourceItems[e]]++;
        this.status[i] = Status.Running;
        this.runningCount++;
        out[started++] = i;
      }
    }
    return started;
  }

  /** A resource of step i with no free slot, or -1. */
  private fullResource(i: number): number {
    for (let e = this.resourceFirst[i]; e < this.resourceFirst[i + 1]; e++) {
      const r = this.resourceItems[e];
      if (this.inUse[r] >= this.limit[r]) return r;
    }
    return -1;
  }

  complete(i: number): void {
    this.end(i, Status.Done);
    for (let e = this.dependentFirst[i]; e < this.dependentFirst[i + 1]; e++) {
      const d = this.dependentItems[e];
      if (this.status[d] === Status.Waiting && --this.pendingDeps[d] === 0) this.enqueue(d);
    }
    this.advanceLevel();
  }

  /** Ends `i` as failed; returns its dependents, transitively, which will not run. */
  fail(i: number): Skip[] {
    this.end(i, Status.Failed);
    const skips = this.skipDependents(i);
    for (const s of skips) this.countEnded(s.index);
    this.advanceLevel();
    return skips;
  }

  private end(i: number, status: Status): void {
    if (this.status[i] !== Status.Running) throw new Error(`step ${this.graph.steps[i].id} ended but was not running`);
    this.status[i] = status;
    this.runningCount--;
    for (let e = this.resourceFirst[i]; e < this.resourceFirst[i + 1]; e++) {
      const r = this.resourceItems[e];
      this.inUse[r]--;
      this.markDirty(r);
    }
    this.countEnded(i);
  }

  private countEnded(i: number): void {
    this.unendedCount--;
    if (this.barrierFree[i]) return;
    this.unendedAt[this.levelSlot[i]]--;
  }

  private skipDependents(root: number): Skip[] {
    const skips: Skip[] = [];
    const stack = [root];
    while (stack.length > 0) {
      const i = stack.pop()!;
      for (const d of this.graph.dependents[i]) {
        if (this.runsAfterFailure[d]) {
          // While restoring, pending counts are computed afterwards from the statuses.
          if (!this.restoring && this.status[d] === Status.Waiting && --this.pendingDeps[d] === 0) this.enqueue(d);
          continue;
        }
        if (this.status[d] === Status.Waiting || this.status[d] === Status.Queued) {
          this.status[d] = Status.Skipped;
          skips.push({ index: d, blockedBy: root });
          stack.push(d);
        }
      }
    }
    return skips;
  }

  private enqueue(i: number): void {
    this.status[i] = Status.Queued;
    this.ready.push(this.rank[i]);
  }

  private markDirty(r: number): void {
    if (!this.isDirty[r] && this.waiters[r].size > 0 && this.inUse[r] < this.limit[r]) {
      this.isDirty[r] = 1;
      this.dirty.push(r);
    }
  }

  /** Moves as many waiters of each resource with free slots back to the ready heap. */
  private wakeWaiters(): void {
    while (this.dirty.length > 0) {
      const r = this.dirty.pop()!;
      this.isDirty[r] = 0;
      let free = this.limit[r] - this.inUse[r];
      while (free-- > 0 && this.waiters[r].size > 0) {
        const i = this.order[this.waiters[r].pop()];
        // A waiter skipped meanwhile (its dependency failed) is dropped here.
        if (this.status[i] === Status.Queued) this.ready.push(this.rank[i]);
        else free++;
      }
    }
  }

  /** Moves the strict barrier past every level whose steps all ended, releasing the next level's parked steps. */
  private advanceLevel(): void {
    while (this.levelCursor < this.levels.length && this.unendedAt[this.levelCursor] === 0) {
      this.levelCursor++;
      if (this.levelCursor < this.levels.length) {
        const parked = this.slaWaiting[this.levelCursor];
        for (const i of parked) if (this.status[i] === Status.Queued) this.ready.push(this.rank[i]);
        parked.length = 0;
      }
    }
  }
}
