/* Generated from schemas/ by scripts/gen-types.js: do not edit. Run `npm run gen`. */

/**
 * One line of a run journal (<runs dir>/<run id>/journal.jsonl): an append-only, fsync'd log of a failover, drill or failback run. The first line is `run-started` and carries the plan; a step's `step-started` (its intent) is durable before the step touches an adapter, and its `step-completed` or `step-failed` follows. Resume re-runs every step without a completion. Times are milliseconds of the run's clock (epoch milliseconds for the wall clock). Journals never hold secrets.
 */
export type JournalRecord =
  | RunStarted
  | RunResumed
  | StepStarted
  | StepRetrying
  | StepCompleted
  | StepFailed
  | StepSkipped
  | RunFinished;

export interface RunStarted {
  type: "run-started";
  formatVersion: 1;
  runId: string;
  stack?: string;
  timeMs: number;
  wallTime: string;
  process: Process;
  settings: RunSettings;
  plan: Plan;
}
/**
 * The process that wrote the record.
 */
export interface Process {
  pid: number;
  host: string;
}
/**
 * How the run was executed; resume uses the same settings.
 */
export interface RunSettings {
  mode: "serial" | "parallel-restart" | "parallel";
  sla: "strict" | "pipelined";
  /**
   * Effective limit of every resource the steps use (after overrides).
   */
  limits: {
    [k: string]: number;
  };
  /**
   * Seed of the retry jitter.
   */
  seed: number;
}
/**
 * A failover plan made at failover time: where each affected LPAR restarts, the storage actions, and a DAG of steps with the concurrency-limited resources each one uses.
 */
export interface Plan {
  version: 1;
  /**
   * failover: unplanned, the sources are down. planned: graceful move of running LPARs. failback: move back after reprotect. drill: start FlashCopy clones in an isolated network.
   */
  kind: "failover" | "planned" | "failback" | "drill";
  stack?: string;
  failure: Failure;
  placements: Placement[];
  steps: Step[];
  /**
   * Every concurrency-limited resource the steps use, with its limit (steps using it at once).
   */
  resources: {
    [k: string]: number;
  };
  groups: GroupEstimate[];
  estimate: Estimate;
}
/**
 * This interface was referenced by `Plan`'s JSON-Schema
 * via the `definition` "Failure".
 */
export interface Failure {
  /**
   * Managed systems treated as failed.
   */
  failedHosts: string[];
  failedSite?: string;
  /**
   * True when the failure was read from the adapters rather than given.
   */
  detected?: boolean;
}
/**
 * This interface was referenced by `Plan`'s JSON-Schema
 * via the `definition` "Placement".
 */
export interface Placement {
  lpar: string;
  name: string;
  /**
   * ProtectionGroup name.
   */
  group: string;
  slaLevel: number;
  /**
   * Managed system the LPAR ran on.
   */
  source: string;
  /**
   * Managed system it restarts on; null when it cannot be placed.
   */
  target: string | null;
  /**
   * Why the LPAR cannot be placed, in plain words.
   */
  reason?: string;
  /**
   * True when the LPAR waits for capacity (lowest priority first).
   */
  waiting?: boolean;
  processorUnits?: number;
  memoryGb?: number;
  volumes: VolumeAction[];
}
/**
 * This interface was referenced by `Plan`'s JSON-Schema
 * via the `definition` "VolumeAction".
 */
export interface VolumeAction {
  /**
   * Volume the LPAR used before the failure.
   */
  source: string;
  /**
   * Volume to present at the target: the same volume on a shared SAN, or its replica.
   */
  attach: string;
  via: "vscsi" | "npiv";
  /**
   * VIOS of the target system that serves the mapping (vSCSI).
   */
  vios?: string;
  /**
   * Remote-copy group that must fail over first, when attach is a replica.
   */
  consistencyGroup?: string;
}
/**
 * This interface was referenced by `Plan`'s JSON-Schema
 * via the `definition` "Step".
 */
