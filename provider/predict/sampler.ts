// A plan's steps as the draws one Monte Carlo sample makes: per step, the operations it waits for
// (model/latency.ts STEP_OPERATIONS) with the lognormal parameters of the profile, resolved once
// per plan so that a sample is a loop over typed arrays. Where the profile measured faults, an
// operation's attempt may fail and be tried again, as the executor does (executor/run.ts): the
// failed attempt's share of a fresh draw of the operation, then the back-off, all while the step
// holds its slots. The last attempt fails at the same rate: then the step fails, as the
// executor's does, and what waits for it does not run (dispatch.ts), so its group is not up
// without an operator in that sample.

import type { Plan, Step } from "../generated/plan";
import { clampUnit, inverseNormal, lognormalOf, STEP_OPERATIONS, type Operation } from "../model/latency";
import type { Duration } from "../model";
import { backoffCeilingMs } from "../executor/retry";
import { DEFAULT_RETRY, type RetryPolicy } from "../executor/types";
import type { FaultRate, LatencyProfile } from "./profile";

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
  /** By operation drawn: the chance an attempt fails and is tried again (0: never), and the failed attempt's share of a draw, uniform in [failLow, failLow + failSpan]. */
  readonly failRate: Float64Array;
  readonly failLow: Float64Array;
  readonly failSpan: Float64Array;
  /** By step: attempts after the first the executor makes (0 for a best-effort step: not retried). */
  readonly retries: Uint8Array;
  /** Seconds of the back-off ceiling after failed attempt a, at a - 1 (the delay is half of it plus a random half: executor/retry.ts). */
  readonly backoffCeiling: Float64Array;
  /** Whether any operation may fail: only then does a sample draw from its fault stream. */
  readonly faulty: boolean;
}

