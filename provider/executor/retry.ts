// Retries and time limits. Backoff is exponential with "equal jitter" (half fixed, half random)
// from a PRNG seeded per run and step, so a run's delays can be reproduced exactly.

import type { Clock } from "../clock";
import { ExecutionError } from "../errors";
import type { RetryPolicy } from "./types";

/** mulberry32: a small, fast, well-distributed 32-bit PRNG. Returns numbers in [0, 1). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** FNV-1a hash of a string, to derive a per-step seed. */
export function hashString(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** Delay before attempt `failedAttempt + 1`: base * factor^(n-1), capped, then equal jitter. */
export function backoffDelayMs(policy: RetryPolicy, failedAttempt: number, random: () => number): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * Math.pow(policy.factor, failedAttempt - 1));
  return ceiling / 2 + random() * (ceiling / 2);
}

/** An attempt ran past its time limit. */
export class StepTimeoutError extends ExecutionError {
  constructor(
    readonly stepId: string,
    readonly seconds: number,
    lpars: readonly string[],
  ) {
    super(`step ${stepId} did not finish within ${seconds} s`, lpars);
    this.name = "StepTimeoutError";
  }
}

/**
 * Runs `work` with a time limit of the clock's time. On expiry the work's signal aborts (so it can
 * stop waiting) and the attempt fails with StepTimeoutError; a late result is ignored.
 */
export async function withTimeLimit<T>(
  clock: Clock,
  ms: number,
  work: (signal: AbortSignal) => Promise<T>,
  onTimeout: () => Error,
): Promise<T> {
  const workAbort = new AbortController();
  const timerAbort = new AbortController();
  const running = work(workAbort.signal);
  running.catch(() => {}); // a late failure after the timeout has nobody to report to
  const expired = clock.sleep(ms, timerAbort.signal).then(() => {
    if (timerAbort.signal.aborted) return undefined as never;
    workAbort.abort();
    throw onTimeout();
  });
  try {
    return await Promise.race([running, expired]);
  } finally {
    timerAbort.abort();
  }
}