export interface Step {
  /**
   * Unique and stable: the journal refers to steps by id.
   */
  id: string;
  /**
   * This interface was referenced by `Plan`'s JSON-Schema
   * via the `definition` "StepKind".
   */
  kind:
    | "FenceSourceLpar"
    | "FailoverConsistencyGroup"
    | "SwitchConsistencyGroup"
    | "ReverseReplication"
    | "UnmapSourceVolume"
    | "MapReplicaVolume"
    | "CreateFlashCopyGroup"
    | "DeleteFlashCopyGroup"
    | "ShutdownLpar"
    | "RestartLpar"
    | "StartDrillLpar"
    | "DeleteDrillLpar"
    | "VerifyLpar"
    | "CleanupSourceLpar"
    | "RunHook";
  lpar?: string;
  group?: string;
  /**
   * SLA level the step serves (the highest of the LPARs it serves).
   */
  slaLevel: number;
  /**
   * Operation arguments: volume, host, vios, consistencyGroup, target, hook command...
   */
  params?: {
    [k: string]: unknown;
  };
  dependsOn: string[];
  /**
   * Keys of the resources the step holds a slot of while it runs.
   */
  resources: string[];
  estimateSeconds: number;
}
/**
 * This interface was referenced by `Plan`'s JSON-Schema
 * via the `definition` "GroupEstimate".
 */
export interface GroupEstimate {
  name: string;
  lpars: string[];
  rtoBudgetSeconds?: number;
  estimatedRtoSeconds: number;
  verdict: "within" | "over" | "unplaceable" | "no-budget";
}
/**
 * This interface was referenced by `Plan`'s JSON-Schema
 * via the `definition` "Estimate".
 */
export interface Estimate {
  /**
   * Estimated by list-scheduling the DAG under the resource limits.
   */
  makespanSeconds: number;
  /**
   * max(critical path, max over resources of work / limit).
   */
  lowerBoundSeconds: number;
  criticalPathSeconds: number;
  /**
   * The resource (or 'critical-path') that sets the lower bound.
   */
  bottleneck?: string;
}
export interface RunResumed {
  type: "run-resumed";
  timeMs: number;
  wallTime: string;
  process: Process;
  /**
   * Steps without a journaled completion when the run resumed.
   */
  pendingSteps: number;
  /**
   * Steps whose intent was journaled without a completion: they run again (steps are idempotent).
   */
  interruptedSteps?: string[];
  /**
   * True when steps that had failed run again.
   */
  retryFailed?: boolean;
}
/**
 * The intent: durable before the step calls an adapter.
 */
export interface StepStarted {
  type: "step-started";
  stepId: string;
  attempt: number;
  timeMs: number;
}
/**
 * An attempt failed with a transient error; the next one starts after delayMs.
 */
export interface StepRetrying {
  type: "step-retrying";
  stepId: string;
  /**
   * The attempt that failed.
   */
  attempt: number;
  timeMs: number;
  delayMs: number;
  error: StepError;
}
export interface StepError {
  /**
   * adapter: an AdapterError (see failure); timeout: the step's time limit passed; hook: a hook exited non-zero; internal: a bug.
   */
  kind: "adapter" | "timeout" | "validation" | "execution" | "hook" | "internal";
  failure?: "transient" | "conflict" | "notFound" | "fatal";
  operation?: string;
  objectId?: string;
  /**
   * Redacted: never holds credentials.
   */
  message: string;
}
export interface StepCompleted {
  type: "step-completed";
  stepId: string;
  /**
   * When the first attempt of this execution started.
   */
  startedMs: number;
  timeMs: number;
  attempts: number;
  /**
   * The adapters reported the work as done already (a re-run after a crash).
   */
  alreadyDone: boolean;
  /**
   * What later steps need from this one (ids the adapters created).
   */
  output?: {
    [k: string]: unknown;
  };
}
export interface StepFailed {
  type: "step-failed";
  stepId: string;
  startedMs: number;
  timeMs: number;
  attempts: number;
  error: StepError;
}
/**
 * The step will not run because a step it depends on failed.
 */
export interface StepSkipped {
  type: "step-skipped";
  stepId: string;
  timeMs: number;
  /**
   * Id of the failed step.
   */
  blockedBy: string;
}
export interface RunFinished {
  type: "run-finished";
  timeMs: number;
  wallTime: string;
  status: "succeeded" | "failed";
  /**
   * LPARs running at their target.
   */
  recovered: number;
  /**
   * LPARs that failed, were skipped or could not be placed.
   */
  failed: number;
}
