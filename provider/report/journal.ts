// A run's journal (schemas/journal.schema.json, written by the executor) as the report's input.
// A drill adds its assertions and cleanup in drill.json beside the journal.

import * as fs from "fs";
import * as path from "path";
import { readJournal } from "../executor/journal/read-journal";
import { defaultRunsDir, JOURNAL_FILE, runDirOf } from "../executor/run-store";
import type { JournalRecord, RunStarted, StepError } from "../generated/journal";
import type { AssertionResult, CleanupRecord } from "../generated/report";
import { ValidationError } from "../errors";
import { parseJsonText } from "../parse-file";
import type { RunRecord, StepEvent } from "./run";

/** What a drill writes beside its journal, so `vmr report` rebuilds the same report later. */
export interface DrillOutcomeFile {
  readonly drill: string;
  readonly assertions: readonly AssertionResult[];
  readonly cleanup: CleanupRecord;
  readonly options?: Readonly<Record<string, string | number | boolean>>;
  /** On the simulator: clock ms per simulated ms. */
  readonly timeScale?: number;
}

export const DRILL_OUTCOME_FILE = "drill.json";

/** A drill's outcome file (assertions, cleanup record), damage reported with the way out. */
export function readOutcomeFile(file: string): DrillOutcomeFile {
  return parseJsonText<DrillOutcomeFile>(fs.readFileSync(file, "utf8"), {
    file,
    wayOut: "Move it aside to report the run from its journal alone (without its assertions), and run `vmr drill --cleanup` to make sure nothing the drill created is left",
  });
}

function errorText(e: StepError): string {
  const where = e.operation && !e.message.startsWith(e.operation) ? `${e.operation}${e.objectId ? ` ${e.objectId}` : ""}: ` : "";
  const kind = e.kind === "adapter" ? (e.failure ?? "adapter") : e.kind;
  return `${where}${e.message} (${kind})`;
}

/** The run's options as the report shows them: mode, SLA policy, and the limits that differ from the plan. */
function optionsOf(started: RunStarted): Record<string, string | number | boolean> {
  const options: Record<string, string | number | boolean> = { mode: started.settings.mode, sla: started.settings.sla };
  for (const [resource, limit] of Object.entries(started.settings.limits)) {
    if (started.plan.resources[resource] !== undefined && started.plan.resources[resource] !== limit) options[`limit ${resource}`] = limit;
  }
  return options;
}

/** Turns journal records into the report's input. */
export function runRecordFromJournal(records: readonly JournalRecord[], drillOutcome?: DrillOutcomeFile): RunRecord {
  const started = records[0] as RunStarted;
  const events: StepEvent[] = [];
  let endedAt: string | undefined;
  for (const r of records) {
    switch (r.type) {
      case "step-started":
        events.push({ at: r.timeMs, step: r.stepId, type: "started", attempt: r.attempt });
        break;
      case "step-retrying":
        events.push({ at: r.timeMs, step: r.stepId, type: "failed", attempt: r.attempt, error: errorText(r.error), final: false });
        break;
      case "step-completed":
        events.push({ at: r.timeMs, step: r.stepId, type: "succeeded" });
        break;
      case "step-failed":
        events.push({ at: r.timeMs, step: r.stepId, type: "failed", error: errorText(r.error), final: true });
        break;
      case "step-skipped":
        events.push({ at: r.timeMs, step: r.stepId, type: "skipped", error: `not run: ${r.blockedBy} failed` });
        break;
      case "run-finished":
        endedAt = r.wallTime;
        break;
      case "run-resumed":
        endedAt = undefined;
        break;
      case "run-discarded":
        // Abandoned while interrupted: the run has no end, and the report says incomplete.
        break;
      case "run-started":
        break;
    }
  }
  const record: RunRecord = {
    runId: started.runId,
    kind: started.plan.kind,
    stack: started.stack ?? started.plan.stack,
    plan: started.plan,
    options: { ...optionsOf(started), ...(drillOutcome?.options ?? {}) },
    startedAt: started.wallTime,
    endedAt,
    startedAtMs: started.timeMs,
    events,
    timeScale: drillOutcome?.timeScale ?? started.timeScale,
    assertions: drillOutcome?.assertions,
    cleanup: drillOutcome?.cleanup,
  };
  return record;
}

/**
 * Finds a run's journal: `run` is a journal file, a run directory, or a run id under `runsDir`
 * (default ./.vmr/runs).
 */
export function locateJournal(run: string, runsDir: string = defaultRunsDir()): string {
  if (fs.existsSync(run) && fs.statSync(run).isFile()) return run;
  if (fs.existsSync(path.join(run, JOURNAL_FILE))) return path.join(run, JOURNAL_FILE);
  const file = path.join(runDirOf(runsDir, run), JOURNAL_FILE);
  if (fs.existsSync(file)) return file;
  throw new ValidationError("run", [
    { path: "RUN", message: `\`RUN\` ${JSON.stringify(run)} is not a journal file, a run directory or a run id under \`${runsDir}\`: list the runs with \`ls ${runsDir}\`, or give --runs-dir` },
  ]);
}

/** Reads a run (and a drill's outcome file beside it) into the report's input. */
export function readRun(journalFile: string): RunRecord {
  const { records } = readJournal(journalFile);
  const outcomeFile = path.join(path.dirname(journalFile), DRILL_OUTCOME_FILE);
  const outcome = fs.existsSync(outcomeFile) ? readOutcomeFile(outcomeFile) : undefined;
  return runRecordFromJournal(records, outcome);
}
