// A binary min-heap under a caller's ordering: the executor's ready and wait queues, the virtual
// clock's timers and the simulator's timed events, each O(log n) per operation.

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
