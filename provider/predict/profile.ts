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
  /** Measured step durations behind the profile: 0 for the defaults. */
  readonly samples: number;
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
