// A plan's steps as the draws one Monte Carlo sample makes: per step, the operations it waits for
// (model/latency.ts STEP_OPERATIONS) with the lognormal parameters of the profile, resolved once
// per plan so that a sample is a loop over typed arrays.

import type { Plan, Step } from "../generated/plan";
import { clampUnit, inverseNormal, lognormalOf, STEP_OPERATIONS, type Operation } from "../model/latency";
import type { Duration } from "../model";
import type { LatencyProfile } from "./profile";

export interface CompiledDraws {
  /** Step i draws operations first[i] .. first[i + 1] - 1. */
  readonly first: Int32Array;
  /** By operation drawn: its median, and sigma of its logarithm (median * exp(sigma z), as model/latency.ts sampleSeconds). */
  readonly median: Float64Array;
  readonly sigma: Float64Array;
  /** Seconds that are not drawn (a hook's, from the plan). */
  readonly fixed: Float64Array;
  /** 1 when the step waits for a boot its dependency started (VerifyLpar): its clock starts when that ends. */
  readonly startsAtDependencies: Uint8Array;
}

/** The scopes a step's operations may have been calibrated in: its resources, and its target system. */
export function scopesOf(step: Step): string[] {
  const scopes = new Set(step.resources);
  const target = (step.params as { target?: unknown } | undefined)?.target;
  if (typeof target === "string") scopes.add(`system:${target}`);
  // The narrowest first: a managed system's fit says more of its restarts than its HMC's.
  return [...scopes].sort((a, b) => precedence(a) - precedence(b) || a.localeCompare(b));
}

const SCOPE_ORDER = ["system:", "vios:", "storage:", "hmc:"];

function precedence(scope: string): number {
  const k = SCOPE_ORDER.findIndex((prefix) => scope.startsWith(prefix));
  return k < 0 ? SCOPE_ORDER.length : k;
}

function durationFor(profile: LatencyProfile, step: Step, op: Operation): Duration {
  if (profile.scoped !== undefined) {
    for (const scope of scopesOf(step)) {
      const d = profile.scoped[scope]?.[op];
      if (d !== undefined) return d;
    }
  }
  return profile.operations[op];
}

/**
 * Whether a step is a fence of an LPAR whose source the failover plan treats as down: the
 * adapter then proves it from the system's state (one query, no power-off job), as the
 * simulator does for a crashed system, so it draws no fenceLpar duration.
 */
function fencesDownSource(plan: Partial<Pick<Plan, "kind">>, step: Step, down: ReadonlySet<string>): boolean {
  if (plan.kind !== "failover" || step.kind !== "FenceSourceLpar") return false;
  const host = (step.params as { host?: unknown } | undefined)?.host;
  return typeof host === "string" && down.has(host);
}

export function compileDraws(plan: Pick<Plan, "steps"> & Partial<Pick<Plan, "kind" | "failure">>, profile: LatencyProfile): CompiledDraws {
  const n = plan.steps.length;
  const down = new Set(plan.failure?.failedHosts ?? []);
  const first = new Int32Array(n + 1);
  const median: number[] = [];
  const sigma: number[] = [];
  const fixed = new Float64Array(n);
  const startsAtDependencies = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const step = plan.steps[i];
    first[i] = median.length;
    if (step.kind === "RunHook") fixed[i] = step.estimateSeconds;
    if (step.kind === "VerifyLpar") startsAtDependencies[i] = 1;
    if (fencesDownSource(plan, step, down)) continue;
    for (const op of STEP_OPERATIONS[step.kind]) {
      const d = durationFor(profile, step, op);
      if (d.medianSeconds === 0) continue;
      median.push(d.medianSeconds);
      sigma.push(lognormalOf(d).sigma);
    }
  }
  first[n] = median.length;
  return { first, median: Float64Array.from(median), sigma: Float64Array.from(sigma), fixed, startsAtDependencies };
}

/** How many random numbers one drawDurations call takes: one per operation with a spread. */
export function drawsPerSample(c: CompiledDraws): number {
  let count = 0;
  for (let k = 0; k < c.sigma.length; k++) if (c.sigma[k] !== 0) count++;
  return count;
}

/** One draw of every step's duration, in seconds, into `out`; `random` gives numbers in [0, 1), drawsPerSample of them. */
export function drawDurations(c: CompiledDraws, random: () => number, out: Float64Array): void {
  const { first, median, sigma, fixed } = c;
  for (let i = 0; i < out.length; i++) {
    let sum = fixed[i];
    for (let k = first[i]; k < first[i + 1]; k++) sum += sigma[k] === 0 ? median[k] : median[k] * Math.exp(sigma[k] * inverseNormal(clampUnit(random())));
    out[i] = sum;
  }
}
