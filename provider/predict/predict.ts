// Monte Carlo prediction of a plan's RTO: many draws of every step's duration from the latency
// profile, each dispatched as the executor would (dispatch.ts), gathered into each group's RTO and
// the makespan per sample. Seeded: the same plan, settings and seed give the same figures.

import type { Plan, Step } from "../generated/plan";
import { seededRandomAt } from "../random";
import { AFTER_RECOVERY_KINDS } from "../report/build";
import { Dispatcher, type DispatchSettings } from "./dispatch";
import { defaultProfile, profileLabel, type LatencyProfile } from "./profile";
import { drawDurations, drawsPerSample } from "./sampler";
import { samplingInput, type SamplingInput } from "./sampling-input";
import { drawOnThreads, threadsFor } from "./threads";

export const DEFAULT_SAMPLES = 1000;

export interface PredictOptions extends DispatchSettings {
  /** Monte Carlo samples. @default 1000 */
  readonly samples?: number;
  /** @default 1 */
  readonly seed?: number;
  /** @default defaultProfile() */
  readonly profile?: LatencyProfile;
  /**
   * Threads to draw the samples on, this one included (threads.ts). The figures are the same on
   * any number. @default as many as the machine has cores, when the work is large enough to pay for a thread
   */
  readonly threads?: number;
}

/** Every sample's figures, each list ascending. */
export interface Prediction {
  /** The profile, named with its sample count (profileLabel). */
  readonly profile: string;
  readonly samples: number;
  readonly makespan: Float64Array;
  /** By group name: its RTO in every sample (the end of its last LPAR's last recovery step). */
  readonly groups: ReadonlyMap<string, Float64Array>;
  /** Threads the samples were drawn on. */
  readonly threads: number;
}

/** Whether a step's end counts towards its group's RTO: its LPAR's recovery, not what tidies up after. */
export function countsTowardsRto(step: Step): boolean {
  if (step.group === undefined || step.bestEffort === true) return false;
  if (step.phase !== undefined && step.phase !== "main" && step.phase !== "pre") return false;
  return !AFTER_RECOVERY_KINDS.has(step.kind);
}

function inputOf(plan: Plan, options: PredictOptions): SamplingInput {
  return samplingInput(plan, options, options.profile ?? defaultProfile(), (s) => (countsTowardsRto(s) ? s.group : undefined));
}

export function predictRuns(plan: Plan, options: PredictOptions = {}): Prediction {
  const samples = options.samples ?? DEFAULT_SAMPLES;
  checkSamples(samples);
  const profile = profileLabel(options.profile ?? defaultProfile());
  const input = inputOf(plan, options);
  const seed = options.seed ?? 1;
  const drawHere = (firstSample: number, count: number): number[][] => {
    const runs = new MonteCarlo(input, seed, firstSample);
    runs.draw(count);
    return runs.values;
  };
  const threads = threadsFor(input.steps * samples, options.threads);
  if (threads === 1) return sortedPrediction(input.groupNames, drawHere(0, samples), profile, 1);
  const drawn = drawOnThreads(input, seed, samples, threads, drawHere);
  return sortedPrediction(input.groupNames, drawn.values, profile, drawn.threads);
}

function checkSamples(samples: number): void {
  if (!Number.isInteger(samples) || samples < 1) throw new RangeError(`\`samples\` is ${samples}; it must be a whole number >= 1`);
}

function sortedPrediction(names: readonly string[], values: readonly ArrayLike<number>[], profile: string, threads: number): Prediction {
  const sorted = values.map((v) => Float64Array.from(v).sort());
  const groups = new Map(names.map((name, k) => [name, sorted[k]]));
  return { profile, samples: sorted[names.length].length, makespan: sorted[names.length], groups, threads };
}

/**
 * Samples drawn so far (each group's RTO and the makespan, in draw order), extended on demand.
 * Sample s reads the seed's stream from number s * drawsPerSample on: a range of samples drawn
 * elsewhere (a worker thread, from `firstSample`) is the same as drawn here.
 */
export class MonteCarlo {
  private readonly dispatcher?: Dispatcher;
  private readonly random: () => number;
  private readonly duration: Float64Array;
  private readonly rto: Float64Array;
  /** Per group, then the makespan: every sample so far. */
  readonly values: number[][];

  constructor(
    private readonly input: SamplingInput,
    seed: number,
    firstSample = 0,
  ) {
    const n = input.steps;
    this.values = [...input.groupNames.map(() => []), []];
    this.random = seededRandomAt(seed, firstSample * drawsPerSample(input.draws));
    this.duration = new Float64Array(n);
    this.rto = new Float64Array(input.groupNames.length);
    if (n > 0) this.dispatcher = new Dispatcher(input);
  }

  get groupNames(): readonly string[] {
    return this.input.groupNames;
  }

  get count(): number {
    return this.values[this.input.groupNames.length].length;
  }

  draw(samples: number): void {
    const { dispatcher, duration, rto, values } = this;
    const { draws, groupOf } = this.input;
    const groups = this.input.groupNames.length;
    for (let s = 0; s < samples; s++) {
      let end = 0;
      rto.fill(0);
      if (dispatcher !== undefined) {
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
  const runs = new MonteCarlo(inputOf(plan, options), options.seed ?? 1);
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
  return sortedPrediction(runs.groupNames, runs.values, profileLabel(options.profile ?? defaultProfile()), 1);
}
