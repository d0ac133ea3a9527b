// Wording shared by every user-facing message: one place decides how a count reads.

/**
 * A count and its noun, singular for exactly one: `plural(1, "replica")` is "1 replica",
 * `plural(3, "replica")` "3 replicas", `plural(2, "VIOS", "VIOS")` "2 VIOS".
 * @param many The plural form. @default `${one}s`
 */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** What a predicted quantile reads when more than its share of the runs is not up without an operator (a step failed every attempt): the plan's null. */
export const NOT_UP = "not up";

/** A predicted quantile in words: `format(seconds)`, or NOT_UP for null. @param format @default "N s", rounded */
export function predictedSeconds(seconds: number | null, format: (s: number) => string = (s) => `${Math.round(s)} s`): string {
  return seconds === null ? NOT_UP : format(seconds);
}

/** ", 6.5% of runs not up without an operator (a step fails every attempt)", or "" when none: the share behind a prediction's nulls. */
export function unrecoveredPhrase(share: number | undefined): string {
  if (share === undefined || share <= 0) return "";
  return `; ${+(share * 100).toFixed(2)}% of runs not up without an operator (a step fails every attempt)`;
}
