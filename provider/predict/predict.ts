// Monte Carlo prediction of a plan's RTO: many draws of every step's duration from the latency
// profile, each dispatched as the executor would (dispatch.ts), gathered into each group's RTO and
// the makespan per sample. Seeded: the same plan, settings and seed give the same figures.

import type { Plan, Step } from "../generated/plan";
import { seededRandom } from "../random";
import { AFTER_RECOVERY_KINDS } from "../report/build";
import { Dispatcher, type DispatchSettings } from "./dispatch";
import { defaultProfile, profileLabel, type LatencyProfile } from "./profile";
import { compileDraws, drawDurations } from "./sampler";

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
  if (!Number.isInteger(samples) || samples < 1) throw new RangeError(`\`samples\` is ${samples}; it must be a whole number >= 1`);
  const profile = options.profile ?? defaultProfile();
  const n = plan.steps.length;
  const names = [...new Set(plan.groups.map((g) => g.name))];
  const groupIndex = new Map(names.map((name, k) => [name, k]));
  const groupOf = new Int32Array(n).fill(-1);
  plan.steps.forEach((s, i) => {
    if (countsTowardsRto(s)) groupOf[i] = groupIndex.get(s.group as string) ?? -1;
  });
  const perGroup = names.map(() => new Float64Array(samples));
  const makespan = new Float64Array(samples);
  if (n > 0) {
    const dispatcher = new Dispatcher(plan, options);
    const finish = dispatcher.finish;
    const draws = compileDraws(plan, profile);
    const random = seededRandom(options.seed ?? 1);
    const duration = new Float64Array(n);
    const rto = new Float64Array(names.length);
    for (let s = 0; s < samples; s++) {
      drawDurations(draws, random, duration);
      dispatcher.run(draws, duration);
      rto.fill(0);
      let end = 0;
      for (let i = 0; i < n; i++) {
        const f = finish[i];
        if (f > end) end = f;
        const g = groupOf[i];
        if (g >= 0 && f > rto[g]) rto[g] = f;
      }
      makespan[s] = end;
      for (let g = 0; g < names.length; g++) perGroup[g][s] = rto[g];
    }
  }
  makespan.sort();
  for (const list of perGroup) list.sort();
  return { profile: profileLabel(profile), samples, makespan, groups: new Map(names.map((name, k) => [name, perGroup[k]])) };
}
