// What a report is made from: the plan a run executed and the timed events of its steps, as the
// executor's journal records them. Reading a journal file into this shape is journal.ts's job;
// everything else in report/ is a pure function of it.

import type { Plan } from "../generated/plan";
import type { AssertionResult, CleanupRecord, RunReport } from "../generated/report";

export type RunKind = RunReport["kind"];

/** One thing that happened to a step, on the run's clock (milliseconds). */
export interface StepEvent {
  readonly at: number;
  readonly step: string;
  readonly type: "started" | "succeeded" | "failed" | "skipped";
  /** 1 for the first try; retries count up. */
  readonly attempt?: number;
  /** Why it failed (an attempt that will be retried, or for good). */
  readonly error?: string;
  /** For "failed": true when the executor will not try again. */
  readonly final?: boolean;
}

export interface RunRecord {
  readonly runId: string;
  readonly kind: RunKind;
  readonly stack?: string;
  readonly plan: Plan;
  /** The options the run was made with, as given (mode, SLA ordering, overrides). */
  readonly options?: Readonly<Record<string, string | number | boolean>>;
  /** Wall-clock start (ISO 8601). */
  readonly startedAt: string;
  /** Wall-clock end (ISO 8601), absent while the run is going or when it was interrupted. */
  readonly endedAt?: string;
  /** The run's clock (milliseconds) when it started: step times are measured from it. */
  readonly startedAtMs: number;
  readonly events: readonly StepEvent[];
  /** On the simulator: clock ms per simulated ms; step times are divided by it. @default 1 */
  readonly timeScale?: number;
  /** A drill's assertions, evaluated after the run. */
  readonly assertions?: readonly AssertionResult[];
  /** A drill's cleanup. */
  readonly cleanup?: CleanupRecord;
}
