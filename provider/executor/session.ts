// A recorded run: take the stack's lock, create the run directory and its journal, run the plan,
// release. Resume finds the run's journal, takes the lock again and continues from what the
// journal says ended. This is what `vmr failover`, `vmr failback` and `vmr drill` call.

import * as os from "os";
import type { Adapters } from "../adapters";
import { ValidationError } from "../errors";
import type { RunDiscarded } from "../generated/journal";
import type { Plan } from "../generated/plan";
import { FileJournal } from "./journal/file-journal";
import { readJournal, replayJournal } from "./journal/read-journal";
import { acquireStackLock, type StackLock } from "./lock";
import { continueRun, runPlan, type RunPlanOptions } from "./run";
import { newRunId } from "./run-id";
import { createRunDir, defaultRunsDir, journalFileOf, latestUnfinishedRun, readRunHeader, runDirOf } from "./run-store";
import type { RunResult } from "./types";

export interface RecordedRunOptions extends Omit<RunPlanOptions, "journal"> {
  /** @default ./.vmr/runs */
  readonly runsDir?: string;
  /** Lock scope: one run at a time per stack. @default plan.stack, else "default" */
  readonly stack?: string;
  /** What the lock says the holder is doing. @default the plan's kind */
  readonly purpose?: string;
  /** Stale time of the stack lock (ms). @default 10000 */
  readonly lockStaleMs?: number;
  /** fsync the journal. Turn off only for throwaway runs. @default true */
  readonly fsync?: boolean;
  /** The stack's lock, already taken by the caller (who planned under it); it stays held. */
  readonly heldLock?: StackLock;
}

export interface RecordedRunResult extends RunResult {
  readonly runDir: string;
  readonly journalFile: string;
}

/** Runs `plan` with a journal under the runs directory, holding the stack's lock. */
export async function startRun(plan: Plan, adapters: Adapters, options: RecordedRunOptions = {}): Promise<RecordedRunResult> {
  const runsDir = options.runsDir ?? defaultRunsDir();
  const stack = options.stack ?? plan.stack ?? "default";
  const runId = options.runId ?? newRunId(new Date());
  const stop = stopper(options.signal);
  const lock = options.heldLock ?? (await acquireStackLock(runsDir, stack, { runId, purpose: options.purpose ?? plan.kind }, { staleMs: options.lockStaleMs, onCompromised: stop.lockLost }));
  try {
    const runDir = createRunDir(runsDir, runId);
    const journalFile = journalFileOf(runDir);
    const journal = new FileJournal(journalFile, { fsync: options.fsync });
    try {
      const result = await runPlan(plan, adapters, { ...options, runId, journal, signal: stop.signal });
      return { ...result, runDir, journalFile };
    } finally {
      await journal.close();
    }
  } finally {
    if (!options.heldLock) await lock.release();
  }
}

export interface ResumeOptions extends RecordedRunOptions {
  /** The run to continue; the newest unfinished run of the stack when absent. */
  readonly runId?: string;
  /** Run again the steps that failed (after the cause was fixed). @default false */
  readonly retryFailed?: boolean;
}

/** Continues an interrupted run without repeating a step whose completion was journaled. */
export async function resumeRun(adapters: Adapters, options: ResumeOptions = {}): Promise<RecordedRunResult> {
  const runsDir = options.runsDir ?? defaultRunsDir();
  let runId = options.runId;
  if (runId === undefined) {
    const latest = latestUnfinishedRun(runsDir, options.stack);
    if (!latest) {
      throw new ValidationError("resume", [
        {
          path: "runId",
          message: `no unfinished run${options.stack ? ` of stack ${options.stack}` : ""} under \`${runsDir}\`; give the run id to resume (\`--resume RUN\`)`,
        },
      ]);
    }
    runId = latest.runId;
  }
  const runDir = runDirOf(runsDir, runId);
  const journalFile = journalFileOf(runDir);
  // The stack (the lock's scope) comes from the journal's first line; the whole journal is read
  // under the lock, since a live holder may still be appending.
  const header = readRunHeader(journalFile);
  const stack = options.stack ?? header.stack ?? header.plan.stack ?? "default";
  const stop = stopper(options.signal);
  const lock =
    options.heldLock ??
    (await acquireStackLock(runsDir, stack, { runId, purpose: `resume of ${options.purpose ?? header.plan.kind}` }, { staleMs: options.lockStaleMs, onCompromised: stop.lockLost }));
  try {
    const state = replayJournal(readJournal(journalFile).records);
    if (state.discarded) {
      throw new ValidationError("resume", [
        {
          path: "runId",
          message: `run ${runId} was discarded at ${state.discarded.wallTime}${state.discarded.replacedBy ? ` for run ${state.discarded.replacedBy}` : ""}: it is not resumed; plan a fresh run from the hardware's state now`,
        },
      ]);
    }
    if (state.finished && !options.retryFailed) {
      throw new ValidationError("resume", [
        {
          path: "runId",
          message: `run ${runId} already finished (${state.finished.status}): nothing to resume${state.finished.status === "failed" ? "; to run its failed steps again once their cause is fixed, add --retry-failed" : ""}`,
        },
      ]);
    }
    const journal = new FileJournal(journalFile, { fsync: options.fsync });
    try {
      const result = await continueRun(state, adapters, { ...options, runId, journal, signal: stop.signal });
      return { ...result, runDir, journalFile };
    } finally {
      await journal.close();
    }
  } finally {
    if (!options.heldLock) await lock.release();
  }
}

export interface DiscardOptions {
  /** The run started in its place, recorded in the discarded run's journal. */
  readonly replacedBy?: string;
  /** @default true */
  readonly fsync?: boolean;
}

/**
 * Abandons an interrupted run: appends `run-discarded` (with the steps whose intent has no
 * completion) to its journal, which is kept. It is then neither resumed nor in the way of a
 * fresh run of its stack. The caller holds the stack's lock.
 */
export async function discardRun(runsDir: string, runId: string, options: DiscardOptions = {}): Promise<RunDiscarded> {
  const journalFile = journalFileOf(runDirOf(runsDir, runId));
  const state = replayJournal(readJournal(journalFile).records);
  if (state.finished || state.discarded) {
    const end = state.finished ? `finished (${state.finished.status})` : "was discarded already";
    throw new ValidationError("discard", [{ path: "runId", message: `run ${runId} ${end}: only an interrupted run is discarded` }]);
  }
  const record: RunDiscarded = {
    type: "run-discarded",
    wallTime: new Date().toISOString(),
    process: { pid: process.pid, host: os.hostname() },
    interruptedSteps: [...state.steps].filter(([, step]) => step.status === "started").map(([id]) => id),
    ...(options.replacedBy !== undefined ? { replacedBy: options.replacedBy } : {}),
  };
  const journal = new FileJournal(journalFile, { fsync: options.fsync });
  try {
    await journal.append(record);
  } finally {
    await journal.close();
  }
  return record;
}

/**
 * The run's stop signal: the caller's (Ctrl-C), or the loss of the stack lock, since another
 * process that took it over may be running the same steps.
 */
export function stopper(outer: AbortSignal | undefined): { signal: AbortSignal; lockLost: (err: Error) => void } {
  const controller = new AbortController();
  if (outer) {
    if (outer.aborted) controller.abort(outer.reason);
    else outer.addEventListener("abort", () => controller.abort(outer.reason), { once: true });
  }
  return { signal: controller.signal, lockLost: (err) => controller.abort(new Error(`the stack lock was lost: ${err.message}`)) };
}
