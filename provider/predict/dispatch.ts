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
import { IndexHeap } from "../heap";
import type { CompiledDraws } from "./sampler";

export interface DispatchSettings {
  /** @default "parallel" */
  readonly mode?: ExecutionMode;
  /** @default "strict" */
  readonly sla?: SlaPolicy;
  /** Limit overrides, as the executor takes them. @default the plan's */
  readonly limits?: Readonly<Record<string, number>>;
}

export interface Dispatch {
  readonly graph: PlanGraph;
  readonly options: SchedulerOptions;
}

/** The graph and scheduler options a run of `plan` with `settings` would use, resolved once. */
export function prepareDispatch(plan: Plan, settings: DispatchSettings = {}): Dispatch {
  const graph = buildGraph(plan);
  const registry = builtInSteps();
  const base = {
    mode: settings.mode ?? "parallel",
    sla: settings.sla ?? "strict",
    limits: resolveLimits(plan, {}, settings.limits).limits,
    isStorageStep: (step: Plan["steps"][number]) => registry.get(step.kind)?.touches === "storage",
  };
  return { graph, options: { ...base, resources: schedulerResources(graph, base) } };
}

/**
 * Runs the scheduler over `duration` (seconds by step) and writes each step's end into `finish`.
 * A step that waits for a boot its dependency started (draws.startsAtDependencies) ends at
 * max(its start, its dependencies' end + its duration), as waitUntilRunning does.
 */
export function dispatchOnce(d: Dispatch, draws: CompiledDraws, duration: Float64Array, finish: Float64Array): void {
  const scheduler = new Scheduler(d.graph, d.options);
  const running = new IndexHeap(finish, undefined, 1024);
  const deps = d.graph.dependencies;
  const { startsAtDependencies } = draws;
  let now = 0;
  for (;;) {
    for (const i of scheduler.next()) {
      let end = now + duration[i];
      if (startsAtDependencies[i] === 1) {
        let ready = 0;
        for (const p of deps[i]) if (finish[p] > ready) ready = finish[p];
        end = Math.max(now, ready + duration[i]);
      }
      finish[i] = end;
      running.push(i);
    }
    const i = running.pop();
    if (i < 0) break;
    now = finish[i];
    scheduler.complete(i);
  }
  if (scheduler.unfinished > 0) throw new Error(`the predicted run stalled with ${scheduler.unfinished} steps unfinished`);
}
