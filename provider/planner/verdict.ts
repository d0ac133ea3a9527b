// One N-1 scenario judged without its whole plan: the check needs to know whether every affected
// LPAR is placed and every group is within its RTO budget, not the plan itself. So a scenario
// stops as soon as its verdict is known:
// - after placement, when an LPAR is not placed (not survivable, whatever the schedule);
// - after its steps, when every group's upper bound (upper-bound.ts: no list schedule ends a
//   step later) is within its budget (survivable);
// - otherwise after the list schedule of the median durations, the same as the plan's, so that
//   the verdict is the plan's to the group.
// No lower bound and no plan object are made. The full-plan path (check.ts, `method:
// "full-plan"`) gives the same verdicts (test/unit/planner/check-verdict.test.ts compares them).

import type { GroupEstimate, WouldTake } from "../generated/plan";
import type { PlanningContext } from "./context";
import { boundedSchedule } from "./estimate";
import { groupEstimates, placeScenario, stepsOf } from "./plan";
import type { FailureSpec } from "./types";

/** A group's verdict in one scenario of the check. */
export interface ScenarioGroup {
  readonly name: string;
  readonly lpars: readonly string[];
  readonly rtoBudgetSeconds?: number;
  /**
   * `unchecked`: the scenario stopped at placement (an LPAR of another group is not placed), so
   * this group was not scheduled.
   */
  readonly verdict: GroupEstimate["verdict"] | "unchecked";
  /** When its last LPAR is up in the median list schedule; absent when the scenario was not scheduled. */
  readonly estimatedRtoSeconds?: number;
  /** Decided by the upper bound: no list schedule has its last LPAR up later. */
  readonly rtoAtMostSeconds?: number;
  /** Set by a check that predicts (full plans only). */
  readonly predictedRto?: GroupEstimate["predictedRto"];
}

/** What settled a scenario's verdict. */
export type DecidedBy = "placement" | "upper bound" | "schedule";

export interface ScenarioVerdict {
  readonly affectedLpars: number;
  readonly unplaced: readonly { lpar: string; reason: string; wouldTake?: WouldTake }[];
  readonly groups: readonly ScenarioGroup[];
  readonly decidedBy: DecidedBy;
  /** The median list schedule's makespan, when it was scheduled. */
  readonly makespanSeconds?: number;
  /** Decided by the upper bound: no list schedule ends later. */
  readonly makespanAtMostSeconds?: number;
  readonly survivable: boolean;
}

const WITHIN: ReadonlySet<string> = new Set(["within", "no-budget"]);

/** The verdict of a failover of `failure`, stopped as soon as it is known. */
export function scenarioVerdict(ctx: PlanningContext, failure: FailureSpec): ScenarioVerdict {
  const placing = placeScenario(ctx, "failover", failure);
  const { affected, placements } = placing.round;
  const unplaced = placements
    .filter((p) => p.target === null)
    .map((p) => ({ lpar: p.lpar, reason: p.reason ?? "not placed", ...(p.wouldTake !== undefined ? { wouldTake: p.wouldTake } : {}) }));
  if (unplaced.length > 0) {
    const short = new Set(placements.filter((p) => p.target === null).map((p) => p.group));
    const groups = groupEstimates(ctx, affected.vms, placements, [], new Float64Array(0)).map(
      (g): ScenarioGroup => ({ name: g.name, lpars: g.lpars, ...budgetOf(g), verdict: short.has(g.name) ? "unplaceable" : "unchecked" }),
    );
    return { affectedLpars: placements.length, unplaced, groups, decidedBy: "placement", survivable: false };
  }
  // The verdict reads the dependencies by index: no step gets its list of ids.
  const steps = stepsOf(ctx, "failover", placing, false);
  const strictSla = ctx.options.slaMode === "strict";
  const resources: Record<string, number> = {};
  for (const [key, limit] of steps.graph.limits) resources[key] = limit;
  const plan = { steps: steps.steps, resources };
  const judged = boundedSchedule(plan, { strictSla }, steps, (atMost) => groupEstimates(ctx, affected.vms, placements, steps.steps, atMost).every((g) => WITHIN.has(g.verdict)));
  if (judged.schedule === undefined) {
    const groups = groupEstimates(ctx, affected.vms, placements, steps.steps, judged.atMost).map(
      (g): ScenarioGroup => ({ name: g.name, lpars: g.lpars, ...budgetOf(g), verdict: g.verdict, rtoAtMostSeconds: g.estimatedRtoSeconds }),
    );
    return { affectedLpars: placements.length, unplaced, groups, decidedBy: "upper bound", makespanAtMostSeconds: maxOf(judged.atMost), survivable: true };
  }
  const groups = groupEstimates(ctx, affected.vms, placements, steps.steps, judged.schedule.finish);
  return {
    affectedLpars: placements.length,
    unplaced,
    groups,
    decidedBy: "schedule",
    makespanSeconds: judged.schedule.makespanSeconds,
    survivable: groups.every((g) => WITHIN.has(g.verdict)),
  };
}

function budgetOf(g: GroupEstimate): { rtoBudgetSeconds?: number } {
  return g.rtoBudgetSeconds !== undefined ? { rtoBudgetSeconds: g.rtoBudgetSeconds } : {};
}

function maxOf(values: Float64Array): number {
  let max = 0;
  for (let i = 0; i < values.length; i++) if (values[i] > max) max = values[i];
  return max;
}
