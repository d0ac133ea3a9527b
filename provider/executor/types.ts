// The executor's public vocabulary: how a run is asked for (RunOptions) and what it returns
// (RunResult). The journal's line format lives in schemas/journal.schema.json.

import type { Clock } from "../clock";
import type { JournalRecord, RunSettings, StepError } from "../generated/journal";
import type { DeferredCleanup, Plan, Step } from "../generated/plan";

export type { JournalRecord, RunSettings, StepError } from "../generated/journal";

/**
 * How much runs at once, reproducing the paper's three configurations:
 * - `serial`: one step at a time;
 * - `parallel-restart`: LPAR steps in parallel within the limits, storage steps one at a time;
 * - `parallel`: everything in parallel within the resource limits.
 */
export type ExecutionMode = RunSettings["mode"];
export const EXECUTION_MODES: readonly ExecutionMode[] = ["serial", "parallel-restart", "parallel"];

/**
 * How SLA levels are ordered (higher levels first):
 * - `strict`: a level's steps start only once every step of the higher levels has ended;
 * - `pipelined`: only real dependencies order steps; the level is a priority.
 */
export type SlaPolicy = RunSettings["sla"];
export const SLA_POLICIES: readonly SlaPolicy[] = ["strict", "pipelined"];

export interface RetryPolicy {
  /** Attempts per step, the first included. @default 5 */
  readonly attempts: number;
  /** Delay before the first retry. @default 1000 */
  readonly baseDelayMs: number;
  /** Growth of the delay per retry. @default 2 */
  readonly factor: number;
  /** Ceiling of one delay. @default 30000 */
  readonly maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 5, baseDelayMs: 1000, factor: 2, maxDelayMs: 30_000 };

/** Where the run's journal goes: appended records must be durable when the promise resolves. */
export interface JournalSink {
  append(record: JournalRecord): Promise<void>;
  close(): Promise<void>;
}

/** What happened, for progress displays. Emitted synchronously; keep handlers cheap. */
export type RunEvent =
  | { readonly type: "step-started"; readonly step: Step; readonly attempt: number; readonly timeMs: number }
  | { readonly type: "step-retrying"; readonly step: Step; readonly attempt: number; readonly delayMs: number; readonly error: StepError }
  | { readonly type: "step-completed"; readonly step: Step; readonly timeMs: number; readonly alreadyDone: boolean }
  | { readonly type: "step-failed"; readonly step: Step; readonly timeMs: number; readonly error: StepError }
  | { readonly type: "step-skipped"; readonly step: Step; readonly blockedBy: string };

export interface RunOptions {
  /** Wall time by default; a VirtualClock runs the plan in simulated time. */
  readonly clock?: Clock;
  /** @default "parallel" */
  readonly mode?: ExecutionMode;
  /** @default "strict" */
  readonly sla?: SlaPolicy;
  /**
   * Overrides of resource limits. A key is a resource (`system:P9-A`) or a prefix ending in `*`
   * (`vios:*`); the exact key wins over a prefix. Otherwise the plan's limit, then the adapters'.
   */
  readonly limits?: Readonly<Record<string, number>>;
  /** Retries of transient adapter errors. @default DEFAULT_RETRY */
  readonly retry?: Partial<RetryPolicy>;
  /** Seeds the retry jitter, so a run's delays can be reproduced. @default 1 */
  readonly seed?: number;
  /**
   * Time limit of one attempt of a step, per step kind, in seconds; `default` for the others.
   * @default DEFAULT_STEP_TIMEOUTS
   */
  readonly stepTimeoutSeconds?: Readonly<Record<string, number>>;
  /** Where records go; nothing is journaled without it. */
  readonly journal?: JournalSink;
  /** Identifies the run in the journal and the result. @default a new run id */
  readonly runId?: string;
  /** Progress callback. */
  readonly onEvent?: (event: RunEvent) => void;
  /**
   * Stops the run gracefully once aborted: running steps end, no new one starts, and runPlan
   * rejects with RunStoppedError; the journal stays resumable.
   */
  readonly signal?: AbortSignal;
}

export type StepStatus = "pending" | "done" | "failed" | "skipped";

export interface StepOutcome {
  readonly id: string;
  readonly kind: Step["kind"];
  readonly lpar?: string;
  readonly slaLevel: number;
  readonly status: StepStatus;
  /** Clock time of the first attempt of the execution that ended the step. */
  readonly startedMs?: number;
  readonly finishedMs?: number;
  readonly attempts: number;
  /** The adapters said the work was done already. */
  readonly alreadyDone?: boolean;
  readonly error?: StepError;
  /** For a skipped step: the failed step it depended on. */
  readonly blockedBy?: string;
  /** Its failure does not fail the LPAR nor hold back later steps. */
  readonly bestEffort?: boolean;
  readonly phase?: Step["phase"];
}

/**
 * One LPAR of the plan:
 * - `recovered`: running at `target` (verified when the plan verifies it), since `atSeconds`;
 * - `failed`: a step it needs failed or was skipped (`reason`, `failedStep`);
 * - `unplaced`: the planner found no target (`reason`);
 * - `pending`: the run stopped before the LPAR's steps ended (an interrupted run).
 */
export type VmStatus = "recovered" | "failed" | "unplaced" | "pending";

export interface VmOutcome {
  readonly lpar: string;
  readonly name: string;
  readonly group: string;
  readonly slaLevel: number;
  readonly source: string;
  readonly target: string | null;
  readonly status: VmStatus;
  /** Seconds from the run's start to the end of the LPAR's last step. */
  readonly atSeconds?: number;
  readonly reason?: string;
  readonly failedStep?: string;
}

export interface RunResult {
  readonly runId: string;
  readonly kind: Plan["kind"];
  readonly stack?: string;
  readonly settings: RunSettings;
  /** `failed` when any LPAR failed or could not be placed. */
  readonly status: "succeeded" | "failed";
  /** Clock times of the run's start and end (the first start, when the run was resumed). */
  readonly startedMs: number;
  readonly finishedMs: number;
  /** finishedMs - startedMs in seconds; in wall time it includes the time a crashed run lay dead. */
  readonly makespanSeconds: number;
  readonly vms: readonly VmOutcome[];
  readonly steps: readonly StepOutcome[];
  /** Times the run was resumed after an interruption. */
  readonly resumes: number;
  /** Resources steps use that had no limit in the plan, the adapters or the overrides (limit 1). */
  readonly warnings: readonly string[];
  /** Mappings left on storage that did not answer, for the failback to remove (executor/deferred.ts). */
  readonly deferredCleanup: readonly DeferredCleanup[];
}
