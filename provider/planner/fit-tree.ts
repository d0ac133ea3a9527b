// A segment tree over the systems of a placement pool. Each node keeps the largest free processor
// units and memory and the lowest restart load below it, so "the least-loaded system with room
// for this LPAR" is a branch-and-bound descent of O(log n) nodes in the common case, instead of a
// scan of every system for every LPAR.

/** Capacities are sums of decimals: treat a shortfall below this as none. */
const EPSILON = 1e-9;

export class FitTree {
  private readonly leaves: number;
  private readonly maxPu: Float64Array;
  private readonly maxMem: Float64Array;
  private readonly minLoad: Float64Array;
  private bestLoad = Infinity;
  private bestLeaf = -1;

  constructor(readonly count: number) {
    let leaves = 1;
    while (leaves < Math.max(count, 1)) leaves *= 2;
    this.leaves = leaves;
    this.maxPu = new Float64Array(2 * leaves).fill(-Infinity);
    this.maxMem = new Float64Array(2 * leaves).fill(-Infinity);
    this.minLoad = new Float64Array(2 * leaves).fill(Infinity);
  }

  set(i: number, pu: number, mem: number, load: number): void {
    let node = this.leaves + i;
    this.maxPu[node] = pu;
    this.maxMem[node] = mem;
    this.minLoad[node] = load;
    for (node >>= 1; node >= 1; node >>= 1) {
      const l = 2 * node;
      const r = l + 1;
      this.maxPu[node] = Math.max(this.maxPu[l], this.maxPu[r]);
      this.maxMem[node] = Math.max(this.maxMem[l], this.maxMem[r]);
      this.minLoad[node] = Math.min(this.minLoad[l], this.minLoad[r]);
    }
  }

  /** Every leaf at once (leaf i gets pu[i], mem[i], load[i]), the inner nodes in one pass from the leaves up. */
  fill(pu: Float64Array, mem: Float64Array, load: Float64Array): void {
    const base = this.leaves;
    this.maxPu.set(pu, base);
    this.maxMem.set(mem, base);
    this.minLoad.set(load, base);
    for (let node = base - 1; node >= 1; node--) {
      const l = 2 * node;
      const r = l + 1;
      this.maxPu[node] = Math.max(this.maxPu[l], this.maxPu[r]);
      this.maxMem[node] = Math.max(this.maxMem[l], this.maxMem[r]);
      this.minLoad[node] = Math.min(this.minLoad[l], this.minLoad[r]);
    }
  }

  /** The largest free processor units and memory of any one system (not necessarily the same one). */
  maxFree(): { pu: number; mem: number } {
    return { pu: this.maxPu[1], mem: this.maxMem[1] };
  }

  /**
   * The leaf with the lowest load among those with at least `pu` and `mem` free and not
   * `excluded`; among equal loads the leftmost. -1 when none fits.
   */
  best(pu: number, mem: number, excluded?: (leaf: number) => boolean): number {
    this.bestLoad = Infinity;
    this.bestLeaf = -1;
    this.search(1, pu - EPSILON, mem - EPSILON, excluded);
    return this.bestLeaf;
  }

  private search(node: number, pu: number, mem: number, excluded?: (leaf: number) => boolean): void {
    if (this.maxPu[node] < pu || this.maxMem[node] < mem) return;
    // Visiting left before right on equal bounds makes the leftmost of equal loads win.
    if (this.minLoad[node] >= this.bestLoad) return;
    if (node >= this.leaves) {
      const leaf = node - this.leaves;
      if (excluded?.(leaf)) return;
      this.bestLoad = this.minLoad[node];
      this.bestLeaf = leaf;
      return;
    }
    const l = 2 * node;
    const r = l + 1;
    if (this.minLoad[r] < this.minLoad[l]) {
      this.search(r, pu, mem, excluded);
      this.search(l, pu, mem, excluded);
    } else {
      this.search(l, pu, mem, excluded);
      this.search(r, pu, mem, excluded);
    }
  }
}
