// Deterministic randomness: a draw depends only on (seed, operation, object, attempt, purpose),
// never on the order in which processes or promises happen to run.

import { resolveLatencies, sampleSeconds, type LatencyTable, type Operation } from "../../model/latency";
import type { SimState } from "./state";

/** cyrb53: a fast, well-mixed 53-bit string hash. */
function hash53(text: string, seed = 0): number {
  let h1 = 0xdeadbeef ^ seed;
  let h2 = 0x41c6ce57 ^ seed;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507);
  h1 ^= Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507);
  h2 ^= Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}

/** A number in (0, 1) fixed by its inputs. */
export function uniform(seed: number, ...parts: readonly (string | number)[]): number {
  return (hash53(parts.join("\u0001"), seed) + 0.5) / 2 ** 53;
}

const tables = new WeakMap<object, LatencyTable>();

/** The latency table of a state: defaults from model/latency.ts with the topology's overrides. */
export function latencyTable(state: SimState): LatencyTable {
  const key = state.topology;
  let table = tables.get(key);
  if (!table) {
    table = resolveLatencies(state.topology.simulation?.latencies ?? {});
    tables.set(key, table);
  }
  return table;
}

export function seedOf(state: SimState): number {
  return state.topology.simulation?.seed ?? 1;
}

/** The duration of `op` on `objectId` at this attempt, in clock milliseconds. */
export function drawDurationMs(state: SimState, op: Operation, objectId: string, attempt: number): number {
  const u = uniform(seedOf(state), "latency", op, objectId, attempt);
  return sampleSeconds(latencyTable(state), op, u) * 1000 * state.timeScale;
}
