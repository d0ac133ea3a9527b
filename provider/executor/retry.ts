// Retries and time limits. Backoff is exponential with "equal jitter" (half fixed, half random)
// from a PRNG seeded per run and step, so a run's delays can be reproduced exactly.

import type { Clock } from "../clock";
import { ExecutionError } from "../errors";
import { Heap } from "../heap";
export { hashString, seededRandom } from "../random";
import type { RetryPolicy } from "./types";

/** The back-off's ceiling after attempt `failedAttempt`: base * factor^(n-1), capped. */
export function backoffCeilingMs(policy: RetryPolicy, failedAttempt: number): number {
  return Math.min(policy.maxDelayMs, policy.baseDelayMs * Math.pow(policy.factor, failedAttempt - 1));
}

/** Delay before attempt `failedAttempt + 1`: its ceiling with equal jitter (half fixed, half random). */
export function backoffDelayMs(policy: RetryPolicy, failedAttempt: number, random: () => number): number {
  const ceiling = backoffCeilingMs(policy, failedAttempt);
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
 * Time limits of many attempts with one timer: deadlines wait in a heap and a single watchdog
 * sleeps until the earliest. Creating a timer (and an AbortController to cancel it) per attempt
 * costs more than the rest of a zero-latency step; ended attempts are dropped lazily.
 */
export class Deadlines {
  private readonly heap = new Heap<Deadline>((a, b) => a.at < b.at || (a.at === b.at && a.seq < b.seq));
  private seq = 0;
  private armedAt = Infinity;
  private readonly stopped = new AbortController();

  constructor(private readonly clock: Clock) {}

  /** Calls `onExpire` if the returned `end` has not been called `ms` from now. */
  watch(ms: number, onExpire: () => void): () => void {
    const deadline: Deadline = { at: this.clock.now() + ms, seq: this.seq++, onExpire, ended: false };
    this.heap.push(deadline);
    if (deadline.at < this.armedAt) this.arm(deadline.at);
    return () => {
      deadline.ended = true;
    };
  }

  /** Cancels the watchdog: no timer outlives the run. */
  stop(): void {
    this.stopped.abort(CANCELLED);
  }

  private arm(at: number): void {
    this.armedAt = at;
    void this.clock.sleep(Math.max(0, at - this.clock.now()), this.stopped.signal).then(() => this.fire(at));
  }

  private fire(armedFor: number): void {
    if (this.stopped.signal.aborted) return;
    if (armedFor === this.armedAt) this.armedAt = Infinity;
    const now = this.clock.now();
    for (let top = this.heap.peek(); top && (top.ended || top.at <= now); top = this.heap.peek()) {
      this.heap.pop();
      if (!top.ended) top.onExpire();
    }
    const next = this.heap.peek();
    if (next && next.at < this.armedAt) this.arm(next.at);
  }
}

interface Deadline {
  readonly at: number;
  readonly seq: number;
  readonly onExpire: () => void;
  ended: boolean;
}

/** Abort reason of the cancelled watchdog (a constant: building an AbortError per abort is costly). */
const CANCELLED = Symbol("cancelled");

/**
 * Runs `work` with a time limit of the clock's time. On expiry the work's signal aborts (so it can
 * stop waiting) and the attempt fails with `onTimeout()`; a late result is ignored.
 */
export function withTimeLimit<T>(
  deadlines: Deadlines,
  ms: number,
  work: (signal: () => AbortSignal) => Promise<T>,
  onTimeout: () => Error,
): Promise<T> {
  // The work's signal is made only if the step asks for it (hooks do; adapter calls do not).
  let workAbort: AbortController | undefined;
  const signal = () => (workAbort ??= new AbortController()).signal;
  return new Promise<T>((resolve, reject) => {
    let settled = false;
    const end = deadlines.watch(ms, () => {
      if (settled) return;
      settled = true;
      const err = onTimeout();
      workAbort?.abort(err);
      reject(err);
    });
    let running: Promise<T>;
    try {
      running = work(signal);
    } catch (err) {
      settled = true;
      end();
      reject(err);
      return;
    }
    running.then(
      (value) => {
        if (settled) return;
        settled = true;
        end();
        resolve(value);
      },
      (err) => {
        if (settled) return; // a late failure after the timeout has nobody to report to
        settled = true;
        end();
        reject(err);
      },
    );
  });
}
