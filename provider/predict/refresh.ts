// `vmr calibrate` and the refresh after a drill: the stack's finished runs, newest first, fitted
// into its stored profile (profile-file.ts). The I/O around calibrate.ts's pure fit.

import { ValidationError } from "../errors";
import { listRuns } from "../executor/run-store";
import type { LatencyProfileFile } from "../generated/latency-profile";
import { readRun } from "../report/journal";
import { calibrate, DEFAULT_MIN_SAMPLES } from "./calibrate";
import { profilePathOf, writeProfile } from "./profile-file";

export interface CalibrateStackOptions {
  readonly stack: string;
  readonly runsDir: string;
  /** The newest runs fitted. @default 20 */
  readonly last?: number;
  readonly minSamples?: number;
  readonly maxAgeDays?: number;
  /** @default profilePathOf(stack) */
  readonly file?: string;
  readonly env?: NodeJS.ProcessEnv;
}

export const DEFAULT_LAST_RUNS = 20;

/** Fits the stack's newest finished runs and stores the profile; throws naming what is missing when nothing can be fitted. */
export async function calibrateStack(o: CalibrateStackOptions): Promise<{ file: string; profile: LatencyProfileFile }> {
  const runs = listRuns(o.runsDir)
    .filter((r) => r.stack === o.stack && r.finished !== undefined)
    .sort((a, b) => b.startedAt.localeCompare(a.startedAt))
    .slice(0, o.last ?? DEFAULT_LAST_RUNS);
  if (runs.length === 0) {
    throw new ValidationError("calibration", [
      { path: "stack", message: `no finished run of stack ${JSON.stringify(o.stack)} under ${o.runsDir}: run a drill first (\`vmr drill --stack ${o.stack}\`), or give \`--runs-dir\`` },
    ]);
  }
  const profile = calibrate(
    runs.map((r) => readRun(r.journalFile)),
    { stack: o.stack, ...(o.minSamples !== undefined ? { minSamples: o.minSamples } : {}), ...(o.maxAgeDays !== undefined ? { maxAgeDays: o.maxAgeDays } : {}) },
  );
  if (Object.keys(profile.operations).length === 0) {
    throw new ValidationError("calibration", [
      { path: "runs", message: `the ${runs.length} runs of stack ${JSON.stringify(o.stack)} measured fewer than ${o.minSamples ?? DEFAULT_MIN_SAMPLES} steps of every operation: run more drills, or lower \`--min-samples\`` },
    ]);
  }
  const file = o.file ?? profilePathOf(o.stack, o.env);
  await writeProfile(file, profile);
  return { file, profile };
}
