// Timed transitions of the simulated hardware (a job's end, an OS that finishes booting, an
// injected crash), ordered by (time, sequence) so that every process applies them in the same order.

import { Heap } from "../../heap";

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

/** Timed events in (time, sequence) order. */
export class EventQueue {
  private heap = new Heap<TimedEvent>(earlier);

  constructor(events: readonly TimedEvent[] = []) {
    for (const e of events) this.push(e);
  }

  get size(): number {
    return this.heap.size;
  }

  peek(): TimedEvent | undefined {
    return this.heap.peek();
  }

  push(event: TimedEvent): void {
    this.heap.push(event);
  }

  pop(): TimedEvent | undefined {
    return this.heap.pop();
  }

  /** Drops the events `drop` selects. */
  removeWhere(drop: (e: TimedEvent) => boolean): void {
    const kept = this.heap.unordered().filter((e) => !drop(e));
    this.heap = new Heap<TimedEvent>(earlier);
    for (const e of kept) this.push(e);
  }

  /** The events in time order (for persisting and for tests). */
  toArray(): TimedEvent[] {
    return this.heap.unordered().sort((a, b) => (earlier(a, b) ? -1 : earlier(b, a) ? 1 : 0));
  }
}
