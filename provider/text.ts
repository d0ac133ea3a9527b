// Wording shared by every user-facing message: one place decides how a count reads.

/**
 * A count and its noun, singular for exactly one: `plural(1, "replica")` is "1 replica",
 * `plural(3, "replica")` "3 replicas", `plural(2, "VIOS", "VIOS")` "2 VIOS".
 * @param many The plural form. @default `${one}s`
 */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}
