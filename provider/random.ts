// Small seeded randomness for reproducible runs: retry jitter in the executor, generated
// datacenters in tests. (The simulator's latency draws hash their inputs instead: draw.ts.)

/** mulberry32's step: its state is a counter that moves by this much per number drawn. */
const MULBERRY_STEP = 0x6d2b79f5;

/** mulberry32: a small, fast, well-distributed 32-bit PRNG. Returns numbers in [0, 1). */
export function seededRandom(seed: number): () => number {
  return seededRandomAt(seed, 0);
}

/**
 * The stream of seededRandom(seed) with its first `skip` numbers passed over, in O(1): its state
 * is a counter. The RTO prediction's worker threads each draw their own range of samples from one
 * stream, so that the figures do not depend on how many threads drew them.
 */
export function seededRandomAt(seed: number, skip: number): () => number {
  let a = ((seed >>> 0) + Math.imul(skip >>> 0, MULBERRY_STEP)) >>> 0;
  return () => {
    a = (a + MULBERRY_STEP) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** FNV-1a hash of a string, to derive a per-step seed. */
export function hashString(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}
