// Timed transitions of the simulated hardware (a job's end, an OS that finishes booting, an
// injected crash), ordered by (time, sequence) so that every process applies them in the same order.

export type TimedTransition =
  | { readonly type: "jobEnd"; readonly jobId: string }
  | { readonly type: "booted"; readonly lparId: string; readonly host: string }
  /** An injected crash; `key` ("host@clockMs") ties it to its entry in simulation.faults.hostCrashes. */
  | { readonly type: "crash"; readonly host: string; readonly key?: string };

export interface TimedEvent {
  readonly at: number;
  readonly seq: number;
  readonly transition: TimedTransition;
}

function earlier(a: TimedEvent, b: TimedEvent): boolean {
  return a.at < b.at || (a.at === b.at && a.seq < b.seq);
}

/** A binary min-heap of timed events. */
export class EventQueue {
  private readonly heap: TimedEvent[] = [];

  constructor(events: readonly TimedEvent[] = []) {
    for (const e of events) this.push(e);
  }

  get size(): number {
    return this.heap.length;
  }

  peek(): TimedEvent | undefined {
    return this.heap[0];
  }

  push(event: TimedEvent): void {
    const heap = this.heap;
    heap.push(event);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!earlier(heap[i], heap[parent])) break;
      [heap[i], heap[parent]] = [heap[parent], heap[i]];
      i = parent;
    }
  }

  pop(): TimedEvent | undefined {
    const heap = this.heap;
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

  /** Drops the events `drop` selects. */
  removeWhere(drop: (e: TimedEvent) => boolean): void {
    const kept = this.heap.filter((e) => !drop(e));
    this.heap.length = 0;
    for (const e of kept) this.push(e);
  }

  /** The events in time order (for persisting and for tests). */
  toArray(): TimedEvent[] {
    return [...this.heap].sort((a, b) => (earlier(a, b) ? -1 : earlier(b, a) ? 1 : 0));
  }
}
