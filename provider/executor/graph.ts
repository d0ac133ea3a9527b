// The plan's steps as an indexed DAG: ids to indices, dependents, a topological order, and the
// two numbers the scheduler orders by: the effective SLA level and the dispatch priority (the
// critical-path length at a resolution, then the LPAR's).
// Everything here is O(steps + dependencies).

import { ValidationError, type ValidationIssue } from "../errors";
import { dispatchPriority } from "../dispatch-order";
import type { Plan, Step } from "../generated/plan";

export interface PlanGraph {
  readonly steps: readonly Step[];
  readonly indexOf: ReadonlyMap<string, number>;
  /** Indices of the steps each step depends on / that depend on it. */
  readonly dependencies: readonly (readonly number[])[];
  readonly dependents: readonly (readonly number[])[];
  /**
   * SLA level a step is scheduled at: its own, raised to the highest level of any step waiting
   * for it, so that a lower-level dependency of a higher-level VM is never held back by `strict`.
   */
  readonly level: Int32Array;
  /** Seconds from the step's start to the end of the longest chain of dependents after it. */
  readonly criticalPath: Float64Array;
  /**
   * What the scheduler orders ready steps of one level by, larger first (dispatch-order.ts, the
   * planner's estimate orders by the same): the critical path at a resolution, then the LPAR's.
   */
  readonly priority: Float64Array;
}

/** Indexes the plan; throws one ValidationError listing unknown ids, duplicates and cycles. */
export function buildGraph(plan: Plan): PlanGraph {
  const steps = plan.steps;
  const n = steps.length;
  const issues: ValidationIssue[] = [];
  const indexOf = new Map<string, number>();
  steps.forEach((step, i) => {
    if (indexOf.has(step.id)) {
      issues.push({ path: `steps[${i}].id`, message: `\`steps[${i}].id\` ${JSON.stringify(step.id)} is used twice; step ids must be unique` });
    } else indexOf.set(step.id, i);
  });
  const dependencies: number[][] = steps.map(() => []);
  const dependents: number[][] = steps.map(() => []);
  steps.forEach((step, i) => {
    for (const dep of new Set(step.dependsOn)) {
      const j = indexOf.get(dep);
      if (j === undefined) {
        issues.push({
          path: `steps[${i}].dependsOn`,
          message: `\`steps[${i}].dependsOn\` of ${JSON.stringify(step.id)} names ${JSON.stringify(dep)}, which is not a step of the plan; remove it or add the step`,
        });
      } else if (j === i) {
        issues.push({ path: `steps[${i}].dependsOn`, message: `\`steps[${i}].dependsOn\` of ${JSON.stringify(step.id)} names the step itself; remove it` });
      } else {
        dependencies[i].push(j);
        dependents[j].push(i);
      }
    }
  });
  if (issues.length > 0) throw new ValidationError("plan", issues);

  const order = topologicalOrder(dependencies, dependents);
  if (order.length < n) {
    const ordered = new Set(order);
    const inCycle = steps.filter((_, i) => !ordered.has(i)).map((s) => s.id);
    throw new ValidationError("plan", [
      {
        path: "steps",
        message: `\`steps\` have a dependency cycle through ${inCycle.slice(0, 5).map((id) => JSON.stringify(id)).join(", ")}${inCycle.length > 5 ? ", ..." : ""}; a plan must be a DAG`,
      },
    ]);
  }

  const level = new Int32Array(n);
  const criticalPath = new Float64Array(n);
  for (let k = n - 1; k >= 0; k--) {
    const i = order[k];
    let lvl = steps[i].slaLevel;
    let longest = 0;
    for (const d of dependents[i]) {
      if (level[d] > lvl) lvl = level[d];
      if (criticalPath[d] > longest) longest = criticalPath[d];
    }
    level[i] = lvl;
    criticalPath[i] = steps[i].estimateSeconds + longest;
  }
  return { steps, indexOf, dependencies, dependents, level, criticalPath, priority: dispatchPriority(steps, criticalPath) };
}

/** Kahn's algorithm; returns fewer than all indices when there is a cycle. */
function topologicalOrder(dependencies: readonly number[][], dependents: readonly number[][]): number[] {
  const remaining = Int32Array.from(dependencies, (d) => d.length);
  const order: number[] = [];
  for (let i = 0; i < remaining.length; i++) if (remaining[i] === 0) order.push(i);
  for (let k = 0; k < order.length; k++) {
    for (const d of dependents[order[k]]) if (--remaining[d] === 0) order.push(d);
  }
  return order;
}
