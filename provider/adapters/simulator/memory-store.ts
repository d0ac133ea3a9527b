// The state in this process's memory only: no file, no lock, no real I/O, so it runs under the
// VirtualClock (benchmarks in virtual time) and for dry runs.

import type { Clock } from "../../clock";
import { decideAndApply, outcome, type Decision, type StateStore } from "./store";
import { advance } from "./apply";
import type { SimState } from "./state";

export class MemoryStateStore implements StateStore {
  constructor(
    private readonly state: SimState,
    readonly clock: Clock,
  ) {}

  async update<T>(decide: (state: SimState, now: number) => Decision<T>): Promise<T> {
    return outcome(decideAndApply(this.state, this.clock.now(), decide).decision);
  }

  async read<T>(view: (state: SimState, now: number) => T): Promise<T> {
    const now = Math.max(this.clock.now(), this.state.time);
    advance(this.state, now);
    return view(this.state, now);
  }

  async close(): Promise<void> {}
}
