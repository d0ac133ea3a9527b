// The latency profile a prediction draws from: per operation, the lognormal the simulator samples
// (model/latency.ts, the one source of truth), with calibrated figures per managed system, HMC or
// storage system where measurement gave enough samples. Every prediction names its profile.

import type { Duration } from "../model";
import { resolveLatencies, type LatencyTable, type Operation } from "../model/latency";

export interface LatencyProfile {
  /** What the prediction says it used: "defaults" or the calibrated profile's name. */
  readonly name: string;
  /** Per operation: the fit over every scope (or the default where nothing was measured). */
  readonly operations: LatencyTable;
  /**
   * Per scope, a resource key a step holds ("system:<id>", "hmc:<name>", "storage:<id>"), the
   * operations measured often enough there to be fitted apart. @default none
   */
  readonly scoped?: Readonly<Record<string, Readonly<Partial<Record<Operation, Duration>>>>>;
  /**
   * Per operation, how often its attempts fail transiently and cost a retry, where measured
   * (calibrate.ts). None in the defaults: a fault rate is a fact of the hardware, not a default.
   * @default none
   */
  readonly faults?: Readonly<Partial<Record<Operation, FaultRate>>>;
  /** Per scope (as `scoped`), the operations whose fault rate was measured apart there (a flaky server), over `faults`. @default none */
  readonly scopedFaults?: Readonly<Record<string, Readonly<Partial<Record<Operation, FaultRate>>>>>;
  /** Measured step durations behind the profile: 0 for the defaults. */
  readonly samples: number;
}

/** How an operation's attempts fail and are tried again (the executor's retry of a transient error). */
export interface FaultRate {
  /** Share of attempts that fail transiently, each tried again after the back-off. */
  readonly failureRate: number;
  /** Mean time of a failed attempt over the operation's mean duration, in [0, 1]: 0 refused at once, 0.5 failed half way on average. */
  readonly failedShare: number;
}

/** The documented defaults, with the topology's or the user's overrides. */
export function defaultProfile(overrides: Record<string, Duration> = {}): LatencyProfile {
  const overridden = Object.keys(overrides).length > 0;
  return { name: overridden ? "defaults with overrides" : "defaults", operations: resolveLatencies(overrides), samples: 0 };
}

/** "defaults" or "<name> (<n> samples)": how a figure names where it came from. */
export function profileLabel(profile: LatencyProfile): string {
  return profile.samples > 0 ? `${profile.name} (${profile.samples} measured steps)` : profile.name;
}
