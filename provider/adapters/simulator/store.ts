// Where the simulated datacenter lives. Two implementations of one interface: a state directory
// several processes share (file-store.ts) and a plain in-memory object (memory-store.ts) for
// benchmarks in virtual time. Operations decide under exclusive access and return log entries;
// the store applies them (apply.ts) and, for the directory, appends them to its log.

import type { Clock } from "../../clock";
import { advance, applyEntry, type Entry } from "./apply";
import type { SimState } from "./state";

/** What an operation decided: entries to record, then a result or an error to throw. */
export interface Decision<T> {
  readonly entries?: readonly Entry[];
  readonly result?: T;
  readonly error?: Error;
}

export interface StateStore {
  readonly clock: Clock;
  /**
   * Runs `decide` under exclusive access on the state brought up to the clock's now, records and
   * applies the entries it returns, then returns its result or throws its error. `decide` must
   * not change the state itself.
   */
  update<T>(decide: (state: SimState, now: number) => Decision<T>): Promise<T>;
  /** Runs `view` on the state brought up to now. `view` must not change the state. */
  read<T>(view: (state: SimState, now: number) => T): Promise<T>;
  close(): Promise<void>;
}

/** Brings `state` to `now`, runs `decide` and applies its entries stamped with the time. */
export function decideAndApply<T>(state: SimState, now: number, decide: (state: SimState, now: number) => Decision<T>): { decision: Decision<T>; entries: Entry[] } {
  const at = Math.max(now, state.time);
  advance(state, at);
  const decision = decide(state, at);
  const entries = (decision.entries ?? []).map((e) => ({ ...e, at }));
  for (const e of entries) applyEntry(state, e);
  return { decision, entries };
}

export function outcome<T>(decision: Decision<T>): T {
  if (decision.error) throw decision.error;
  return decision.result as T;
}