/** Whether a step waits for a boot its dependency started (VerifyLpar): the boot goes on while it is retried. */
export function waitsForBootStarted(step: Pick<Step, "kind">): boolean {
  return step.kind === "VerifyLpar";
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

/** A scope's rank in scopesOf's order (lower: narrower, consulted first). */
export function precedence(scope: string): number {
  const k = SCOPE_ORDER.findIndex((prefix) => scope.startsWith(prefix));
  return k < 0 ? SCOPE_ORDER.length : k;
}

/** `op`'s entry of the narrowest of `step`'s scopes that has one in `scoped`, else undefined. */
function narrowest<T>(scoped: Readonly<Record<string, Readonly<Partial<Record<Operation, T>>>>> | undefined, step: Step, op: Operation): T | undefined {
  if (scoped === undefined) return undefined;
  for (const scope of scopesOf(step)) {
    const found = scoped[scope]?.[op];
    if (found !== undefined) return found;
  }
  return undefined;
}

function durationFor(profile: LatencyProfile, step: Step, op: Operation): Duration {
  return narrowest(profile.scoped, step, op) ?? profile.operations[op];
}

/** The fault rate of `op` in `step`: its narrowest scope's where one was measured apart (a flaky server), else the operation's. */
function faultFor(profile: LatencyProfile, step: Step, op: Operation): FaultRate | undefined {
  return narrowest(profile.scopedFaults, step, op) ?? profile.faults?.[op];
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

/** A failed attempt's share of a draw, uniform with mean `share` in [0, 1]: [0, 2 share] up to a half, [2 share - 1, 1] beyond. */
function shareRange(f: FaultRate): [number, number] {
  const share = Math.min(1, Math.max(0, f.failedShare));
  const low = Math.max(0, 2 * share - 1);
  return [low, Math.min(1, 2 * share) - low];
}

export function compileDraws(plan: Pick<Plan, "steps"> & Partial<Pick<Plan, "kind" | "failure">>, profile: LatencyProfile, retry: Partial<RetryPolicy> = {}): CompiledDraws {
  const policy = { ...DEFAULT_RETRY, ...retry };
  const n = plan.steps.length;
  const down = new Set(plan.failure?.failedHosts ?? []);
  const first = new Int32Array(n + 1);
  const median: number[] = [];
  const sigma: number[] = [];
  const fixed = new Float64Array(n);
  const startsAtDependencies = new Uint8Array(n);
  const failRate: number[] = [];
  const failLow: number[] = [];
  const failSpan: number[] = [];
  const retries = new Uint8Array(n);
  const retriesOfAStep = Math.max(0, Math.min(255, policy.attempts - 1));
  for (let i = 0; i < n; i++) {
    const step = plan.steps[i];
    first[i] = median.length;
    retries[i] = step.bestEffort === true ? 0 : retriesOfAStep;
    if (step.kind === "RunHook") fixed[i] = step.estimateSeconds;
    if (waitsForBootStarted(step)) startsAtDependencies[i] = 1;
    if (fencesDownSource(plan, step, down)) continue;
    for (const op of STEP_OPERATIONS[step.kind]) {
      const d = durationFor(profile, step, op);
      if (d.medianSeconds === 0) continue;
      median.push(d.medianSeconds);
      sigma.push(lognormalOf(d).sigma);
      const fault = faultFor(profile, step, op);
      const [low, span] = fault !== undefined ? shareRange(fault) : [0, 0];
      failRate.push(fault !== undefined ? Math.min(1, Math.max(0, fault.failureRate)) : 0);
      failLow.push(low);
      failSpan.push(span);
    }
  }
  first[n] = median.length;
  const backoffCeiling = Float64Array.from({ length: retriesOfAStep }, (_, k) => backoffCeilingMs(policy, k + 1) / 1000);
  const faulty = retriesOfAStep > 0 && failRate.some((f) => f > 0);
  return {
    first,
    median: Float64Array.from(median),
    sigma: Float64Array.from(sigma),
    fixed,
    startsAtDependencies,
    failRate: Float64Array.from(failRate),
    failLow: Float64Array.from(failLow),
    failSpan: Float64Array.from(failSpan),
    retries,
    backoffCeiling,
    faulty,
  };
}

/** How many random numbers one drawDurations call takes: one per operation with a spread. */
export function drawsPerSample(c: CompiledDraws): number {
  let count = 0;
  for (let k = 0; k < c.sigma.length; k++) if (c.sigma[k] !== 0) count++;
  return count;
}

/**
 * One draw of every step's duration, in seconds, into `out`; `random` gives numbers in [0, 1),
 * drawsPerSample of them. When c.faulty, `faults` gives the numbers of the failed attempts (as
 * many as they take): a stream of its own, so that a sample still starts at a fixed place in
 * `random`'s (threads.ts draws ranges of samples from one stream at their offsets). `stops[i]` is
 * set to 1 when step i fails every attempt (its duration then ends at its last attempt's failure),
 * else 0.
 */
export function drawDurations(c: CompiledDraws, random: () => number, out: Float64Array, faults?: () => number, stops?: Uint8Array): void {
  const { first, fixed, failRate, retries } = c;
  const attempt = { stopped: false };
  for (let i = 0; i < out.length; i++) {
    let sum = fixed[i];
    let stopped = false;
    for (let k = first[i]; k < first[i + 1]; k++) {
      // Drawn even after the step failed: every sample takes drawsPerSample numbers of `random`.
      const full = drawOf(c, k, random);
      if (stopped) continue;
      if (faults === undefined || failRate[k] === 0) {
        sum += full;
        continue;
      }
      sum += retriedSeconds(c, k, retries[i], faults, attempt);
      if (attempt.stopped) {
        stopped = true;
        sum += failedShare(c, k, faults) * full;
      } else sum += full;
    }
    out[i] = sum;
    if (stops !== undefined) stops[i] = stopped ? 1 : 0;
  }
}

/** One draw of operation k's seconds: median * exp(sigma z), one number of `random` when it has a spread (drawsPerSample counts them). */
function drawOf(c: CompiledDraws, k: number, random: () => number): number {
  const sigma = c.sigma[k];
  return sigma === 0 ? c.median[k] : c.median[k] * Math.exp(sigma * inverseNormal(clampUnit(random())));
}

/** The share of a draw a failed attempt of operation k took before it failed. */
function failedShare(c: CompiledDraws, k: number, random: () => number): number {
  return c.failLow[k] + c.failSpan[k] * random();
}

/**
 * The seconds operation k's failed attempts add before its last: each its share of a fresh draw,
 * then its back-off. `out.stopped`: every attempt failed, the last one too (a best-effort step,
 * with no retries, is not failed: the executor completes it whatever its outcome).
 */
function retriedSeconds(c: CompiledDraws, k: number, retries: number, random: () => number, out: { stopped: boolean }): number {
  const { failRate, backoffCeiling } = c;
  let extra = 0;
  out.stopped = false;
  for (let a = 0; a < retries; a++) {
    if (random() >= failRate[k]) return extra;
    const full = drawOf(c, k, random);
    extra += failedShare(c, k, random) * full;
    extra += backoffCeiling[a] * (0.5 + 0.5 * random());
  }
  out.stopped = retries > 0 && random() < failRate[k];
  return extra;
}
