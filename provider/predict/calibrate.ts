// Fitting a latency profile from measured runs: every step that succeeded gives one duration of
// the operation it waits for, its last attempt's (steps that wait for several operations, and
// hooks, are left out: their time is not one operation's). A wait for a boot (VerifyLpar) is
// measured from its dependencies' end, where the boot started, as the prediction draws it. Each
// fit is a lognormal by its log moments: median exp(mean ln d), p95 median * exp(1.645 sd ln d).
//
// Faults: per operation, over every scope, the share of its attempts that failed transiently (the
// executor tried again), and a failed attempt's mean time over the operation's mean duration. A
// busy HMC refusing at once and a job failing half way cost a retry alike, but not the same time.
//
// Per operation, a scope (a resource the step held, its target system) is fitted apart when it
// has minSamples measurements and they differ from the operation's by more than chance (a slower
// server): a scope measuring like the rest is better described by the wider fit, drawn from more
// samples. The wider fit is then made of the steps it will predict: those of no scope fitted apart.

import type { FaultFit, Fit, LatencyProfileFile } from "../generated/latency-profile";
import { lognormalOf, STEP_OPERATIONS, type Operation } from "../model/latency";
import type { RunRecord } from "../report/run";
import { scopesOf, waitsForBootStarted } from "./sampler";

export const DEFAULT_MIN_SAMPLES = 20;
export const DEFAULT_MAX_AGE_DAYS = 90;
const Z95 = 1.6448536269514722;

export interface CalibrateOptions {
  readonly stack: string;
  /** @default 20 */
  readonly minSamples?: number;
  /** @default 90 */
  readonly maxAgeDays?: number;
  /** @default now */
  readonly now?: Date;
  /** Fit scopes apart where they differ; false fits per operation only (what the benchmark compares with). @default true */
  readonly fitApart?: boolean;
}

/** One measured step: its operation, seconds, and the scopes it ran in. */
export interface MeasuredStep {
  readonly op: Operation;
  readonly seconds: number;
  readonly scopes: readonly string[];
}

/** One step's attempts in a run: the last one's start, its end if it succeeded, the seconds of each attempt that failed and was tried again. */
interface Attempts {
  lastStart?: number;
  succeededAt?: number;
  count: number;
  readonly failedSeconds: number[];
}

function attemptsOf(run: RunRecord): Map<string, Attempts> {
  const scale = run.timeScale ?? 1;
  const byStep = new Map<string, Attempts>();
  const of = (step: string): Attempts => {
    let a = byStep.get(step);
    if (a === undefined) byStep.set(step, (a = { count: 0, failedSeconds: [] }));
    return a;
  };
  for (const e of run.events) {
    const a = of(e.step);
    if (e.type === "started") {
      a.lastStart = e.at;
      a.count++;
    } else if (e.type === "succeeded") a.succeededAt = e.at;
    else if (e.type === "failed" && e.final === false && a.lastStart !== undefined) a.failedSeconds.push((e.at - a.lastStart) / scale / 1000);
  }
  return byStep;
}

/**
 * When the boot a step waits for started: its dependencies' last end, as the prediction draws it
 * (dispatch.ts). Not the wait's own start: a wait started late (its other dependencies retried)
 * sees only the end of the boot, and one that saw none would drop the shortest boots from the fit.
 */
function bootStartOf(step: RunRecord["plan"]["steps"][number], attempts: ReadonlyMap<string, Attempts>): number | undefined {
  let start: number | undefined;
  for (const dep of step.dependsOn) {
    const end = attempts.get(dep)?.succeededAt;
    if (end === undefined) return undefined;
    if (start === undefined || end > start) start = end;
  }
  return start;
}

