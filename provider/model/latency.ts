// How long each hardware operation takes, and where each figure comes from. One table, read by
// the simulator (to behave as the hardware does) and by the planner (to estimate a plan), so the
// estimate and the simulation can never disagree about a default.
//
// Figures marked "assumption" have no published source; every one is configurable through the
// topology's `simulation.latencies` or the planner's latency overrides.

import type { StepKind } from "../generated/plan";
import type { Duration } from "./index";

export const OPERATIONS = [
  "fenceLpar",
  "shutdownLpar",
  "powerOnLpar",
  "suspendLpar",
  "resumeLpar",
  "remoteRestart",
  "bootLpar",
  "cleanupSourceLpar",
  "createLpar",
  "deleteLpar",
  "mapVolume",
  "viosMapping",
  "unmapVolume",
  "failoverConsistencyGroup",
  "switchConsistencyGroup",
  "startConsistencyGroup",
  "createFlashCopyGroup",
  "prepareFlashCopyGroup",
  "startFlashCopyGroup",
  "deleteFlashCopyGroup",
] as const;

export type Operation = (typeof OPERATIONS)[number];

export interface LatencyDefault extends Duration {
  p95Seconds: number;
  basis: string;
}

export const DEFAULT_LATENCIES: Readonly<Record<Operation, LatencyDefault>> = {
  fenceLpar: { medianSeconds: 2, p95Seconds: 10, basis: "assumption: an HMC state query plus an immediate power-off when the LPAR still answers" },
  shutdownLpar: { medianSeconds: 60, p95Seconds: 180, basis: "assumption: OS shutdown then PowerOff job" },
  powerOnLpar: { medianSeconds: 30, p95Seconds: 90, basis: "assumption: PowerOn job, excluding OS boot" },
  suspendLpar: { medianSeconds: 90, p95Seconds: 300, basis: "assumption: partition suspend, memory written to the reserved storage device (grows with its memory)" },
  resumeLpar: { medianSeconds: 90, p95Seconds: 300, basis: "assumption: partition resume, memory read back from the reserved storage device; no OS boot" },
  remoteRestart: {
    medianSeconds: 120,
    p95Seconds: 300,
    basis: "assumption (no published timing): remote restart job excluding OS boot; p5-p95 60-300 s",
  },
  bootLpar: { medianSeconds: 180, p95Seconds: 600, basis: "assumption: LPAR activation to OS up; 90-600 s" },
  cleanupSourceLpar: { medianSeconds: 30, p95Seconds: 120, basis: "assumption: rrstartlpar -o cleanup" },
  createLpar: { medianSeconds: 20, p95Seconds: 60, basis: "assumption: partition creation from a profile" },
  deleteLpar: { medianSeconds: 10, p95Seconds: 30, basis: "assumption" },
  mapVolume: {
    medianSeconds: 1,
    p95Seconds: 10,
    basis: "assumption: mkvdiskhostmap; serial per storage cluster (unconfirmed)",
  },
  viosMapping: {
    medianSeconds: 5,
    p95Seconds: 30,
    basis: "duration assumption; one change at a time per VIOS (pypowervm helpers/vios_busy.py)",
  },
  unmapVolume: { medianSeconds: 1, p95Seconds: 10, basis: "assumption: rmvdiskhostmap" },
  failoverConsistencyGroup: { medianSeconds: 2, p95Seconds: 10, basis: "assumption: stoprcconsistgrp -access" },
  switchConsistencyGroup: { medianSeconds: 5, p95Seconds: 20, basis: "assumption: switchrcconsistgrp" },
  startConsistencyGroup: { medianSeconds: 5, p95Seconds: 20, basis: "assumption: startrcconsistgrp" },
  createFlashCopyGroup: { medianSeconds: 2, p95Seconds: 10, basis: "assumption: mkfcconsistgrp + mkfcmap" },
  prepareFlashCopyGroup: {
    medianSeconds: 10,
    p95Seconds: 120,
    basis: "median assumption; 120 s ceiling from the OpenStack cinder storwize driver",
  },
  startFlashCopyGroup: { medianSeconds: 1, p95Seconds: 3, basis: "assumption: startfcconsistgrp" },
  deleteFlashCopyGroup: { medianSeconds: 2, p95Seconds: 10, basis: "assumption: rmfcconsistgrp -force" },
};

export type LatencyTable = Record<Operation, Duration>;

/** The defaults with a topology's or user's overrides applied; unknown names are rejected. */
export function resolveLatencies(overrides: Record<string, Duration> = {}): LatencyTable {
  const table = {} as LatencyTable;
  for (const op of OPERATIONS) {
    const { medianSeconds: median, p95Seconds } = DEFAULT_LATENCIES[op];
    const override = overrides[op];
    table[op] = override ? { p95Seconds: override.medianSeconds, ...override } : { medianSeconds: median, p95Seconds };
  }
  return table;
}

