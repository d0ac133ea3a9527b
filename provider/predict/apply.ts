// A prediction written into the plan: each group's predicted RTO and the makespan at p50 / p90 /
// p95 / p99, and each group's verdict taken at the confidence (its RTO quantile at the confidence
// against its budget) in place of the median schedule's.

import type { Estimate, GroupEstimate, Plan, PredictedRto } from "../generated/plan";
import type { Prediction } from "./predict";
import { quantileOfSorted, REPORTED_QUANTILES } from "./quantiles";

export const DEFAULT_CONFIDENCE = 0.95;

/** The reported quantiles of one sorted sample, with the quantile at `confidence`. */
export function predictedRtoOf(sorted: Float64Array, prediction: Pick<Prediction, "samples" | "profile">, confidence: number): PredictedRto {
  const out = { samples: prediction.samples, profile: prediction.profile } as PredictedRto;
  for (const { q, field } of REPORTED_QUANTILES) out[field] = quantileOfSorted(sorted, q);
  out.atConfidenceSeconds = quantileOfSorted(sorted, confidence);
  return out;
}

/** `plan` with the prediction's figures and every budgeted group's verdict at `confidence`. */
export function withPrediction(plan: Plan, prediction: Prediction, confidence: number): Plan {
  const groups: GroupEstimate[] = plan.groups.map((g) => {
    const sample = prediction.groups.get(g.name);
    if (sample === undefined) return g;
    const predictedRto = predictedRtoOf(sample, prediction, confidence);
    const atConfidence = quantileOfSorted(sample, confidence);
    const verdict: GroupEstimate["verdict"] =
      g.verdict === "unplaceable" || g.rtoBudgetSeconds === undefined ? g.verdict : atConfidence <= g.rtoBudgetSeconds ? "within" : "over";
    return { ...g, predictedRto, verdict };
  });
  const estimate: Estimate = { ...plan.estimate, predictedMakespan: predictedRtoOf(prediction.makespan, prediction, confidence), confidence };
  return { ...plan, groups, estimate };
}
