// Retries of operations that failed transiently. Retrying happens per operation (check the state,
// then act), not per HTTP request, so an operation that succeeded on the hardware before its
// answer was lost is seen as done on the next attempt instead of being sent twice blindly.

import type { Clock } from "../../clock";
import { AdapterError } from "../../errors";

export interface RetryPolicy {
  /** Attempts after the first. */
  readonly retries: number;
  /** Delay before the first retry; doubled each time, capped at maxDelayMs. */
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  readonly clock: Clock;
}

export async function withRetries<T>(policy: RetryPolicy, work: (attempt: number) => Promise<T>, onRetry?: (err: AdapterError, attempt: number) => void): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await work(attempt);
    } catch (err) {
      if (!(err instanceof AdapterError) || err.failure !== "transient" || attempt >= policy.retries) throw err;
      onRetry?.(err, attempt + 1);
      await policy.clock.sleep(Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt));
    }
  }
}
