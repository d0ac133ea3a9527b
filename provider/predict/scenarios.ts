// The N-1 check's predictions (planner/check.ts ScenarioRefiner): each failure's plan predicted
// until its verdict is settled (by default until the first group settled over its budget: the
// failure is then not survivable), on every core (pool.ts), while the next failures are planned.

import type { Plan } from "../generated/plan";
import type { ScenarioRefiner } from "../planner/check";
import { DEFAULT_CONFIDENCE, withPrediction } from "./apply";
import { SettlePool } from "./pool";
import { budgetsOf, DEFAULT_SAMPLES, predictionInput, sortedPrediction, type PredictOptions, type SettleUntil } from "./predict";
import { defaultProfile, profileLabel } from "./profile";

export interface ScenarioPredictOptions extends PredictOptions {
  /** @default 0.95 */
  readonly confidence?: number;
  /** @default "first-over" */
  readonly until?: SettleUntil;
}

export function scenarioPredictor(options: ScenarioPredictOptions = {}): ScenarioRefiner {
  const confidence = options.confidence ?? DEFAULT_CONFIDENCE;
  const profile = profileLabel(options.profile ?? defaultProfile());
  const pool = new SettlePool(options.threads);
  // The plans without their steps: the check reads placements, groups and the estimate, and 1,000 failures' steps need not stay in memory.
  const held: { plan: Plan; names: readonly string[] }[] = [];
  return {
    add(plan: Plan): void {
      const sla = options.sla ?? plan.estimate.slaMode ?? "strict";
      const input = predictionInput(plan, { ...options, sla });
      pool.add({ input, budgets: budgetsOf(plan, input.groupNames), confidence, samples: options.samples ?? DEFAULT_SAMPLES, seed: options.seed ?? 1, until: options.until ?? "first-over" });
      held.push({ plan: { ...plan, steps: [] }, names: input.groupNames });
    },
    finish(): Plan[] {
      const values = pool.finish();
      return held.map((h, k) => withPrediction(h.plan, sortedPrediction(h.names, values[k], profile, pool.threadsUsed), confidence));
    },
  };
}
