// The executor's own dispatch on a virtual-time event loop: the same Scheduler (executor/
// scheduler.ts: ready heap, resource slots, strict SLA gate), fed completion times from drawn
// durations instead of adapter calls. What the executor would do under those durations, at the
// cost of a few heap operations per step, with no promises, timers or simulator.

import type { Plan } from "../generated/plan";
import { buildGraph, type PlanGraph } from "../executor/graph";
import { resolveLimits } from "../executor/limits";
import { Scheduler, schedulerResources, type SchedulerOptions } from "../executor/scheduler";
import { builtInSteps } from "../executor/steps";
import type { ExecutionMode, SlaPolicy } from "../executor/types";
import { TimedHeap } from "../heap";
import type { CompiledDraws } from "./sampler";

export interface DispatchSettings {
  /** @default "parallel" */
  readonly mode?: ExecutionMode;
  /** @default "strict" */
  readonly sla?: SlaPolicy;
  /** Limit overrides, as the executor takes them. @default the plan's */
  readonly limits?: Readonly<Record<string, number>>;
}

/**
 * The executor's dispatch of one plan under given settings, run again and again on drawn
 * durations: the graph, the scheduler and the end-time heap are built once and reset between
 * runs, so a run allocates nothing.
 */
export class Dispatcher {
  readonly graph: PlanGraph;
  /** Each step's end in the last run, in seconds from the start. */
  readonly finish: Float64Array;
  private readonly scheduler: Scheduler;
  private readonly running: TimedHeap;
  private readonly started: Int32Array;

  constructor(plan: Plan, settings: DispatchSettings = {}) {
    this.graph = buildGraph(plan);
    const registry = builtInSteps();
    const base = {
      mode: settings.mode ?? "parallel",
      sla: settings.sla ?? "strict",
      limits: resolveLimits(plan, {}, settings.limits).limits,
      isStorageStep: (step: Plan["steps"][number]) => registry.get(step.kind)?.touches === "storage",
    };
    const options: SchedulerOptions = { ...base, resources: schedulerResources(this.graph, base) };
    const n = plan.steps.length;
    this.scheduler = new Scheduler(this.graph, options);
    this.finish = new Float64Array(n);
    this.running = new TimedHeap();
    this.started = new Int32Array(n);
  }

  /**
   * Runs the scheduler over `duration` (seconds by step) and writes each step's end into `finish`.
   * A step that waits for a boot its dependency started (draws.startsAtDependencies) ends at
   * max(its start, its dependencies' end + its duration), as waitUntilRunning does.
   */
  run(draws: CompiledDraws, duration: Float64Array): void {
    const { scheduler, running, started, finish } = this;
    scheduler.reset();
    running.clear();
    const deps = this.graph.dependencies;
    const { startsAtDependencies } = draws;
    let now = 0;
    for (;;) {
      const count = scheduler.nextInto(started);
      for (let k = 0; k < count; k++) {
        const i = started[k];
        let end = now + duration[i];
        if (startsAtDependencies[i] === 1) {
          let ready = 0;
          for (const p of deps[i]) if (finish[p] > ready) ready = finish[p];
          end = Math.max(now, ready + duration[i]);
        }
        finish[i] = end;
        running.push(i, end);
      }
      const i = running.pop();
      if (i < 0) break;
      now = finish[i];
      scheduler.complete(i);
    }
    if (scheduler.unfinished > 0) throw new Error(`the predicted run stalled with ${scheduler.unfinished} steps unfinished`);
  }
}
