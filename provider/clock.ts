// Time is injected wherever it passes, so the same executor and simulator run in wall time
// against hardware and in virtual (discrete-event) time in benchmarks.

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
  private timers: Timer[] = [];
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
      this.insert(timer);
      this.pump();
    });
  }

  /** Timers still waiting (for tests and diagnostics). */
  get pending(): number {
    return this.timers.length;
  }

  private insert(timer: Timer): void {
    // A binary min-heap ordered by (at, seq): equal wake-ups fire in FIFO order.
    const heap = this.timers;
    heap.push(timer);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!earlier(heap[i], heap[parent])) break;
      [heap[i], heap[parent]] = [heap[parent], heap[i]];
      i = parent;
    }
  }

  private popEarliest(): Timer | undefined {
    const heap = this.timers;
    if (heap.length === 0) return undefined;
    const top = heap[0];
    const last = heap.pop()!;
    if (heap.length > 0) {
      heap[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < heap.length && earlier(heap[l], heap[m])) m = l;
        if (r < heap.length && earlier(heap[r], heap[m])) m = r;
        if (m === i) break;
        [heap[i], heap[m]] = [heap[m], heap[i]];
        i = m;
      }
    }
    return top;
  }

  private pump(): void {
    if (this.pumping) return;
    this.pumping = true;
    setImmediate(() => {
      this.pumping = false;
      // Cancelled timers are dropped without moving time.
      let next = this.popEarliest();
      while (next?.cancelled) next = this.popEarliest();
      if (!next) return;
      this.current = Math.max(this.current, next.at);
      // Wake every timer due at the same instant together, then let their callbacks run.
      const due = [next];
      while (this.timers.length > 0 && this.timers[0].at <= this.current) due.push(this.popEarliest()!);
      for (const t of due) if (!t.cancelled) t.resolve();
      if (this.timers.length > 0) this.pump();
    });
  }
}

function earlier(a: Timer, b: Timer): boolean {
  return a.at < b.at || (a.at === b.at && a.seq < b.seq);
}
