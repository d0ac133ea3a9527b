// Which steps may start now. A step is ready when every step it depends on is done; it starts
// when it can hold a slot of every resource it lists and, under `strict` SLA, when every higher
// level has ended. Ready steps come out in priority order (SLA level, then critical-path
// length at a resolution, then the LPAR's, then plan order: graph.ts) from a heap; a
// best-effort step (cleanup whose failure blocks nothing) neither waits for nor holds a level's barrier; a step that finds a resource full waits in that
// resource's own heap and goes back to the ready heap when a slot frees. Each event costs
// O(log steps), so 60,000 steps schedule in well under a second. No I/O, no time: the run drives it.

import type { Step } from "../generated/plan";
import type { PlanGraph } from "./graph";
import { IndexHeap } from "../heap";
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

export class Scheduler {
  private readonly status: Uint8Array;
  private readonly pendingDeps: Int32Array;
  private readonly stepResources: readonly (readonly number[])[];
  private readonly limit: number[] = [];
  private readonly inUse: number[] = [];
  private readonly waiters: IndexHeap[] = [];
  private readonly dirty: number[] = [];
  private readonly isDirty: boolean[] = [];
  private readonly ready: IndexHeap;
  /** Unended steps per effective level, and the levels from highest to lowest. */
  private readonly unended = new Map<number, number>();
  private readonly levels: number[];
  private levelCursor = 0;
  private readonly slaWaiting = new Map<number, number[]>();
  private runningCount = 0;
  private unendedCount: number;
  /** Skips found while restoring an earlier session, handed out once. */
  readonly restoredSkips: readonly Skip[];
  /** Cleanup steps (a drill's teardown) run once their dependencies ended, failed or not. */
  private readonly runsAfterFailure: Uint8Array;
  /** Best-effort steps: outside the strict SLA barrier, so a dead array's cleanup delays no level. */
  private readonly barrierFree: Uint8Array;
  private restoring = true;

  constructor(
    private readonly graph: PlanGraph,
    private readonly options: SchedulerOptions,
  ) {
    const n = graph.steps.length;
    const { level, priority } = graph;
    // Priority: higher level, then graph.priority (critical path, then the LPAR's), then plan order: min-heaps of the negated
    // keys (IndexHeap compares typed arrays inline; a closure per comparison cost more than the rest).
    const byLevel = new Float64Array(n);
    const byPath = new Float64Array(n);
    this.runsAfterFailure = new Uint8Array(n);
    this.barrierFree = new Uint8Array(n);
    this.pendingDeps = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      byLevel[i] = -level[i];
      byPath[i] = -priority[i];
      const step = graph.steps[i];
      if (step.phase === "cleanup") this.runsAfterFailure[i] = 1;
      if (step.bestEffort === true) this.barrierFree[i] = 1;
      this.pendingDeps[i] = graph.dependencies[i].length;
    }
    const heap = (): IndexHeap => new IndexHeap(byLevel, byPath);
    this.ready = heap();
    this.status = new Uint8Array(n);

    const resources = options.resources ?? schedulerResources(graph, options);
    this.stepResources = resources.stepResources;
    for (const limit of resources.limits) {
      this.limit.push(limit);
      this.inUse.push(0);
      this.waiters.push(heap());
      this.isDirty.push(false);
    }

    // Restore an earlier session: ended steps stay ended, dependents of failures stay skipped.
    for (const i of options.done ?? []) this.status[i] = Status.Done;
    const failed = [...(options.failed ?? [])];
    for (const i of failed) this.status[i] = Status.Failed;
    const skips: Skip[] = [];
    for (const i of failed) skips.push(...this.skipDependents(i));
    this.restoredSkips = skips;

    this.unendedCount = 0;
    for (let i = 0; i < n; i++) {
      if (this.status[i] >= Status.Done) continue;
      this.unendedCount++;
      if (!this.barrierFree[i]) this.unended.set(level[i], (this.unended.get(level[i]) ?? 0) + 1);
      let pending = 0;
      for (const d of graph.dependencies[i]) {
        if (this.runsAfterFailure[i] ? this.status[d] < Status.Done : this.status[d] !== Status.Done) pending++;
      }
      this.pendingDeps[i] = pending;
    }
    this.restoring = false;
    this.levels = [...this.unended.keys()].sort((a, b) => b - a);
    for (let i = 0; i < n; i++) {
      if (this.status[i] === Status.Waiting && this.pendingDeps[i] === 0) this.enqueue(i);
    }
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
    const started: number[] = [];
    for (;;) {
      this.wakeWaiters();
      if (this.ready.size === 0) break;
      while (this.ready.size > 0) {
        const i = this.ready.pop();
        if (this.options.sla === "strict" && !this.barrierFree[i] && this.graph.level[i] < this.currentLevel()) {
          const parked = this.slaWaiting.get(this.graph.level[i]);
          if (parked) parked.push(i);
          else this.slaWaiting.set(this.graph.level[i], [i]);
          continue;
        }
        const full = this.fullResource(i);
        if (full >= 0) {
          this.waiters[full].push(i);
          // If this step was woken from another resource, that resource's slot is still free.
          for (const r of this.stepResources[i]) if (r !== full) this.markDirty(r);
          continue;
        }
        for (const r of this.stepResources[i]) this.inUse[r]++;
        this.status[i] = Status.Running;
        this.runningCount++;
        started.push(i);
      }
    }
    return started;
  }

  /** A resource of step i with no free slot, or -1. */
  private fullResource(i: number): number {
    for (const r of this.stepResources[i]) if (this.inUse[r] >= this.limit[r]) return r;
    return -1;
  }

  complete(i: number): void {
    this.end(i, Status.Done);
    for (const d of this.graph.dependents[i]) {
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
    for (const r of this.stepResources[i]) {
      this.inUse[r]--;
      this.markDirty(r);
    }
    this.countEnded(i);
  }

  private countEnded(i: number): void {
    this.unendedCount--;
    if (this.barrierFree[i]) return;
    const lvl = this.graph.level[i];
    this.unended.set(lvl, this.unended.get(lvl)! - 1);
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
    this.ready.push(i);
  }

  private markDirty(r: number): void {
    if (!this.isDirty[r] && this.waiters[r].size > 0 && this.inUse[r] < this.limit[r]) {
      this.isDirty[r] = true;
      this.dirty.push(r);
    }
  }

  /** Moves as many waiters of each resource with free slots back to the ready heap. */
  private wakeWaiters(): void {
    while (this.dirty.length > 0) {
      const r = this.dirty.pop()!;
      this.isDirty[r] = false;
      let free = this.limit[r] - this.inUse[r];
      while (free-- > 0 && this.waiters[r].size > 0) {
        const i = this.waiters[r].pop();
        // A waiter skipped meanwhile (its dependency failed) is dropped here.
        if (this.status[i] === Status.Queued) this.ready.push(i);
        else free++;
      }
    }
  }

  /** The highest level with unended steps: under `strict`, only it may start steps. */
  private currentLevel(): number {
    return this.levelCursor < this.levels.length ? this.levels[this.levelCursor] : -Infinity;
  }

  private advanceLevel(): void {
    while (this.levelCursor < this.levels.length && this.unended.get(this.levels[this.levelCursor]) === 0) {
      this.levelCursor++;
      const parked = this.slaWaiting.get(this.currentLevel());
      if (parked) {
        this.slaWaiting.delete(this.currentLevel());
        for (const i of parked) if (this.status[i] === Status.Queued) this.ready.push(i);
      }
    }
  }
}
