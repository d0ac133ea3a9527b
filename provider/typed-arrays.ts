// Growth of the typed arrays that heaps and pair lists keep their entries in (no array per entry).

/** A copy of `a` in a typed array of twice its length. */
export function doubled(a: Int32Array): Int32Array<ArrayBuffer>;
export function doubled(a: Float64Array): Float64Array<ArrayBuffer>;
export function doubled(a: Int32Array | Float64Array): Int32Array<ArrayBuffer> | Float64Array<ArrayBuffer> {
  const out = a instanceof Int32Array ? new Int32Array(a.length * 2) : new Float64Array(a.length * 2);
  out.set(a);
  return out;
}
