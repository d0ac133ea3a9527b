// Adjacency lists in compressed rows: two typed arrays instead of one small array per step; and
// the typed-array helpers of the stages that work by step index. Plans of half a million steps
// spend more time collecting half a million arrays than using them.

import { doubled } from "../typed-arrays";

export interface Rows {
  /** Row i is items[first[i] .. first[i + 1]). */
  readonly first: Int32Array;
  readonly items: Int32Array;
}

/** Rows of `count` rows from the pairs (row[k], item[k]), items kept in the order given. */
export function rowsOf(count: number, row: ArrayLike<number>, item: ArrayLike<number>): Rows {
  const first = new Int32Array(count + 1);
  for (let k = 0; k < row.length; k++) first[row[k] + 1]++;
  for (let i = 0; i < count; i++) first[i + 1] += first[i];
  const fill = first.slice(0, count);
  const items = new Int32Array(row.length);
  for (let k = 0; k < row.length; k++) items[fill[row[k]]++] = item[k];
  return { first, items };
}

/** Pairs (row, item) collected one at a time in two growing typed arrays: no array per row. */
export class PairList {
  private row = new Int32Array(1024);
  private item = new Int32Array(1024);
  private count = 0;

  push(row: number, item: number): void {
    if (this.count === this.row.length) {
      this.row = doubled(this.row);
      this.item = doubled(this.item);
    }
    this.row[this.count] = row;
    this.item[this.count++] = item;
  }

  /** `count` rows, each with its items in the order pushed. */
  toRows(count: number): Rows {
    return rowsOf(count, this.row.subarray(0, this.count), this.item.subarray(0, this.count));
  }
}

/** Rows whose row k is row `order[k]` of `rows`. */
export function permuteRows(rows: Rows, order: Int32Array): Rows {
  const n = order.length;
  const first = new Int32Array(n + 1);
  for (let k = 0; k < n; k++) first[k + 1] = first[k] + rows.first[order[k] + 1] - rows.first[order[k]];
  const items = new Int32Array(first[n]);
  // A plain copy: rows hold a few items, and a subarray per row costs more than copying them.
  for (let k = 0; k < n; k++) for (let e = rows.first[order[k]], to = first[k]; e < rows.first[order[k] + 1]; e++) items[to++] = rows.items[e];
  return { first, items };
}

/** `values` in `order`: item k is values[order[k]]. */
export function permuted(values: Float64Array, order: Int32Array): Float64Array {
  const out = new Float64Array(order.length);
  for (let k = 0; k < order.length; k++) out[k] = values[order[k]];
  return out;
}

/** -values, by a plain loop (TypedArray.map calls a function per item). */
export function negated(values: Float64Array): Float64Array {
  const out = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = -values[i];
  return out;
}

export function rowLength(rows: Rows, i: number): number {
  return rows.first[i + 1] - rows.first[i];
}
