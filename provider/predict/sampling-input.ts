// What a Monte Carlo sample reads of a plan, as typed arrays and a few names: built once from the
// plan on the calling thread, and cloned to the worker threads of a large prediction (threads.ts)
// in a few milliseconds, where the plan itself (40 MB of JSON at 10,000 LPARs) took a second and
// every worker would have rebuilt its graph from it.

import type { Plan } from "../generated/plan";
import { buildGraph } from "../executor/graph";
import { resolveLimits } from "../executor/limits";
import { schedulerResources, type SchedulerGraph, type SchedulerResources } from "../executor/scheduler";
import { builtInSteps } from "../executor/steps";
import type { ExecutionMode, RetryPolicy, SlaPolicy } from "../executor/types";
import { flattened, unflattened, type FlatLists } from "../typed-arrays";
import type { LatencyProfile } from "./profile";
import { compileDraws, type CompiledDraws } from "./sampler";

export interface DispatchSettings {
  /** @default "parallel" */
  readonly mode?: ExecutionMode;
  /** @default "strict" */
  readonly sla?: SlaPolicy;
  /** Limit overrides, as the executor takes them. @default the plan's */
  readonly limits?: Readonly<Record<string, number>>;
  /** The executor's retries of a transient error, drawn where the profile measured faults. @default DEFAULT_RETRY */
  readonly retry?: Partial<RetryPolicy>;
}

export interface SamplingInput {
  readonly steps: number;
  readonly sla: SlaPolicy;
  /** The plan's group names, once each, in plan order; groupOf[i] is step i's place in it, or -1 when its end is no group's RTO. */
  readonly groupNames: readonly string[];
  readonly groupOf: Int32Array;
  readonly draws: CompiledDraws;
  /** The graph (executor/graph.ts) as the scheduler reads it. */
  readonly dependencies: FlatLists;
  readonly dependents: FlatLists;
  readonly level: Int32Array;
  readonly priority: Float64Array;
  /** 1 for a cleanup step (runs after its dependencies failed), 1 for a best-effort step. */
  readonly cleanup: Uint8Array;
  readonly bestEffort: Uint8Array;
  /** Every step's scheduler resources (indexes) and each resource's limit. */
  readonly resources: FlatLists;
  readonly limits: Int32Array;
}

export function samplingInput(plan: Plan, settings: DispatchSettings, profile: LatencyProfile, groupOf: (step: Plan["steps"][number]) => string | undefined): SamplingInput {
  const graph = buildGraph(plan);
  const registry = builtInSteps();
  const base = {
    mode: settings.mode ?? "parallel",
    sla: settings.sla ?? "strict",
    limits: resolveLimits(plan, {}, settings.limits).limits,
    isStorageStep: (step: Plan["steps"][number]) => registry.get(step.kind)?.touches === "storage",
  };
  const resources = schedulerResources(graph, base);
  const groupNames = [...new Set(plan.groups.map((g) => g.name))];
  const groupIndex = new Map(groupNames.map((name, k) => [name, k]));
  const n = plan.steps.length;
  const groupOfStep = new Int32Array(n).fill(-1);
  const cleanup = new Uint8Array(n);
  const bestEffort = new Uint8Array(n);
  plan.steps.forEach((s, i) => {
    const group = groupOf(s);
    if (group !== undefined) groupOfStep[i] = groupIndex.get(group) ?? -1;
    if (s.phase === "cleanup") cleanup[i] = 1;
    if (s.bestEffort === true) bestEffort[i] = 1;
  });
  return {
    steps: n,
    sla: base.sla,
    groupNames,
    groupOf: groupOfStep,
    draws: compileDraws(plan, profile, settings.retry),
    dependencies: flattened(graph.dependencies),
    dependents: flattened(graph.dependents),
    level: graph.level,
    priority: graph.priority,
    cleanup,
    bestEffort,
    resources: flattened(resources.stepResources),
    limits: Int32Array.from(resources.limits),
  };
}

/** The scheduler's view of the graph and its resources, rebuilt from the input. */
export function schedulerInputOf(input: SamplingInput): { graph: SchedulerGraph; resources: SchedulerResources } {
  const steps = Array.from({ length: input.steps }, (_, i) => ({
    // Only an internal error names a step here: its index in the plan.
    id: `steps[${i}]`,
    ...(input.cleanup[i] === 1 ? { phase: "cleanup" as const } : {}),
    ...(input.bestEffort[i] === 1 ? { bestEffort: true } : {}),
  }));
  return {
    graph: { steps, dependencies: unflattened(input.dependencies), dependents: unflattened(input.dependents), level: input.level, priority: input.priority },
    resources: { stepResources: unflattened(input.resources), limits: Array.from(input.limits) },
  };
}
