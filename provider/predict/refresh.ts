// `vmr calibrate` and the refresh after a drill: the stack's finished runs, newest first, fitted
// into its stored profile (profile-file.ts). The I/O around calibrate.ts's pure fit. The runs are
// read, and the profile kept, through the run-store interface, so a stack whose runs live in etcd
// (every operator's drills, from any machine) is fitted the same way as one with a per-user file
// store, and every operator of it predicts with the result.

import { ValidationError } from "../errors";
import type { LatencyProfileFile } from "../generated/latency-profile";
import { parseJsonText } from "../parse-file";
import { DRILL_OUTCOME_FILE, runRecordFromJournal, type DrillOutcomeFile } from "../report/journal";
import type { RunRecord } from "../report/run";
import type { RunStore, StoredRun } from "../run-store/types";
import { calibrate, DEFAULT_MIN_SAMPLES } from "./calibrate";
import { profileText, writeProfile } from "./profile-file";

export interface CalibrateStackOptions {
  readonly stack: string;
  /** Where the stack's runs are: its file or etcd run store. */
  readonly store: RunStore;
  /** The newest runs fitted. @default 20 */
  readonly last?: number;
  readonly minSamples?: number;
  readonly maxAgeDays?: number;
  /** Write the profile to this file instead of the run store. */
  readonly file?: string;
}

export const DEFAULT_LAST_RUNS = 20;

/** Fits the stack's newest finished runs and stores the profile; throws naming what is missing when nothing can be fitted. */
export async function calibrateStack(o: CalibrateStackOptions): Promise<{ where: string; profile: LatencyProfileFile }> {
  const runs = (await o.store.listRuns())
    .filter((r) => r.stack === o.stack && r.finished !== undefined)
    .sort((a, b) => b.startedAt.localeCompare(a.startedAt))
    .slice(0, o.last ?? DEFAULT_LAST_RUNS);
  if (runs.length === 0) {
    throw new ValidationError("calibration", [
      { path: "stack", message: `no finished run of stack ${JSON.stringify(o.stack)} in ${o.store.where}: run a drill first (\`vmr drill --stack ${o.stack}\`), or give \`--runs-dir\`` },
    ]);
  }
  const profile = calibrate(
    await Promise.all(runs.map((r) => readStoredRun(o.store, r))),
    { stack: o.stack, ...(o.minSamples !== undefined ? { minSamples: o.minSamples } : {}), ...(o.maxAgeDays !== undefined ? { maxAgeDays: o.maxAgeDays } : {}) },
  );
  if (Object.keys(profile.operations).length === 0) {
    throw new ValidationError("calibration", [
      { path: "runs", message: `the ${runs.length} runs of stack ${JSON.stringify(o.stack)} measured fewer than ${o.minSamples ?? DEFAULT_MIN_SAMPLES} steps of every operation: run more drills, or lower \`--min-samples\`` },
    ]);
  }
  if (o.file !== undefined) {
    await writeProfile(o.file, profile);
    return { where: o.file, profile };
  }
  await o.store.putProfile(profileText(profile));
  return { where: o.store.profileWhere, profile };
}

/** A run's journal, and a drill's outcome beside it, from the store into the report's input. */
async function readStoredRun(store: RunStore, run: StoredRun): Promise<RunRecord> {
  const records = await store.readRecords(run.runId);
  const outcomeText = await store.getArtifact(run.runId, DRILL_OUTCOME_FILE);
  const outcome =
    outcomeText === undefined
      ? undefined
      : parseJsonText<DrillOutcomeFile>(outcomeText, { file: `${store.where} run ${run.runId} ${DRILL_OUTCOME_FILE}`, wayOut: "Remove it to fit the run from its journal alone" });
  return runRecordFromJournal(records, outcome);
}
