// RTO prediction: Monte Carlo over the latency profile, under the executor's own dispatch. See
// predict.ts (the samples), apply.ts (into the plan), quantiles.ts (the one quantile definition).

import type { Plan } from "../generated/plan";
import { DEFAULT_CONFIDENCE, withPrediction } from "./apply";
import { predictRuns, type PredictOptions } from "./predict";

export { DEFAULT_CONFIDENCE, predictedRtoOf, withPrediction } from "./apply";
export { countsTowardsRto, DEFAULT_SAMPLES, predictRuns, predictUntilSettled, type PredictOptions, type Prediction, type SettleUntil } from "./predict";
export { scenarioPredictor, type ScenarioPredictOptions } from "./scenarios";
export { defaultProfile, profileLabel, type LatencyProfile } from "./profile";
export { checkConfidence, quantileOfSorted, rankOf, REPORTED_QUANTILES, unrecoveredShareOf } from "./quantiles";

export interface PredictPlanOptions extends PredictOptions {
  /** @default 0.95 */
  readonly confidence?: number;
}

/** `plan` with every group's predicted RTO and its verdict at the confidence, under the plan's own SLA mode unless told. */
export function predictPlan(plan: Plan, options: PredictPlanOptions = {}): Plan {
  const sla = options.sla ?? plan.estimate.slaMode ?? "strict";
  const confidence = options.confidence ?? DEFAULT_CONFIDENCE;
  const prediction = predictRuns(plan, { ...options, sla });
  return withPrediction(plan, prediction, confidence);
}