/** The single-operation steps of a run that succeeded, their last attempt's time in simulated (or wall) seconds. */
export function measuredSteps(run: RunRecord, attempts: ReadonlyMap<string, Attempts> = attemptsOf(run)): MeasuredStep[] {
  const scale = run.timeScale ?? 1;
  const out: MeasuredStep[] = [];
  for (const step of run.plan.steps) {
    const ops = STEP_OPERATIONS[step.kind];
    const a = attempts.get(step.id);
    if (ops.length !== 1 || a?.lastStart === undefined || a.succeededAt === undefined) continue;
    const start = waitsForBootStarted(step) ? bootStartOf(step, attempts) : a.lastStart;
    if (start === undefined) continue;
    const seconds = (a.succeededAt - start) / scale / 1000;
    // Zero: the adapter found the work done (a fence of an LPAR its crash already stopped).
    if (seconds > 0) out.push({ op: ops[0], seconds, scopes: scopesOf(step) });
  }
  return out;
}

/** One single-operation step's attempts: how many, and the seconds of those that failed and were tried again. */
export interface MeasuredAttempts {
  readonly op: Operation;
  readonly attempts: number;
  readonly failedSeconds: readonly number[];
}

/**
 * The attempts of a run's single-operation steps that the executor retries (not best effort: one
 * attempt, its failure final), up to the one that succeeded or failed for good.
 */
export function measuredAttempts(run: RunRecord, attempts: ReadonlyMap<string, Attempts> = attemptsOf(run)): MeasuredAttempts[] {
  const out: MeasuredAttempts[] = [];
  for (const step of run.plan.steps) {
    const ops = STEP_OPERATIONS[step.kind];
    const a = attempts.get(step.id);
    if (ops.length !== 1 || step.bestEffort === true || a === undefined || a.count === 0) continue;
    out.push({ op: ops[0], attempts: a.count, failedSeconds: a.failedSeconds });
  }
  return out;
}

/** The lognormal's mean: median * exp(sigma^2 / 2). */
function meanOf(f: Fit): number {
  const { sigma } = lognormalOf(f);
  return f.medianSeconds * Math.exp((sigma * sigma) / 2);
}

/** Per operation with minSamples attempts (of every run's `measured`) and a fitted duration: its fault rate and a failed attempt's share. */
function fitFaults(measured: readonly MeasuredAttempts[], operations: Readonly<Record<string, Fit>>, minSamples: number): Record<string, FaultFit> {
  const byOp = new Map<Operation, { attempts: number; failedSeconds: number[] }>();
  for (const m of measured) {
    const tally = byOp.get(m.op) ?? { attempts: 0, failedSeconds: [] };
    tally.attempts += m.attempts;
    tally.failedSeconds.push(...m.failedSeconds);
    byOp.set(m.op, tally);
  }
  const faults: Record<string, FaultFit> = {};
  for (const [op, { attempts, failedSeconds }] of [...byOp].sort((a, b) => a[0].localeCompare(b[0]))) {
    const duration = operations[op];
    if (attempts < minSamples || duration === undefined) continue;
    const meanFailed = failedSeconds.length > 0 ? failedSeconds.reduce((sum, v) => sum + v, 0) / failedSeconds.length : 0;
    faults[op] = { attempts, failed: failedSeconds.length, failedShare: Math.min(1, meanFailed / meanOf(duration)) };
  }
  return faults;
}

interface LogMoments {
  readonly mean: number;
  readonly variance: number;
  readonly n: number;
}

function logMoments(values: readonly number[]): LogMoments {
  const logs = values.map((v) => Math.log(v));
  const mean = logs.reduce((a, b) => a + b, 0) / logs.length;
  const variance = logs.length > 1 ? logs.reduce((a, b) => a + (b - mean) ** 2, 0) / (logs.length - 1) : 0;
  return { mean, variance, n: logs.length };
}

function fit(values: readonly number[]): Fit {
  const { mean, variance } = logMoments(values);
  const median = Math.exp(mean);
  return { medianSeconds: median, p95Seconds: median * Math.exp(Z95 * Math.sqrt(variance)), samples: values.length };
}

/**
 * Standard errors past which a scope's measurements are slower (or spread wider) than its
 * operation's. 2, not 3: a slower server is caught from fewer runs (in the benchmark, boots 1.5x
 * slower on a system from its 40 measured boots, 2.4 standard errors off), and one measuring like
 * the others but fitted apart by chance is fitted from its own samples, which lean slow: the
 * prediction for it errs on the safe side.
 */
const SLOWER_Z = 2;

