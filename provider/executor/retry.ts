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
 * Time limits of many attempts. Attempts that start at the same instant with the same limit share
 * one timer (in a zero-latency run that is all of them), which is cancelled once every one of
 * them ended: 60,000 steps do not need 60,000 timers, and no timer outlives the run.
 */
export class Deadlines {
  private readonly groups = new Map<number, DeadlineGroup>();

  constructor(private readonly clock: Clock) {}

  /** Starts watching an attempt; `expired` resolves if it is still running at the deadline. */
  watch(ms: number): { readonly expired: Promise<void>; end(): void } {
    const at = this.clock.now() + ms;
    let group = this.groups.get(at);
    if (!group) {
      const cancel = new AbortController();
      const created: DeadlineGroup = { members: 0, cancel, expired: undefined as unknown as Promise<void> };
      created.expired = this.clock.sleep(ms, cancel.signal).then(() => {
        if (this.groups.get(at) === created) this.groups.delete(at);
        if (cancel.signal.aborted) return new Promise<void>(() => {});
      });
      this.groups.set(at, created);
      group = created;
    }
    const g = group;
    g.members++;
    let ended = false;
    return {
      expired: g.expired,
      end: () => {
        if (ended) return;
        ended = true;
        if (--g.members === 0) {
          if (this.groups.get(at) === g) this.groups.delete(at);
          g.cancel.abort(CANCELLED);
        }
      },
    };
  }
}

interface DeadlineGroup {
  members: number;
  readonly cancel: AbortController;
  expired: Promise<void>;
}

/** Abort reason of a cancelled timer (a constant: building an AbortError per abort is costly). */
const CANCELLED = Symbol("cancelled");

/**
 * Runs `work` with a time limit of the clock's time. On expiry the work's signal aborts (so it can
 * stop waiting) and the attempt fails with `onTimeout()`; a late result is ignored.
 */
export async function withTimeLimit<T>(
  deadlines: Deadlines,
  ms: number,
  work: (signal: () => AbortSignal) => Promise<T>,
  onTimeout: () => Error,
): Promise<T> {
  // The work's signal is made only if the step asks for it (hooks do; adapter calls do not).
  let workAbort: AbortController | undefined;
  const signal = () => (workAbort ??= new AbortController()).signal;
  const watch = deadlines.watch(ms);
  return new Promise<T>((resolve, reject) => {
    let settled = false;
    work(signal).then(
      (value) => {
        if (settled) return;
        settled = true;
        watch.end();
        resolve(value);
      },
      (err) => {
        if (settled) return; // a late failure after the timeout has nobody to report to
        settled = true;
        watch.end();
        reject(err);
      },
    );
    void watch.expired.then(() => {
      if (settled) return;
      settled = true;
      const err = onTimeout();
      workAbort?.abort(err);
      reject(err);
    });
  });
}
