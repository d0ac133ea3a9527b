// When a verdict at a confidence is settled by the samples drawn so far, so that the N-1 check
// (one prediction per failure) stops drawing: an exact binomial test, looked at after a growing
// number of samples. A group is within its budget at confidence c when at most a share
// p0 = 1 - c of its runs end past the budget. Of m samples, k ended past it: were the true share
// p0 exactly, a k that small (or that large) would come up less often than the tail allowed per
// look, so the verdict is taken as settled. The tail per look is SETTLE_ERROR shared evenly over
// the looks (Bonferroni): at the boundary, the chance that any look settles the wrong way is at
// most SETTLE_ERROR. (A normal approximation with looks every 200 samples, used before, drew 400
// samples for a group with one or two of its first 200 over the budget; this test settles it at
// 243 or 304 of 1,000.)

/** The chance, at most, that a group exactly at its boundary is settled the wrong way by some look. */
export const SETTLE_ERROR = 0.01;

/** The first look at the verdicts (a group far past its budget is settled there), and how much more each look has than the last. */
const FIRST_LOOK = 25;
const LOOK_GROWTH = 1.25;

/** P(X <= k) for X ~ Binomial(m, p), summed in logarithms (no underflow at large m). */
export function binomialAtMost(k: number, m: number, p: number): number {
  if (k < 0) return 0;
  if (k >= m) return 1;
  if (p <= 0) return 1;
  if (p >= 1) return 0;
  let logTerm = m * Math.log1p(-p);
  const ratio = Math.log(p) - Math.log1p(-p);
  let sum = Math.exp(logTerm);
  for (let j = 0; j < k; j++) {
    logTerm += Math.log(m - j) - Math.log(j + 1) + ratio;
    sum += Math.exp(logTerm);
  }
  return Math.min(1, sum);
}

/** The sample counts to look at the verdicts at, up to `samples`: 25, growing by a quarter each time, and the last. */
export function looks(samples: number): number[] {
  const at: number[] = [];
  for (let m = FIRST_LOOK; m < samples; m = Math.ceil(m * LOOK_GROWTH)) at.push(m);
  at.push(samples);
  return at;
}

/** The tail a verdict must be in to settle at one look of `samples`' schedule. */
export function tailPerLook(samples: number): number {
  return SETTLE_ERROR / looks(samples).length;
}

/** The verdict of `m` samples with `over` of them past the budget, when settled at `tail`; undefined while it could go either way. */
export function settledVerdict(over: number, m: number, confidence: number, tail: number): "within" | "over" | undefined {
  const p0 = 1 - confidence;
  if (binomialAtMost(over, m, p0) < tail) return "within";
  if (1 - binomialAtMost(over - 1, m, p0) < tail) return "over";
  return undefined;
}
