// Growth of the typed arrays that heaps and pair lists keep their entries in (no array per entry).

/** A copy of `a` in a typed array of twice its length. */
export function doubled(a: Int32Array): Int32Array<ArrayBuffer>;
export function doubled(a: Float64Array): Float64Array<ArrayBuffer>;
export function doubled(a: Int32Array | Float64Array): Int32Array<ArrayBuffer> | Float64Array<ArrayBuffer> {
  const out = a instanceof Int32Array ? new Int32Array(a.length * 2) : new Float64Array(a.length * 2);
  out.set(a);
  return out;
}

/** Lists of indexes as one flat array and where each list starts in it (list i: items[first[i] .. first[i + 1])). */
export interface FlatLists {
  readonly first: Int32Array;
  readonly items: Int32Array;
}

export function flattened(lists: readonly (readonly number[])[]): FlatLists {
  const first = new Int32Array(lists.length + 1);
  for (let i = 0; i < lists.length; i++) first[i + 1] = first[i] + lists[i].length;
  const items = new Int32Array(first[lists.length]);
  for (let i = 0; i < lists.length; i++) items.set(lists[i], first[i]);
  return { first, items };
}

/** The lists back from flattened(). */
export function unflattened({ first, items }: FlatLists): number[][] {
  const lists: number[][] = [];
  for (let i = 0; i + 1 < first.length; i++) {
    // A loop, not Array.from(items.subarray(...)): a view object per list cost more than the copy.
    const list: number[] = [];
    for (let e = first[i]; e < first[i + 1]; e++) list.push(items[e]);
    lists.push(list);
  }
  return lists;
}
