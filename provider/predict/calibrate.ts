// Fitting a latency profile from measured runs: every step that ended at its first attempt gives
// one duration of the operation it waits for (steps that wait for several operations, hooks,
// and retried steps are left out: their time is not one operation's). Per operation, and per
// scope (the resources the step held, its target system) where there are minSamples of them, a
// lognormal by its log moments: median exp(mean ln d), p95 median * exp(1.645 sd ln d).

import type { Fit, LatencyProfileFile } from "../generated/latency-profile";
import { STEP_OPERATIONS, type Operation } from "../model/latency";
import type { RunRecord } from "../report/run";
import { scopesOf } from "./sampler";

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
}

/** One measured step: its operation, seconds, and the scopes it ran in. */
export interface MeasuredStep {
  readonly op: Operation;
  readonly seconds: number;
  readonly scopes: readonly string[];
}

/** The single-operation steps of a run that succeeded at their first attempt, in simulated (or wall) seconds. */
export function measuredSteps(run: RunRecord): MeasuredStep[] {
  const scale = run.timeScale ?? 1;
  const startedAt = new Map<string, number>();
  const retried = new Set<string>();
  const ended = new Map<string, number>();
  for (const e of run.events) {
    if (e.type === "started") {
      if ((e.attempt ?? 1) > 1) retried.add(e.step);
      startedAt.set(e.step, e.at);
    } else if (e.type === "succeeded") ended.set(e.step, e.at);
  }
  const out: MeasuredStep[] = [];
  for (const step of run.plan.steps) {
    const ops = STEP_OPERATIONS[step.kind];
    const start = startedAt.get(step.id);
    const end = ended.get(step.id);
    if (ops.length !== 1 || retried.has(step.id) || start === undefined || end === undefined) continue;
    const seconds = (end - start) / scale / 1000;
    // Zero: the adapter found the work done (a fence of an LPAR its crash already stopped).
    if (seconds > 0) out.push({ op: ops[0], seconds, scopes: scopesOf(step) });
  }
  return out;
}

function fit(values: readonly number[]): Fit {
  const logs = values.map((v) => Math.log(v));
  const mean = logs.reduce((a, b) => a + b, 0) / logs.length;
  const variance = logs.length > 1 ? logs.reduce((a, b) => a + (b - mean) ** 2, 0) / (logs.length - 1) : 0;
  const median = Math.exp(mean);
  return { medianSeconds: median, p95Seconds: median * Math.exp(Z95 * Math.sqrt(variance)), samples: values.length };
}

/** The profile file fitted from `runs` (all of the one stack; the caller chooses which). */
export function calibrate(runs: readonly RunRecord[], options: CalibrateOptions): LatencyProfileFile {
  const minSamples = options.minSamples ?? DEFAULT_MIN_SAMPLES;
  const byOp = new Map<Operation, number[]>();
  const byScope = new Map<string, Map<Operation, number[]>>();
  const push = <K>(map: Map<K, number[]>, key: K, v: number): void => {
    const list = map.get(key);
    if (list) list.push(v);
    else map.set(key, [v]);
  };
  for (const run of runs) {
    for (const m of measuredSteps(run)) {
      push(byOp, m.op, m.seconds);
      for (const scope of m.scopes) {
        let ops = byScope.get(scope);
        if (!ops) byScope.set(scope, (ops = new Map()));
        push(ops, m.op, m.seconds);
      }
    }
  }
  const operations: Record<string, Fit> = {};
  for (const [op, values] of [...byOp].sort((a, b) => a[0].localeCompare(b[0]))) if (values.length >= minSamples) operations[op] = fit(values);
  const scoped: Record<string, Record<string, Fit>> = {};
  for (const [scope, ops] of [...byScope].sort((a, b) => a[0].localeCompare(b[0]))) {
    for (const [op, values] of [...ops].sort((a, b) => a[0].localeCompare(b[0]))) {
      // A scope holding every sample of the operation says nothing the wider fit does not.
      if (values.length >= minSamples && values.length < (byOp.get(op)?.length ?? 0)) (scoped[scope] ??= {})[op] = fit(values);
    }
  }
  const starts = runs.map((r) => r.startedAt).sort();
  const now = (options.now ?? new Date()).toISOString();
  const file: LatencyProfileFile = {
    formatVersion: 1,
    stack: options.stack,
    createdAt: now,
    window: { from: starts[0] ?? now, to: starts[starts.length - 1] ?? now },
    maxAgeDays: options.maxAgeDays ?? DEFAULT_MAX_AGE_DAYS,
    minSamples,
    runs: runs.map((r) => r.runId),
    operations,
  };
  if (Object.keys(scoped).length > 0) file.scoped = scoped;
  return file;
}
