// A prediction written into the plan: each group's predicted RTO and the makespan at p50 / p90 /
// p95 / p99, and each group's verdict taken at the confidence (its RTO quantile at the confidence
// against its budget) in place of the median schedule's.

import type { Estimate, GroupEstimate, Plan, PredictedRto } from "../generated/plan";
import type { Prediction } from "./predict";
import { quantileOfSorted, REPORTED_QUANTILES, unrecoveredShareOf } from "./quantiles";

export const DEFAULT_CONFIDENCE = 0.95;

/** A quantile as the plan writes it: null past the samples that came up (Infinity: not up without an operator). */
function secondsOrNull(seconds: number): number | null {
  return Number.isFinite(seconds) ? seconds : null;
}

/**
 * The reported quantiles of one sorted sample, with the quantile at `confidence` and the share of
 * samples not up without an operator (the Infinity at the sample's end).
 */
export function predictedRtoOf(sorted: Float64Array, prediction: Pick<Prediction, "samples" | "profile">, confidence: number): PredictedRto {
  const out = { samples: prediction.samples, profile: prediction.profile } as PredictedRto;
  for (const { q, field } of REPORTED_QUANTILES) out[field] = secondsOrNull(quantileOfSorted(sorted, q));
  out.atConfidenceSeconds = secondsOrNull(quantileOfSorted(sorted, confidence));
  out.unrecoveredShare = unrecoveredShareOf(sorted);
  return out;
}

/** `plan` with the prediction's figures and every budgeted group's verdict at `confidence`. */
export function withPrediction(plan: Plan, prediction: Prediction, confidence: number): Plan {
  const groups: GroupEstimate[] = plan.groups.map((g) => {
    const sample = prediction.groups.get(g.name);
    if (sample === undefined) return g;
    const predictedRto = predictedRtoOf(sample, prediction, confidence);
    // Infinity (not up without an operator in that many samples) is over any budget.
    const atConfidence = quantileOfSorted(sample, confidence);
    const verdict: GroupEstimate["verdict"] =
      g.verdict === "unplaceable" || g.rtoBudgetSeconds === undefined ? g.verdict : atConfidence <= g.rtoBudgetSeconds ? "within" : "over";
    return { ...g, predictedRto, verdict };
  });
  const estimate: Estimate = { ...plan.estimate, predictedMakespan: predictedRtoOf(prediction.makespan, prediction, confidence), confidence };
  return { ...plan, groups, estimate };
}
