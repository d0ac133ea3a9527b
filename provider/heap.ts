// A binary min-heap under a caller's ordering: the executor's ready and wait queues, the virtual
// clock's timers and the simulator's timed events, each O(log n) per operation.

import { doubled } from "./typed-arrays";

export class Heap<T> {
  private readonly items: T[] = [];

  /** `before(a, b)` is true when `a` must come out first. */
  constructor(private readonly before: (a: T, b: T) => boolean) {}

  get size(): number {
    return this.items.length;
  }

  /** The items in no particular order (a copy). */
  unordered(): T[] {
    return [...this.items];
  }

  peek(): T | undefined {
    return this.items[0];
  }

  push(item: T): void {
    // Sifts a hole rather than swapping pairs: the same comparisons, fewer writes.
    const items = this.items;
    let i = items.length;
    items.push(item);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const above = items[parent];
      if (!this.before(item, above)) break;
      items[i] = above;
      i = parent;
    }
    items[i] = item;
  }

  pop(): T | undefined {
    const items = this.items;
    if (items.length === 0) return undefined;
    const top = items[0];
    const last = items.pop() as T;
    const n = items.length;
    if (n > 0) {
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= n) break;
        const r = l + 1;
        let m = i;
        let best = last;
        if (this.before(items[l], best)) {
          m = l;
          best = items[l];
        }
        if (r < n && this.before(items[r], best)) {
          m = r;
          best = items[r];
        }
        if (m === i) break;
        items[i] = best;
        i = m;
      }
      items[i] = last;
    }
    return top;
  }
}

/**
 * A min-heap of indexes (non-negative integers) ordered by two numeric keys, then by the index: the
 * planner's hot loops over a few hundred thousand steps, without a closure call per comparison.
 * The keys of an index must not change while it is in the heap. Its sift loops are Heap's,
 * written again around an inlined comparison: calling a comparison function per step is what
 * this class exists to avoid.
 */
export class IndexHeap {
  private items: Int32Array;
  private count = 0;

  constructor(
    private readonly first: Float64Array,
    private readonly second?: Float64Array,
    capacity = 16,
  ) {
    this.items = new Int32Array(Math.max(1, capacity));
  }

  get size(): number {
    return this.count;
  }

  /** The smallest index, or -1 when empty. */
  peek(): number {
    return this.count > 0 ? this.items[0] : -1;
  }

  private before(a: number, b: number): boolean {
    const fa = this.first[a];
    const fb = this.first[b];
    if (fa !== fb) return fa < fb;
    if (this.second !== undefined) {
      const sa = this.second[a];
      const sb = this.second[b];
      if (sa !== sb) return sa < sb;
    }
    return a < b;
  }

  push(item: number): void {
    if (this.count === this.items.length) this.items = doubled(this.items);
    const items = this.items;
    let i = this.count++;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const above = items[parent];
      if (!this.before(item, above)) break;
      items[i] = above;
      i = parent;
    }
    items[i] = item;
  }

  /** Empties the heap, keeping its storage (a caller that refills it many times). */
  clear(): void {
    this.count = 0;
  }

  /** Removes and returns the smallest index, or -1 when empty. */
  pop(): number {
    if (this.count === 0) return -1;
    const items = this.items;
    const top = items[0];
    const n = --this.count;
    const last = items[n];
    if (n > 0) {
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= n) break;
        const r = l + 1;
        let m = i;
        let best = last;
        if (this.before(items[l], best)) {
          m = l;
          best = items[l];
        }
        if (r < n && this.before(items[r], best)) {
          m = r;
          best = items[r];
        }
        if (m === i) break;
        items[i] = best;
        i = m;
      }
      items[i] = last;
    }
    return top;
  }
}

/**
 * A min-heap of non-negative integers by their own value: the executor's ready and wait queues
 * hold each step's rank in the dispatch order (a permutation fixed per plan), so a comparison
 * reads the heap's own array, not a key array indexed by step (on 100,000 steps those lookups
 * miss the cache and cost more than the rest of the dispatch).
 */
export class RankHeap {
  private items = new Int32Array(16);
  private count = 0;

  get size(): number {
    return this.count;
  }

  push(rank: number): void {
    if (this.count === this.items.length) this.items = doubled(this.items);
    const items = this.items;
    let i = this.count++;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const above = items[parent];
      if (above <= rank) break;
      items[i] = above;
      i = parent;
    }
    items[i] = rank;
  }

  clear(): void {
    this.count = 0;
  }

  /** Removes and returns the smallest rank, or -1 when empty. */
  pop(): number {
    if (this.count === 0) return -1;
    const items = this.items;
    const top = items[0];
    const n = --this.count;
    const last = items[n];
    if (n > 0) {
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= n) break;
        let m = l;
        if (l + 1 < n && items[l + 1] < items[l]) m = l + 1;
        if (items[m] >= last) break;
        items[i] = items[m];
        i = m;
      }
      items[i] = last;
    }
    return top;
  }
}

/**
 * A min-heap of indexes by a time held beside each (then by index): the prediction's running
 * steps by their end, the time kept in the heap so that a comparison reads no array indexed by step.
 */
export class TimedHeap {
  private times = new Float64Array(16);
  private items = new Int32Array(16);
  private count = 0;

  get size(): number {
    return this.count;
  }

  push(item: number, time: number): void {
    if (this.count === this.items.length) {
      this.times = doubled(this.times);
      this.items = doubled(this.items);
    }
    const { times, items } = this;
    let i = this.count++;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const t = times[parent];
      if (t < time || (t === time && items[parent] < item)) break;
      times[i] = t;
      items[i] = items[parent];
      i = parent;
    }
    times[i] = time;
    items[i] = item;
  }

  clear(): void {
    this.count = 0;
  }

  /** Removes and returns the index of the earliest time, or -1 when empty. */
  pop(): number {
    if (this.count === 0) return -1;
    const { times, items } = this;
    const top = items[0];
    const n = --this.count;
    const lastTime = times[n];
    const last = items[n];
    if (n > 0) {
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= n) break;
        let m = l;
        const r = l + 1;
        if (r < n && (times[r] < times[l] || (times[r] === times[l] && items[r] < items[l]))) m = r;
        if (times[m] < lastTime || (times[m] === lastTime && items[m] < last)) {
          times[i] = times[m];
          items[i] = items[m];
          i = m;
        } else break;
      }
      times[i] = lastTime;
      items[i] = last;
    }
    return top;
  }
}
