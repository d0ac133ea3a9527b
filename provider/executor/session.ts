// A recorded run: take the stack's lock in the run store, create the run's journal there, run the
// plan, release. Resume finds the run's journal, takes the lock again and continues from what the
// journal says ended. This is what `vmr failover`, `vmr failback` and `vmr drill` call. The
// adapters a run uses are fenced by its lock: before each operation the lock must still be held
// (a lease renewed within its TTL), so a run that lost it touches no hardware more.

import * as os from "os";
import type { Adapters } from "../adapters";
import { ValidationError } from "../errors";
import type { RunDiscarded } from "../generated/journal";
import type { Plan } from "../generated/plan";
import { FileRunStore } from "../run-store/file-store";
import type { RunStore } from "../run-store/types";
import { replayJournal } from "./journal/read-journal";
import type { StackLock } from "./lock";
import { continueRun, runPlan, type RunPlanOptions } from "./run";
import { newRunId } from "./run-id";
import { defaultRunsDir, journalFileOf } from "./run-store";
import type { RunResult } from "./types";

export interface RecordedRunOptions extends Omit<RunPlanOptions, "journal"> {
  /** Where the lock and the journal live. @default a file store in `runsDir` */
  readonly store?: RunStore;
  /** The file store's directory when no `store` is given. @default ./.vmr/runs */
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
  /** A directory on this machine for the run's files (its report): the run's own in a file store. */
  readonly runDir: string;
  /** The journal file (file store), or where the journal is in the store (etcd). */
  readonly journalFile: string;
  readonly store: RunStore;
}

/** The store a run uses: the caller's, else a file store in `runsDir`. */
export function storeOf(options: { store?: RunStore; runsDir?: string }, stack: string): RunStore {
  return options.store ?? new FileRunStore(options.runsDir ?? defaultRunsDir(), stack);
}

function locationOf(store: RunStore, runId: string): { runDir: string; journalFile: string } {
  const runDir = store.localRunDir(runId);
  return { runDir, journalFile: store instanceof FileRunStore ? journalFileOf(runDir) : `${store.where} run ${runId}` };
}

/**
 * The adapters as a run under `lock` sees them: every operation first checks that the lock is
 * still held, so a run that lost it (frozen past its lease, cut off from the store) issues no
 * further hardware operation, whatever step it was about to take.
 */
export function fencedAdapters(adapters: Adapters, lock: StackLock): Adapters {
  const fence = <T extends object>(target: T): T =>
    new Proxy(target, {
      get(obj, key, receiver) {
        const value = Reflect.get(obj, key, receiver) as unknown;
        if (typeof value !== "function" || key === "close") return value;
        return function (this: unknown, ...args: unknown[]) {
          lock.assertHeld();
          return (value as (...a: unknown[]) => unknown).apply(obj, args);
        };
      },
    });
  return { ...adapters, compute: fence(adapters.compute), storage: fence(adapters.storage) };
}

/** Runs `plan` with a journal in the run store, holding the stack's lock. */
export async function startRun(plan: Plan, adapters: Adapters, options: RecordedRunOptions = {}): Promise<RecordedRunResult> {
  const stack = options.stack ?? plan.stack ?? "default";
  const store = storeOf(options, stack);
  const runId = options.runId ?? newRunId(new Date());
  const stop = stopper(options.signal);
  const lock = options.heldLock ?? (await store.acquireLock({ runId, purpose: options.purpose ?? plan.kind }, { staleMs: options.lockStaleMs, onCompromised: stop.lockLost }));
  try {
    const journal = await store.openJournal(runId, lock, { create: true, fsync: options.fsync });
    try {
      const result = await runPlan(plan, fencedAdapters(adapters, lock), { ...options, runId, journal, signal: stop.signal });
      return { ...result, ...locationOf(store, runId), store };
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
  // Which run, and its stack (the lock's scope), are read first; in a file store given by its
  // directory alone, the stack comes from the run's journal.
  const listing = storeOf(options, options.stack ?? "default");
  let runId = options.runId;
  if (runId === undefined) {
    const latest = (await listing.listRuns()).filter((r) => !r.finished && !r.discarded && (options.stack === undefined || r.stack === options.stack)).pop();
    if (!latest) {
      throw new ValidationError("resume", [
        {
          path: "runId",
          message: `no unfinished run${options.stack ? ` of stack ${options.stack}` : ""} in \`${listing.where}\`; give the run id to resume (\`--resume RUN\`)`,
        },
      ]);
    }
    runId = latest.runId;
  }
  const header = options.store || options.stack !== undefined ? undefined : (await listing.readRecords(runId))[0];
  const stack = options.stack ?? (header?.type === "run-started" ? (header.stack ?? header.plan.stack) : undefined) ?? "default";
  const store = options.store ?? (stack === (options.stack ?? "default") ? listing : storeOf(options, stack));
  // The whole journal is read under the lock, since a live holder may still be appending.
  const stop = stopper(options.signal);
  const lock =
    options.heldLock ??
    (await store.acquireLock({ runId, purpose: `resume of ${options.purpose ?? "run"}` }, { staleMs: options.lockStaleMs, onCompromised: stop.lockLost }));
  try {
    const state = replayJournal(await store.readRecords(runId));
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
    const journal = await store.openJournal(runId, lock, { create: false, fsync: options.fsync });
    try {
      const result = await continueRun(state, fencedAdapters(adapters, lock), { ...options, runId, journal, signal: stop.signal });
      return { ...result, ...locationOf(store, runId), store };
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
  /** The stack's lock, held by the caller: the record is written under it. */
  readonly lock: StackLock;
  /** @default true */
  readonly fsync?: boolean;
}

/**
 * Abandons an interrupted run: appends `run-discarded` (with the steps whose intent has no
 * completion) to its journal, which is kept. It is then neither resumed nor in the way of a
 * fresh run of its stack. The caller holds the stack's lock.
 */
export async function discardRun(store: RunStore, runId: string, options: DiscardOptions): Promise<RunDiscarded> {
  const state = replayJournal(await store.readRecords(runId));
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
  const journal = await store.openJournal(runId, options.lock, { create: false, fsync: options.fsync });
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
