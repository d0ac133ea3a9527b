// Opening the simulator: over a shared state directory (the default adapter of the product) or
// over an in-memory state (benchmarks in virtual time, dry runs).

import * as path from "path";
import { VirtualClock, WallClock, type Clock } from "../../clock";
import type { ResolvedTopology } from "../../model";
import { validateTopology } from "../../validation/topology-rules";
import { scheduleCrashes } from "./apply";
import { SimulatorComputeAdapter } from "./compute";
import { FileStateStore } from "./file-store";
import { MemoryStateStore } from "./memory-store";
import { newPersistedState, stateFromPersisted } from "./state";
import { SimulatorStorageAdapter } from "./storage";
import type { StateStore } from "./store";

export { SimulatorComputeAdapter } from "./compute";
export { SimulatorStorageAdapter } from "./storage";
export { generateTopology, type GeneratorOptions } from "./generate-topology";
export { PRESETS, PAPER_FAILED_HOST, presetTopology } from "./presets";
export { drillLparId } from "./compute-ops";
export { flashCopyIds } from "./storage-ops";
export type { StateStore } from "./store";

/** The two adapters over one simulated datacenter, and how its time relates to the clock's. */
export interface Simulator {
  readonly compute: SimulatorComputeAdapter;
  readonly storage: SimulatorStorageAdapter;
  readonly store: StateStore;
  /** Wall (clock) milliseconds per simulated millisecond: simulated ms = clock ms / timeScale. */
  readonly timeScale: number;
  close(): Promise<void>;
}

export const DEFAULT_STATE_DIR = path.join(".vmr", "sim");

/** The state directory: the given one, else $VMR_SIM_STATE, else ./.vmr/sim. */
export function resolveStateDir(stateDir?: string): string {
  return path.resolve(stateDir ?? process.env.VMR_SIM_STATE ?? DEFAULT_STATE_DIR);
}

function simulatorOver(store: StateStore, timeScale: number): Simulator {
  return {
    compute: new SimulatorComputeAdapter(store, timeScale),
    storage: new SimulatorStorageAdapter(store, timeScale),
    store,
    timeScale,
    close: () => store.close(),
  };
}

export interface OpenSimulatorOptions {
  /** Made by `vmr sim init`. Defaults to $VMR_SIM_STATE, then ./.vmr/sim. */
  stateDir?: string;
  /** Wall clock unless given; every process sharing a directory must use wall time. */
  clock?: Clock;
}

/** Opens the simulator over a state directory shared with other processes. */
export async function openSimulator(options: OpenSimulatorOptions = {}): Promise<Simulator> {
  const store = new FileStateStore(resolveStateDir(options.stateDir), options.clock ?? new WallClock());
  const timeScale = await store.read((s) => s.timeScale);
  return simulatorOver(store, timeScale);
}

export interface InMemorySimulatorOptions {
  /** @default WallClock */
  clock?: Clock;
  /** Wall (clock) ms per simulated ms. @default 1 under a VirtualClock, else the topology's simulation.timeScale (0.001) */
  timeScale?: number;
}

/**
 * A simulator whose state lives in this process only: no file, no lock, no real I/O, so it runs
 * under a VirtualClock. The topology is validated (a copy gets the defaults; the argument is not changed).
 */
export function createInMemorySimulator(topology: unknown, options: InMemorySimulatorOptions = {}): Simulator {
  const resolved: ResolvedTopology = validateTopology(structuredClone(topology));
  const clock = options.clock ?? new WallClock();
  const timeScale = options.timeScale ?? (clock instanceof VirtualClock ? 1 : (resolved.simulation?.timeScale ?? 0.001));
  const now = clock.now();
  const state = stateFromPersisted(newPersistedState(resolved, now, timeScale));
  scheduleCrashes(state, now);
  return simulatorOver(new MemoryStateStore(state, clock), timeScale);
}
