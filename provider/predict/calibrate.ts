// Fitting a latency profile from measured runs: every step that succeeded gives one duration of
// the operation it waits for, its last attempt's (steps that wait for several operations, and
// hooks, are left out: their time is not one operation's). A wait for a boot (VerifyLpar) is
// measured from its dependencies' end, where the boot started, as the prediction draws it. Each
// fit is a lognormal by its log moments: median exp(mean ln d), p95 median * exp(1.645 sd ln d).
//
// Faults: per operation, the share of its attempts that failed transiently (the executor tried
// again), and a failed attempt's mean time over the operation's mean duration. A busy HMC
// refusing at once and a job failing half way cost a retry alike, but not the same time. A scope
// whose attempts fail at a rate that differs by more than chance (a flaky server) is fitted
// apart, by the same one-sided rule as durations.
//
// Per operation, a scope (a resource the step held, its target system) is fitted apart when it
// has minSamples measurements and they differ from the operation's by more than chance (a slower
// server): a scope measuring like the rest is better described by the wider fit, drawn from more
// samples. The wider fit is then made of the steps it will predict: those of no scope fitted apart.

import type { FaultFit, Fit, LatencyProfileFile } from "../generated/latency-profile";
import { lognormalOf, STEP_OPERATIONS, type Operation } from "../model/latency";
import type { RunRecord } from "../report/run";
import { precedence, scopesOf, waitsForBootStarted } from "./sampler";

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
  /** The scopes it ran in (sampler.ts scopesOf), as a measured step's. */
  readonly scopes: readonly string[];
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
    out.push({ op: ops[0], attempts: a.count, failedSeconds: a.failedSeconds, scopes: scopesOf(step) });
  }
  return out;
}

/** The lognormal's mean: median * exp(sigma^2 / 2). */
function meanOf(f: Fit): number {
  const { sigma } = lognormalOf(f);
  return f.medianSeconds * Math.exp((sigma * sigma) / 2);
}

/** The fault figures of some measured steps' attempts, against the mean of the operation's fitted duration. */
function faultFitOf(measured: readonly MeasuredAttempts[], duration: Fit): FaultFit {
  let attempts = 0;
  let failed = 0;
  let failedSum = 0;
  for (const m of measured) {
    attempts += m.attempts;
    failed += m.failedSeconds.length;
    for (const v of m.failedSeconds) failedSum += v;
  }
  return { attempts, failed, failedShare: failed > 0 ? Math.min(1, failedSum / failed / meanOf(duration)) : 0 };
}

/**
 * Whether a scope's attempts failed at a rate that differs from the operation's `rate` by more
 * than chance: its share of failed attempts, against the binomial's standard error at `rate`,
 * above by SLOWER_Z (more retries: predicted too fast if missed) or below by FASTER_Z.
 */
function failsDifferently(scope: FaultFit, rate: number): boolean {
  if (rate <= 0 || rate >= 1) return false;
  return offBySide((scope.failed / scope.attempts - rate) / Math.sqrt((rate * (1 - rate)) / scope.attempts));
}

/**
 * Per operation with minSamples attempts (of every run's `measured`) and a fitted duration: its
 * fault rate and a failed attempt's share; and apart, as durations are, per scope whose rate
 * differs (a flaky server), the operation's then made of the attempts of no scope fitted apart.
 */
function fitFaults(
  measured: readonly MeasuredAttempts[],
  operations: Readonly<Record<string, Fit>>,
  scoped: Readonly<Record<string, Readonly<Record<string, Fit>>>>,
  o: { minSamples: number; fitApart: boolean },
): { faults: Record<string, FaultFit>; scopedFaults: Record<string, Record<string, FaultFit>> } {
  const byOp = new Map<Operation, MeasuredAttempts[]>();
  for (const m of measured) {
    const list = byOp.get(m.op);
    if (list) list.push(m);
    else byOp.set(m.op, [m]);
  }
  const faults: Record<string, FaultFit> = {};
  const scopedFaults: Record<string, Record<string, FaultFit>> = {};
  for (const [op, list] of [...byOp].sort((a, b) => a[0].localeCompare(b[0]))) {
    const duration = operations[op];
    if (duration === undefined) continue;
    const all = faultFitOf(list, duration);
    if (all.attempts < o.minSamples) continue;
    const apart = new Set<string>();
    if (o.fitApart) {
      const byScope = new Map<string, MeasuredAttempts[]>();
      for (const m of list) {
        for (const scope of m.scopes) {
          const steps = byScope.get(scope);
          if (steps) steps.push(m);
          else byScope.set(scope, [m]);
        }
      }
      // The narrowest scopes first, as the sampler consults them; a wider one (an HMC) is judged
      // on its steps in no narrower scope fitted apart, so that one flaky server does not make
      // its HMC's other servers flaky too.
      for (const [scope, held] of [...byScope].sort((a, b) => precedence(a[0]) - precedence(b[0]) || a[0].localeCompare(b[0]))) {
        // A scope holding every step of the operation says nothing the wider fit does not.
        if (held.length === list.length) continue;
        const steps = held.filter((m) => !m.scopes.some((other) => apart.has(other)));
        const own = faultFitOf(steps, scoped[scope]?.[op] ?? duration);
        if (own.attempts < o.minSamples || !failsDifferently(own, all.failed / all.attempts)) continue;
        (scopedFaults[scope] ??= {})[op] = own;
        apart.add(scope);
      }
    }
    const rest = list.filter((m) => !m.scopes.some((scope) => apart.has(scope)));
    const wider = faultFitOf(rest, duration);
    faults[op] = wider.attempts >= o.minSamples ? wider : all;
  }
  return { faults, scopedFaults };
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
 * 0.02%) leaves a chance fit on this side in about 1 calibration in 70; a server truly 30% faster
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
  return offBySide(meanZ) || offBySide(varianceZ);
}

/** Whether a scope's z-score (positive: slower, wider or failing more) is past its side's threshold. */
function offBySide(z: number): boolean {
  return z > SLOWER_Z || z < -FASTER_Z;
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
  const { faults, scopedFaults } = fitFaults(attempted, operations, scoped, { minSamples, fitApart: options.fitApart !== false });
  if (Object.keys(faults).length > 0) file.faults = faults;
  if (Object.keys(scopedFaults).length > 0) file.scopedFaults = Object.fromEntries(Object.entries(scopedFaults).sort((a, b) => a[0].localeCompare(b[0])));
  return file;
}
