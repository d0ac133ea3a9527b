// Reading a journal back: for resume, for `vmr report`, and for tests. A half-written last line
// (the process died during a write) is ignored; a damaged line anywhere else is an error, since
// resuming from a journal with a hole could repeat or skip work.

import * as fs from "fs";
import { ValidationError } from "../../errors";
import { damaged } from "../../parse-file";
import type { RunDiscarded, RunFinished, RunResumed, RunStarted, StepError } from "../../generated/journal";
import type { JournalRecord } from "../types";

export interface ReadJournalResult {
  readonly records: JournalRecord[];
  /** True when the last line was incomplete and was ignored. */
  readonly tornTail: boolean;
}

export function readJournal(file: string): ReadJournalResult {
  const text = fs.readFileSync(file, "utf8");
  const lines = text.split("\n");
  // A file ending in "\n" splits into a last empty string; anything else there is a torn line.
  const tail = lines.pop() ?? "";
  const records: JournalRecord[] = [];
  lines.forEach((line, index) => {
    try {
      records.push(JSON.parse(line) as JournalRecord);
    } catch (err) {
      throw damaged(err, line, {
        file,
        line: index + 1,
        wayOut: "Resuming from a journal with a hole could repeat or skip steps: restore the file from a backup, or abandon the run with `--discard-unfinished RUN` and plan afresh",
      });
    }
  });
  if (records.length === 0 || records[0].type !== "run-started") {
    throw new ValidationError(`journal ${file}`, [
      {
        path: "line 1",
        message: `\`${file}\` does not start with a \`run-started\` record (found ${records[0]?.type ?? "nothing"}); it is not a run journal`,
      },
    ]);
  }
  if (records[0].formatVersion !== 1) {
    throw new ValidationError(`journal ${file}`, [
      {
        path: "line 1.formatVersion",
        message: `journal format \`${String(records[0].formatVersion)}\` of \`${file}\` is not supported (supported: 1); use the vmr version that wrote it`,
      },
    ]);
  }
  return { records, tornTail: tail.length > 0 };
}

/** What the journal says about one step (its last execution). */
export interface JournaledStep {
  readonly status: "started" | "done" | "failed" | "skipped";
  readonly startedMs?: number;
  readonly finishedMs?: number;
  /** Attempts of the execution that ended the step (or of the interrupted one). */
  readonly attempts: number;
  readonly alreadyDone?: boolean;
  readonly output?: Record<string, unknown>;
  readonly error?: StepError;
  readonly blockedBy?: string;
  /** Times the step's intent was journaled: more than its attempts means it ran again after a crash. */
  readonly intents: number;
}

export interface JournalState {
  readonly started: RunStarted;
  readonly resumes: readonly RunResumed[];
  readonly steps: ReadonlyMap<string, JournaledStep>;
  /** The last `run-finished` record, when the run ended (a resume after it starts a new end). */
  readonly finished?: RunFinished;
  /** The `run-discarded` record, when the operator abandoned the run (it is not resumed). */
  readonly discarded?: RunDiscarded;
  readonly lastTimeMs: number;
}

/** Folds the records into the state of every step. */
export function replayJournal(records: readonly JournalRecord[]): JournalState {
  const started = records[0] as RunStarted;
  const resumes: RunResumed[] = [];
  const steps = new Map<string, JournaledStep>();
  let finished: RunFinished | undefined;
  let discarded: RunDiscarded | undefined;
  let lastTimeMs = started.timeMs;
  for (const r of records) {
    if ("timeMs" in r) lastTimeMs = Math.max(lastTimeMs, r.timeMs);
    switch (r.type) {
      case "run-started":
        break;
      case "run-resumed":
        resumes.push(r);
        finished = undefined;
        break;
      case "run-finished":
        finished = r;
        break;
      case "run-discarded":
        discarded = r;
        break;
      case "step-started": {
        const prev = steps.get(r.stepId);
        const firstOfExecution = !prev || prev.status !== "started" || r.attempt === 1;
        steps.set(r.stepId, {
          status: "started",
          startedMs: firstOfExecution ? r.timeMs : prev!.startedMs,
          attempts: r.attempt,
          intents: (prev?.intents ?? 0) + 1,
        });
        break;
      }
      case "step-retrying":
        break;
      case "step-completed": {
        const prev = steps.get(r.stepId);
        steps.set(r.stepId, {
          status: "done",
          startedMs: r.startedMs,
          finishedMs: r.timeMs,
          attempts: r.attempts,
          alreadyDone: r.alreadyDone,
          output: r.output,
          intents: prev?.intents ?? 0,
        });
        break;
      }
      case "step-failed": {
        const prev = steps.get(r.stepId);
        steps.set(r.stepId, {
          status: "failed",
          startedMs: r.startedMs,
          finishedMs: r.timeMs,
          attempts: r.attempts,
          error: r.error,
          intents: prev?.intents ?? 0,
        });
        break;
      }
      case "step-skipped": {
        const prev = steps.get(r.stepId);
        steps.set(r.stepId, { status: "skipped", finishedMs: r.timeMs, attempts: 0, blockedBy: r.blockedBy, intents: prev?.intents ?? 0 });
        break;
      }
    }
  }
  return { started, resumes, steps, finished, ...(discarded ? { discarded } : {}), lastTimeMs };
}
