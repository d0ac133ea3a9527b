// Time is injected wherever it passes, so the same executor and simulator run in wall time
// against hardware and in virtual (discrete-event) time in benchmarks.

import { Heap } from "./heap";

export interface Clock {
  /** Milliseconds since an arbitrary origin. */
  now(): number;
  /**
   * Resolves after `ms` milliseconds of this clock's time, or as soon as `signal` aborts (then the
   * timer is dropped: a cancelled timeout neither keeps the process alive nor moves virtual time).
   */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export class WallClock implements Clock {
  now(): number {
    return Date.now();
  }
  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      if (signal?.aborted) return resolve();
      // setTimeout truncates a fractional delay and measures from the event loop's cached time,
      // so it can fire before `ms` have passed by Date.now(): re-arm until the deadline is reached,
      // so a sleeper never wakes before the time it waited for.
      const deadline = Date.now() + Math.max(0, ms);
      let timer: NodeJS.Timeout;
      const done = () => {
        clearTimeout(timer);
        signal?.removeEventListener("abort", done);
        resolve();
      };
      const arm = (): void => {
        const left = deadline - Date.now();
        if (left <= 0 || signal?.aborted) return done();
        timer = setTimeout(arm, Math.ceil(left));
      };
      signal?.addEventListener("abort", done, { once: true });
      // Even a zero delay waits for the timers phase, as setTimeout callers expect.
      timer = setTimeout(arm, Math.ceil(Math.max(0, ms)));
    });
  }
}

interface Timer {
  at: number;
  seq: number;
  resolve: () => void;
  cancelled?: boolean;
}

/**
 * Discrete-event time. Sleepers wait in a queue; once the process has nothing else to do
 * (checked with setImmediate, after all pending promise callbacks have run), time jumps to the
 * earliest wake-up. Work that waits on real I/O must not run under it: use it with in-memory
 * stores only.
 */
export class VirtualClock implements Clock {
  private current: number;
  private seq = 0;
  // Ordered by (at, seq): equal wake-ups fire in FIFO order.
  private readonly timers = new Heap<Timer>(earlier);
  private pumping = false;

  constructor(start = 0) {
    this.current = start;
  }

  now(): number {
    return this.current;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      if (signal?.aborted) return resolve();
      const timer: Timer = { at: this.current + Math.max(0, ms), seq: this.seq++, resolve };
      if (signal) {
        const cancel = () => {
          timer.cancelled = true;
          resolve();
        };
        signal.addEventListener("abort", cancel, { once: true });
        timer.resolve = () => {
          signal.removeEventListener("abort", cancel);
          resolve();
        };
      }
      this.timers.push(timer);
      this.pump();
    });
  }

  /** Timers still waiting (for tests and diagnostics). */
  get pending(): number {
    return this.timers.size;
  }

  private pump(): void {
    if (this.pumping) return;
    this.pumping = true;
    setImmediate(() => {
      this.pumping = false;
      // Cancelled timers are dropped without moving time.
      let next = this.timers.pop();
      while (next?.cancelled) next = this.timers.pop();
      if (!next) return;
      this.current = Math.max(this.current, next.at);
      // Wake every timer due at the same instant together, then let their callbacks run.
      const due = [next];
      while ((this.timers.peek()?.at ?? Infinity) <= this.current) due.push(this.timers.pop()!);
      for (const t of due) if (!t.cancelled) t.resolve();
      if (this.timers.size > 0) this.pump();
    });
  }
}

function earlier(a: Timer, b: Timer): boolean {
  return a.at < b.at || (a.at === b.at && a.seq < b.seq);
}