/**
 * Standard errors past which a scope is faster (or narrower) than its operation's. Higher than
 * SLOWER_Z because a chance miss on this side breaks the promise of a p95 rather than costing
 * margin: a scope fitted apart for being faster by chance is then predicted too fast, and its
 * groups miss (measured: 20% of attempts refused, 20 runs of the paper preset, one server's 60
 * boots 2.6 standard errors faster by chance, its group's p95 held in 0.905 of 1,000 runs; 0.937
 * without that fit). With about 30 scopes and two tests each per calibration, 3.5 (one-sided
 * 0.02%) leaves a chance fit on this side in about 1 calibration in 80; a server truly 30% faster
 * is found from about 60 of its steps.
 */
const FASTER_Z = 3.5;

/**
 * Whether a scope's log durations differ from the operation's: the mean by more than SLOWER_Z
 * (above) or FASTER_Z (below) standard errors of the scope's mean, or the variance by as many
 * standard errors of a normal sample's variance (v * sqrt(2 / (n - 1))).
 */
function differsFrom(scope: LogMoments, all: LogMoments): boolean {
  const meanZ = (scope.mean - all.mean) / Math.sqrt(scope.variance / scope.n);
  const varianceZ = (scope.variance - all.variance) / (all.variance * Math.sqrt(2 / Math.max(1, scope.n - 1)));
  const off = (z: number): boolean => z > SLOWER_Z || z < -FASTER_Z;
  return off(meanZ) || off(varianceZ);
}

/** The profile file fitted from `runs` (all of the one stack; the caller chooses which). */
export function calibrate(runs: readonly RunRecord[], options: CalibrateOptions): LatencyProfileFile {
  const minSamples = options.minSamples ?? DEFAULT_MIN_SAMPLES;
  const byOp = new Map<Operation, MeasuredStep[]>();
  const attempted: MeasuredAttempts[] = [];
  for (const run of runs) {
    const attempts = attemptsOf(run);
    attempted.push(...measuredAttempts(run, attempts));
    for (const m of measuredSteps(run, attempts)) {
      const list = byOp.get(m.op);
      if (list) list.push(m);
      else byOp.set(m.op, [m]);
    }
  }
  const operations: Record<string, Fit> = {};
  const scoped: Record<string, Record<string, Fit>> = {};
  for (const [op, steps] of [...byOp].sort((a, b) => a[0].localeCompare(b[0]))) {
    if (steps.length < minSamples) continue;
    const all = logMoments(steps.map((m) => m.seconds));
    const byScope = new Map<string, number[]>();
    for (const m of steps) {
      for (const scope of m.scopes) {
        const list = byScope.get(scope);
        if (list) list.push(m.seconds);
        else byScope.set(scope, [m.seconds]);
      }
    }
    const apart = new Set<string>();
    for (const [scope, values] of byScope) {
      // A scope holding every sample of the operation says nothing the wider fit does not.
      if (options.fitApart !== false && values.length >= minSamples && values.length < steps.length && differsFrom(logMoments(values), all)) {
        (scoped[scope] ??= {})[op] = fit(values);
        apart.add(scope);
      }
    }
    const rest = steps.filter((m) => !m.scopes.some((scope) => apart.has(scope)));
    operations[op] = fit((rest.length >= minSamples ? rest : steps).map((m) => m.seconds));
  }
  const starts = runs.map((r) => r.startedAt).sort();
  const now = (options.now ?? new Date()).toISOString();
  const file: LatencyProfileFile = {
    formatVersion: 2,
    stack: options.stack,
    createdAt: now,
    window: { from: starts[0] ?? now, to: starts[starts.length - 1] ?? now },
    maxAgeDays: options.maxAgeDays ?? DEFAULT_MAX_AGE_DAYS,
    minSamples,
    runs: runs.map((r) => r.runId),
    operations,
  };
  if (Object.keys(scoped).length > 0) file.scoped = Object.fromEntries(Object.entries(scoped).sort((a, b) => a[0].localeCompare(b[0])));
  const faults = fitFaults(attempted, operations, minSamples);
  if (Object.keys(faults).length > 0) file.faults = faults;
  return file;
}
