// Monte Carlo prediction of a plan's RTO: many draws of every step's duration from the latency
// profile, each dispatched as the executor would (dispatch.ts), gathered into each group's RTO and
// the makespan per sample. Seeded: the same plan, settings and seed give the same figures.

import type { Plan, Step } from "../generated/plan";
import { seededRandom, seededRandomAt } from "../random";
import { AFTER_RECOVERY_KINDS } from "../report/build";
import { Dispatcher, type DispatchSettings } from "./dispatch";
import { defaultProfile, profileLabel, type LatencyProfile } from "./profile";
import { drawDurations, drawsPerSample } from "./sampler";
import { looks, settledVerdict, tailPerLook } from "./settle";
import { samplingInput, type SamplingInput } from "./sampling-input";
import { drawOnThreads, threadsFor } from "./threads";

export const DEFAULT_SAMPLES = 1000;

/** Sets the failed attempts' streams apart from the durations' (same seed). */
const FAULT_SALT = 0x5bd1e995;

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
  /** By group name: its RTO in every sample (the end of its last LPAR's last recovery step; Infinity where a step it needs failed every attempt: not up without an operator). */
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

/** What the samples of `plan` read (sampling-input.ts), its steps' ends counted towards their groups' RTO. */
export function predictionInput(plan: Plan, options: PredictOptions): SamplingInput {
  return samplingInput(plan, options, options.profile ?? defaultProfile(), (s) => (countsTowardsRto(s) ? s.group : undefined));
}

export function predictRuns(plan: Plan, options: PredictOptions = {}): Prediction {
  const samples = options.samples ?? DEFAULT_SAMPLES;
  checkSamples(samples);
  const profile = profileLabel(options.profile ?? defaultProfile());
  const input = predictionInput(plan, options);
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

export function sortedPrediction(names: readonly string[], values: readonly ArrayLike<number>[], profile: string, threads: number): Prediction {
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
  /** Seed of the failed attempts' streams, one per sample (drawDurations). */
  private readonly faultSeed: number;
  private readonly duration: Float64Array;
  /** By step, in the sample being drawn: 1 when it failed every attempt. */
  private readonly stops: Uint8Array;
  private readonly rto: Float64Array;
  /** The steps whose end counts towards a group's RTO, and that group's place. */
  private readonly counted: Int32Array;
  private readonly countedGroup: Int32Array;
  /** Per group, then the makespan: every sample so far. */
  readonly values: number[][];

  constructor(
    private readonly input: SamplingInput,
    seed: number,
    private readonly firstSample = 0,
  ) {
    const n = input.steps;
    this.values = [...input.groupNames.map(() => []), []];
    this.random = seededRandomAt(seed, firstSample * drawsPerSample(input.draws));
    this.faultSeed = (seed ^ FAULT_SALT) >>> 0;
    this.duration = new Float64Array(n);
    this.stops = new Uint8Array(n);
    this.rto = new Float64Array(input.groupNames.length);
    const counted: number[] = [];
    for (let i = 0; i < n; i++) if (input.groupOf[i] >= 0) counted.push(i);
    this.counted = Int32Array.from(counted);
    this.countedGroup = Int32Array.from(counted, (i) => input.groupOf[i]);
    if (n > 0) this.dispatcher = new Dispatcher(input);
  }

  get groupNames(): readonly string[] {
    return this.input.groupNames;
  }

  get count(): number {
    return this.values[this.input.groupNames.length].length;
  }

  /**
   * Sample s's own stream for its failed attempts, which take as many numbers as they fail: its
   * start is scrambled from (seed, s), so that no two samples' streams meet in practice and a
   * sample draws the same wherever it is drawn.
   */
  private faultsOf(sample: number): () => number {
    const start = seededRandom((this.faultSeed ^ Math.imul(sample + 1, 0x9e3779b1)) >>> 0)();
    return seededRandom(Math.floor(start * 4294967296));
  }

  draw(samples: number): void {
    const { dispatcher, duration, stops, rto, values, counted, countedGroup } = this;
    const { draws } = this.input;
    const groups = this.input.groupNames.length;
    for (let s = 0; s < samples; s++) {
      let end = 0;
      rto.fill(0);
      if (dispatcher !== undefined) {
        drawDurations(draws, this.random, duration, draws.faulty ? this.faultsOf(this.firstSample + this.count) : undefined, stops);
        dispatcher.run(draws, duration, draws.faulty ? stops : undefined);
        const finish = dispatcher.finish;
        end = dispatcher.makespan;
        for (let c = 0; c < counted.length; c++) {
          const f = finish[counted[c]];
          const g = countedGroup[c];
          if (f > rto[g]) rto[g] = f;
        }
      }
      for (let g = 0; g < groups; g++) values[g].push(rto[g]);
      values[groups].push(end);
    }
  }
}

/**
 * When predictUntilSettled stops: `each-group` once every budgeted group's verdict is settled;
 * `first-over` as soon as one group is settled over its budget, or every group within (what the
 * N-1 check needs: one group over makes the failure not survivable, whatever the others do).
 */
export type SettleUntil = "each-group" | "first-over";

/**
 * predictRuns, stopping before `samples` once the verdicts at `confidence` are settled (settle.ts:
 * an exact binomial test at each of looks() sample counts: 25, 32, 40, 50, ...). The N-1
 * check predicts a plan per failure: most groups are far inside their budgets, and their verdict
 * does not need 1,000 samples; a close call still gets them all. The samples are predictRuns'
 * first ones, whatever the stop.
 */
export function predictUntilSettled(plan: Plan, confidence: number, options: PredictOptions & { readonly until?: SettleUntil } = {}): Prediction {
  const input = predictionInput(plan, options);
  const values = drawUntilSettled(input, budgetsOf(plan, input.groupNames), confidence, options);
  return sortedPrediction(input.groupNames, values, profileLabel(options.profile ?? defaultProfile()), 1);
}

/** The budget to settle of each group named, by place: undefined for a group without one, or unplaceable. */
export function budgetsOf(plan: Plan, names: readonly string[]): (number | undefined)[] {
  const budgets = new Map(plan.groups.filter((g) => g.rtoBudgetSeconds !== undefined && g.verdict !== "unplaceable").map((g) => [g.name, g.rtoBudgetSeconds as number]));
  return names.map((name) => budgets.get(name));
}

/** The samples of predictUntilSettled, for `budgets` by place in input.groupNames (undefined: none to settle). */
export function drawUntilSettled(input: SamplingInput, budgets: readonly (number | undefined)[], confidence: number, options: Pick<PredictOptions, "samples" | "seed"> & { readonly until?: SettleUntil }): number[][] {
  const samples = options.samples ?? DEFAULT_SAMPLES;
  checkSamples(samples);
  const until = options.until ?? "each-group";
  const runs = new MonteCarlo(input, options.seed ?? 1);
  const overs = budgets.map(() => 0);
  const tail = tailPerLook(samples);
  for (const m of looks(samples)) {
    const from = runs.count;
    runs.draw(m - from);
    let open = false;
    for (let k = 0; k < budgets.length; k++) {
      const budget = budgets[k];
      if (budget === undefined) continue;
      const drawn = runs.values[k];
      for (let s = from; s < m; s++) if (drawn[s] > budget) overs[k]++;
      const verdict = settledVerdict(overs[k], m, confidence, tail);
      if (verdict === "over" && until === "first-over") return runs.values;
      if (verdict === undefined) open = true;
    }
    if (!open) break;
  }
  return runs.values;
}