// z-score of the 95th percentile of a standard normal distribution.
const Z95 = 1.6448536269514722;

/**
 * The operations an executor step waits for, one after another, on the simulator (and on the
 * hardware its adapters drive): the planner's median estimate and the RTO prediction's draws
 * both read this. VerifyLpar waits for the boot that its restart or power-on started; a hook's
 * time is its own (planner option), not a hardware operation.
 */
export const STEP_OPERATIONS: Readonly<Record<StepKind, readonly Operation[]>> = {
  FenceSourceLpar: ["fenceLpar"],
  ShutdownLpar: ["shutdownLpar"],
  FailoverConsistencyGroup: ["failoverConsistencyGroup"],
  SwitchConsistencyGroup: ["switchConsistencyGroup"],
  ReverseReplication: ["startConsistencyGroup"],
  UnmapSourceVolume: ["unmapVolume"],
  MapReplicaVolume: ["mapVolume"],
  AttachVirtualDisk: ["viosMapping"],
  DetachVirtualDisk: ["viosMapping"],
  CreateFlashCopyGroup: ["createFlashCopyGroup", "prepareFlashCopyGroup", "startFlashCopyGroup"],
  DeleteFlashCopyGroup: ["deleteFlashCopyGroup"],
  RestartLpar: ["remoteRestart"],
  // Moving a powered-off partition's definition is the same HMC job as a remote restart.
  MoveLpar: ["remoteRestart"],
  StartLpar: ["powerOnLpar"],
  StartDrillLpar: ["createLpar", "powerOnLpar"],
  // The copy is running when it is deleted: it is stopped first.
  DeleteDrillLpar: ["fenceLpar", "deleteLpar"],
  VerifyLpar: ["bootLpar"],
  CleanupSourceLpar: ["cleanupSourceLpar"],
  RunHook: [],
  // A suspend is priced as a shutdown and a resume as a power-on: the estimate reads one list per
  // kind; the simulator times a suspend and a resume by their own operations.
  StopNonCriticalLpar: ["shutdownLpar"],
  ResumeNonCriticalLpar: ["powerOnLpar"],
};

/** The parameters of the lognormal the simulator draws `op` from: ln(duration) ~ N(mu, sigma). */
export function lognormalOf(duration: Duration): { readonly mu: number; readonly sigma: number } {
  const median = duration.medianSeconds;
  const p95 = duration.p95Seconds ?? median;
  return { mu: median > 0 ? Math.log(median) : -Infinity, sigma: p95 > median && median > 0 ? Math.log(p95 / median) / Z95 : 0 };
}

/** The exact q-quantile of one operation's duration, in seconds. */
export function operationQuantile(duration: Duration, q: number): number {
  if (duration.medianSeconds === 0) return 0;
  const { mu, sigma } = lognormalOf(duration);
  return Math.exp(mu + sigma * inverseNormal(q));
}

/** The median duration of `op`, in seconds: what the planner uses to estimate. */
export function medianSeconds(table: LatencyTable, op: Operation): number {
  return table[op].medianSeconds;
}

/**
 * A lognormal draw for `op` from a uniform number u in (0, 1): median * exp(sigma * z), with
 * sigma chosen so that the 95th percentile is p95. Deterministic for a given u.
 */
export function sampleSeconds(table: LatencyTable, op: Operation, u: number): number {
  const { medianSeconds: median } = table[op];
  if (median === 0) return 0;
  return median * Math.exp(lognormalOf(table[op]).sigma * inverseNormal(clampUnit(u)));
}

/** u kept inside (0, 1), where the normal quantile is finite. */
export function clampUnit(u: number): number {
  return Math.min(Math.max(u, 1e-9), 1 - 1e-9);
}

// Acklam's coefficients, built once: as arrays inside the function they were allocated on every
// call, a garbage array per drawn duration in the RTO prediction's inner loop.
const ACKLAM_A = [-39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716, 2.506628277459239] as const;
const ACKLAM_B = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572] as const;
const ACKLAM_C = [-0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783] as const;
const ACKLAM_D = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416] as const;

/** Acklam's rational approximation of the standard normal quantile (|error| < 1.2e-9). */
export function inverseNormal(p: number): number {
  const a = ACKLAM_A;
  const b = ACKLAM_B;
  const c = ACKLAM_C;
  const d = ACKLAM_D;
  const low = 0.02425;
  if (p < low) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  }
  if (p > 1 - low) {
    const q = Math.sqrt(-2 * Math.log(1 - p));
    return -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  }
  const q = p - 0.5;
  const r = q * q;
  return ((((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q) / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
}
