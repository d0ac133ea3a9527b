// Monte Carlo prediction of a plan's RTO: many draws of every step's duration from the latency
// profile, each dispatched as the executor would (dispatch.ts), gathered into each group's RTO and
// the makespan per sample. Seeded: the same plan, settings and seed give the same figures.

import type { Plan, Step } from "../generated/plan";
import { seededRandom } from "../random";
import { AFTER_RECOVERY_KINDS } from "../report/build";
import { Dispatcher, type DispatchSettings } from "./dispatch";
import { defaultProfile, profileLabel, type LatencyProfile } from "./profile";
import { compileDraws, drawDurations, type CompiledDraws } from "./sampler";

export const DEFAULT_SAMPLES = 1000;

export interface PredictOptions extends DispatchSettings {
  /** Monte Carlo samples. @default 1000 */
  readonly samples?: number;
  /** @default 1 */
  readonly seed?: number;
  /** @default defaultProfile() */
  readonly profile?: LatencyProfile;
}

/** Every sample's figures, each list ascending. */
export interface Prediction {
  /** The profile, named with its sample count (profileLabel). */
  readonly profile: string;
  readonly samples: number;
  readonly makespan: Float64Array;
  /** By group name: its RTO in every sample (the end of its last LPAR's last recovery step). */
  readonly groups: ReadonlyMap<string, Float64Array>;
}

/** Whether a step's end counts towards its group's RTO: its LPAR's recovery, not what tidies up after. */
export function countsTowardsRto(step: Step): boolean {
  if (step.group === undefined || step.bestEffort === true) return false;
  if (step.phase !== undefined && step.phase !== "main" && step.phase !== "pre") return false;
  return !AFTER_RECOVERY_KINDS.has(step.kind);
}

export function predictRuns(plan: Plan, options: PredictOptions = {}): Prediction {
  const samples = options.samples ?? DEFAULT_SAMPLES;
  checkSamples(samples);
  const runs = new MonteCarlo(plan, options);
  runs.draw(samples);
  return runs.prediction();
}

function checkSamples(samples: number): void {
  if (!Number.isInteger(samples) || samples < 1) throw new RangeError(`\`samples\` is ${samples}; it must be a whole number >= 1`);
}

/** Samples drawn so far (each group's RTO and the makespan, in draw order), extended on demand. */
class MonteCarlo {
  private readonly names: string[];
  private readonly groupOf: Int32Array;
  private readonly dispatcher?: Dispatcher;
  private readonly draws?: CompiledDraws;
  private readonly random: () => number;
  private readonly duration: Float64Array;
  private readonly rto: Float64Array;
  private readonly profile: LatencyProfile;
  /** Per group, then the makespan: every sample so far. */
  readonly values: number[][];

  constructor(plan: Plan, options: PredictOptions) {
    this.profile = options.profile ?? defaultProfile();
    const n = plan.steps.length;
    this.names = [...new Set(plan.groups.map((g) => g.name))];
    const groupIndex = new Map(this.names.map((name, k) => [name, k]));
    this.groupOf = new Int32Array(n).fill(-1);
    plan.steps.forEach((s, i) => {
      if (countsTowardsRto(s)) this.groupOf[i] = groupIndex.get(s.group as string) ?? -1;
    });
    this.values = [...this.names.map(() => []), []];
    this.random = seededRandom(options.seed ?? 1);
    this.duration = new Float64Array(n);
    this.rto = new Float64Array(this.names.length);
    if (n > 0) {
      this.dispatcher = new Dispatcher(plan, options);
      this.draws = compileDraws(plan, this.profile);
    }
  }

  get groupNames(): readonly string[] {
    return this.names;
  }

  get count(): number {
    return this.values[this.names.length].length;
  }

  draw(samples: number): void {
    const { dispatcher, draws, duration, rto, groupOf, values } = this;
    const groups = this.names.length;
    for (let s = 0; s < samples; s++) {
      let end = 0;
      rto.fill(0);
      if (dispatcher !== undefined && draws !== undefined) {
        drawDurations(draws, this.random, duration);
        dispatcher.run(draws, duration);
        const finish = dispatcher.finish;
        for (let i = 0; i < finish.length; i++) {
          const f = finish[i];
          if (f > end) end = f;
          const g = groupOf[i];
          if (g >= 0 && f > rto[g]) rto[g] = f;
        }
      }
      for (let g = 0; g < groups; g++) values[g].push(rto[g]);
      values[groups].push(end);
    }
  }

  prediction(): Prediction {
    const sorted = this.values.map((v) => Float64Array.from(v).sort());
    const groups = new Map(this.names.map((name, k) => [name, sorted[k]]));
    return { profile: profileLabel(this.profile), samples: this.count, makespan: sorted[this.names.length], groups };
  }
}

/** How far, in binomial standard deviations, a sample must put a verdict from its threshold to settle it early. */
const SETTLED_Z = 3;
/** Samples drawn between two looks at the verdicts. */
const SETTLE_BATCH = 200;

/**
 * predictRuns, stopping before `samples` once every budgeted group's verdict at `confidence` is
 * settled: the share of its samples over the budget is more than SETTLED_Z binomial standard
 * deviations from 1 - confidence (with 200 samples: none over a budget at 0.95, or more than
 * 19). The N-1 check predicts a plan per failure: most groups are far inside their budgets, and
 * their verdict does not need 1,000 samples; a close call still gets them all.
 */
export function predictUntilSettled(plan: Plan, confidence: number, options: PredictOptions = {}): Prediction {
  const samples = options.samples ?? DEFAULT_SAMPLES;
  checkSamples(samples);
  const runs = new MonteCarlo(plan, options);
  const budgets = new Map(plan.groups.filter((g) => g.rtoBudgetSeconds !== undefined && g.verdict !== "unplaceable").map((g) => [g.name, g.rtoBudgetSeconds as number]));
  const p0 = 1 - confidence;
  const settled = (): boolean =>
    runs.groupNames.every((name, k) => {
      const budget = budgets.get(name);
      if (budget === undefined) return true;
      const m = runs.count;
      const over = runs.values[k].reduce((c, v) => (v > budget ? c + 1 : c), 0);
      return Math.abs(over - m * p0) > SETTLED_Z * Math.sqrt(m * p0 * (1 - p0));
    });
  do runs.draw(Math.min(SETTLE_BATCH, samples - runs.count));
  while (runs.count < samples && !settled());
  return runs.prediction();
}
