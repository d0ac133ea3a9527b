// Quantiles of a sample, the figures every prediction reports. One definition everywhere (the
// plan, the check, the drill report, the benchmarks): the nearest-rank quantile of the sorted
// sample, so that a quantile is always a value that was drawn.

import { ValidationError } from "../errors";
import { show } from "../validation";

/** The quantiles a prediction reports, as fractions, and the field each one fills. */
export const REPORTED_QUANTILES = [
  { q: 0.5, field: "p50Seconds" },
  { q: 0.9, field: "p90Seconds" },
  { q: 0.95, field: "p95Seconds" },
  { q: 0.99, field: "p99Seconds" },
] as const;

/**
 * The nearest-rank q-quantile of an ascending sample: the smallest value v with at least q of
 * the sample <= v. For q in (0, 1]; q = 0 gives the minimum.
 */
export function quantileOfSorted(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (n === 0) throw new RangeError("the quantile of an empty sample is undefined");
  const rank = Math.ceil(q * n - 1e-9);
  return sorted[Math.min(n - 1, Math.max(0, rank - 1))];
}

/** The share of an ascending sample that is Infinity: the runs not up without an operator (a step failed every attempt). */
export function unrecoveredShareOf(sorted: ArrayLike<number>): number {
  return 1 - rankOf(sorted, Number.MAX_VALUE);
}

/** The share of an ascending sample at or below `value`: where a measurement falls in the prediction. */
export function rankOf(sorted: ArrayLike<number>, value: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid] <= value) lo = mid + 1;
    else hi = mid;
  }
  return sorted.length === 0 ? 0 : lo / sorted.length;
}

/** `value` when it lies in (0, 1), else a ValidationError naming `name`. */
export function checkConfidence(raw: number | string, name = "--confidence"): number {
  const value = typeof raw === "number" ? raw : raw.trim() === "" ? NaN : Number(raw);
  if (!Number.isFinite(value) || value <= 0 || value >= 1) {
    throw new ValidationError("confidence", [
      {
        path: name,
        message: `\`${name}\` is ${show(raw)}; it must be a number strictly between 0 and 1 (0.95: the budget must hold in 95% of the predicted runs)`,
      },
    ]);
  }
  return value;
}

/** The standard normal CDF (Abramowitz and Stegun 26.2.17, |error| < 7.5e-8). */
export function normalCdf(z: number): number {
  const t = 1 / (1 + 0.2316419 * Math.abs(z));
  const poly = t * (0.31938153 + t * (-0.356563782 + t * (1.781477937 + t * (-1.821255978 + t * 1.330274429))));
  const upper = Math.exp(-z * z / 2) / Math.sqrt(2 * Math.PI) * poly;
  return z >= 0 ? 1 - upper : upper;
}

/** z-scores of the reported quantiles, in REPORTED_QUANTILES' order. */
const REPORTED_Z = [0, 1.2815515655446004, 1.6448536269514722, 2.3263478740408408];

/**
 * Where `seconds` falls in a prediction known only by its reported quantiles: the z-score
 * interpolated linearly in log(seconds) between them (exact for a lognormal), extended past the
 * ends by the nearest segment, then turned into a share. For a report read long after the run.
 * A null quantile (that share of the runs or more not up without an operator) is past every run
 * that came up: the share is taken from the quantiles before it, and is at most the share of runs
 * that came up (`unrecoveredShare`).
 */
export function quantileWithin(
  p: { p50Seconds: number | null; p90Seconds: number | null; p95Seconds: number | null; p99Seconds: number | null; unrecoveredShare?: number },
  seconds: number,
): number {
  const known = [p.p50Seconds, p.p90Seconds, p.p95Seconds, p.p99Seconds];
  const up = 1 - (p.unrecoveredShare ?? 0);
  // Nulls are a suffix: the quantiles ascend and null is the highest.
  const finite = known.findIndex((v) => v === null);
  const count = finite < 0 ? known.length : finite;
  if (count === 0) return up;
  const points = (known.slice(0, count) as number[]).map((v) => Math.log(Math.max(v, 1e-9)));
  const x = Math.log(Math.max(seconds, 1e-9));
  if (count === 1) return Math.min(up, x <= points[0] ? REPORTED_QUANTILES[0].q : up);
  let k = 0;
  while (k < points.length - 2 && x > points[k + 1]) k++;
  const span = points[k + 1] - points[k];
  if (span <= 0) return Math.min(up, x < points[k] ? 0 : x > points[k + 1] ? 1 : REPORTED_QUANTILES[k + 1].q);
  const z = REPORTED_Z[k] + ((x - points[k]) / span) * (REPORTED_Z[k + 1] - REPORTED_Z[k]);
  return Math.min(up, normalCdf(z));
}
