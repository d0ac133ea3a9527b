// The executor's own dispatch on a virtual-time event loop: the same Scheduler (executor/
// scheduler.ts: ready heap, resource slots, strict SLA gate), fed completion times from drawn
// durations instead of adapter calls. What the executor would do under those durations, at the
// cost of a few heap operations per step, with no promises, timers or simulator.

import { Scheduler } from "../executor/scheduler";
import { TimedHeap } from "../heap";
import type { FlatLists } from "../typed-arrays";
import type { CompiledDraws } from "./sampler";
import { schedulerInputOf, type SamplingInput } from "./sampling-input";

export type { DispatchSettings } from "./sampling-input";

/**
 * The executor's dispatch of one plan under given settings, run again and again on drawn
 * durations: the graph, the scheduler and the end-time heap are built once and reset between
 * runs, so a run allocates nothing.
 */
export class Dispatcher {
  /** Each step's end in the last run, in seconds from the start; Infinity for a step that failed, or did not run because one it waits for failed. */
  readonly finish: Float64Array;
  /** The last run's makespan: the end of the step that ended last (steps leave the end-time heap in order); Infinity when a step failed. */
  makespan = 0;
  private readonly scheduler: Scheduler;
  private readonly running: TimedHeap;
  private readonly started: Int32Array;
  private readonly dependencies: FlatLists;

  constructor(input: SamplingInput) {
    const { graph, resources } = schedulerInputOf(input);
    this.scheduler = new Scheduler(graph, { sla: input.sla, resources });
    this.dependencies = input.dependencies;
    this.finish = new Float64Array(input.steps);
    this.running = new TimedHeap();
    this.started = new Int32Array(input.steps);
  }

  /**
   * Runs the scheduler over `duration` (seconds by step) and writes each step's end into `finish`.
   * A step that waits for a boot its dependency started (draws.startsAtDependencies) ends at
   * max(its start, its dependencies' end + its duration), as waitUntilRunning does. A step with
   * `stops[i]` 1 fails when it ends, as in the executor: its slots are freed, and the steps that
   * wait for it are skipped (the scheduler's own rule; cleanup steps still run).
   */
  run(draws: CompiledDraws, duration: Float64Array, stops?: Uint8Array): void {
    const { scheduler, running, started, finish } = this;
    scheduler.reset();
    running.clear();
    const { first, items } = this.dependencies;
    const { startsAtDependencies } = draws;
    let now = 0;
    let failed = false;
    for (;;) {
      const count = scheduler.nextInto(started);
      for (let k = 0; k < count; k++) {
        const i = started[k];
        let end = now + duration[i];
        if (startsAtDependencies[i] === 1) {
          let ready = 0;
          // A failed dependency's end is Infinity: only a cleanup step runs after one, and it waits for no boot.
          for (let e = first[i]; e < first[i + 1]; e++) if (finish[items[e]] > ready && finish[items[e]] !== Infinity) ready = finish[items[e]];
          end = Math.max(now, ready + duration[i]);
        }
        finish[i] = end;
        running.push(i, end);
      }
      const i = running.pop();
      if (i < 0) break;
      now = finish[i];
      if (stops !== undefined && stops[i] === 1) {
        failed = true;
        finish[i] = Infinity;
        for (const skip of scheduler.fail(i)) finish[skip.index] = Infinity;
      } else scheduler.complete(i);
    }
    this.makespan = failed ? Infinity : now;
    if (scheduler.unfinished > 0) throw new Error(`the predicted run stalled with ${scheduler.unfinished} steps unfinished`);
  }
}
