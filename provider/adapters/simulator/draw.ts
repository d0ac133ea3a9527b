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

interface Tables {
  readonly all: LatencyTable;
  /** Per managed system with overrides of its own (simulation.systemLatencies), over `all`. */
  readonly bySystem: ReadonlyMap<string, LatencyTable>;
}

const tables = new WeakMap<object, Tables>();

function tablesOf(state: SimState): Tables {
  const key = state.topology;
  let t = tables.get(key);
  if (!t) {
    const overrides = state.topology.simulation?.latencies ?? {};
    const bySystem = new Map<string, LatencyTable>();
    for (const [system, own] of Object.entries(state.topology.simulation?.systemLatencies ?? {})) bySystem.set(system, resolveLatencies({ ...overrides, ...own }));
    t = { all: resolveLatencies(overrides), bySystem };
    tables.set(key, t);
  }
  return t;
}

/** The latency table of a state (defaults from model/latency.ts with the topology's overrides), or of one managed system of it. */
export function latencyTable(state: SimState, system?: string): LatencyTable {
  const t = tablesOf(state);
  return (system !== undefined ? t.bySystem.get(system) : undefined) ?? t.all;
}

export function seedOf(state: SimState): number {
  return state.topology.simulation?.seed ?? 1;
}

/** The duration of `op` on `objectId` at this attempt, run on managed system `system` when it runs on one, in clock milliseconds. */
export function drawDurationMs(state: SimState, op: Operation, objectId: string, attempt: number, system?: string): number {
  const u = uniform(seedOf(state), "latency", op, objectId, attempt);
  return sampleSeconds(latencyTable(state, system), op, u) * 1000 * state.timeScale;
}
