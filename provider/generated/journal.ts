/* Generated from schemas/ by scripts/gen-types.js: do not edit. Run `npm run gen`. */

/**
 * One line of a run journal (<runs dir>/<run id>/journal.jsonl): an append-only, fsync'd log of a failover, drill or failback run. The first line is `run-started` and carries the plan; a step's `step-started` (its intent) is durable before the step touches an adapter, and its `step-completed` or `step-failed` follows. Resume re-runs every step without a completion. An interrupted run the operator abandons instead ends with `run-discarded`. Times are milliseconds of the run's clock (epoch milliseconds for the wall clock). Journals never hold secrets.
 */
export type JournalRecord =
  | RunStarted
  | RunResumed
  | StepStarted
  | StepRetrying
  | StepCompleted
  | StepFailed
  | StepSkipped
  | RunFinished
  | RunDiscarded;

export interface RunStarted {
  type: "run-started";
  formatVersion: 1;
  runId: string;
  stack?: string;
  timeMs: number;
  wallTime: string;
  process: Process;
  settings: RunSettings;
  /**
   * On the simulator: clock milliseconds per simulated millisecond, so reports show simulated time. Absent on hardware.
   */
  timeScale?: number;
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
   * failover: unplanned, the sources are down. planned: graceful move of running LPARs. failback: move back after reprotect. drill: start FlashCopy clones in an isolated network. resume: bring back the non-critical LPARs a recovery stopped or suspended (`vmr resume-noncritical`), moving nothing else.
   */
  kind: "failover" | "planned" | "failback" | "drill" | "resume";
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
  /**
   * Things the planner noticed that do not stop the plan (a protected LPAR missing from the inventory, a consistency group shared with LPARs that stay behind).
   */
  warnings?: string[];
  /**
   * Cleanup the plan leaves for later: mappings of old volumes on a storage system that does not answer (lost with its site). No step touches them now; `vmr failback` (or a reprotect) removes them once the system is back.
   */
  deferredCleanup?: DeferredCleanup[];
  /**
   * Non-critical LPARs at the recovery site (the recovery target's `nonCritical`) this plan stops or suspends to free room for VMs of a higher SLA level (failover, planned), or brings back (failback).
   */
  nonCritical?: NonCriticalAction[];
  /**
   * Unplanned failover only: consistency groups the failover leaves split, because writers of them on servers that are up cannot move with it (no room). Those LPARs keep running at the source without replication: they lose protection until the group is whole again.
   */
  splitGroups?: SplitGroup[];
}
/**
 * What the plan recovers from (failover) or acts on (planned move, failback, drill).
 *
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
  /**
   * Only these protection groups (all when absent).
   */
  groups?: string[];
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
  shortfall?: Shortfall;
  wouldTake?: WouldTake;
  start?: StartSize;
  home?: Home;
  processorUnits?: number;
  memoryGb?: number;
  volumes: VolumeAction[];
  movesWith?: MovesWith;
  network?: PlacementNetwork;
}
/**
 * Set when the LPAR is not placed for want of capacity: what it lacks on its best candidate system, the allowed system (not ruled out by anti-affinity) with the smallest shortfall, compared by the larger of the two relative shortfalls (processor units short / processor units needed, memory short / memory needed), then by their sum, then in order of preference. Measured against the free capacity beyond the target's reserve when the LPAR's turn came (for an LPAR too big for any allowed system: before any recovery).
 *
 * This interface was referenced by `Plan`'s JSON-Schema
 * via the `definition` "Shortfall".
 */
export interface Shortfall {
  /**
   * The best candidate managed system.
   */
  system: string;
  /**
   * Processor units short there; absent when processor units are enough.
   */
  processorUnits?: number;
  /**
   * GiB of memory short there; absent when memory is enough.
   */
  memoryGb?: number;
  /**
   * The LPARs of this plan given room on that system before this one (placement order: higher SLA levels first), with their SLA level compared with this LPAR's. Empty when the room is held by LPARs already running there, or it never fit.
   */
  takenBy: TakenBy[];
}
/**
 * This interface was referenced by `Plan`'s JSON-Schema
 * via the `definition` "TakenBy".
 */
export interface TakenBy {
  lpar: string;
  /**
   * Its effective SLA level.
   */
  slaLevel: number;
  /**
   * Its SLA level compared with the unplaced LPAR's: higher, equal or lower priority.
   */
  relation: "higher" | "equal" | "lower";
  /**
   * True for an LPAR of its own `after` closure, left out with it: the room it held is free in the plan.
   */
  leftOut?: boolean;
}
/**
 * Set when the LPAR is not placed for want of capacity: the smallest change that would place it, each alternative on its own (not together).
 *
 * This interface was referenced by `Plan`'s JSON-Schema
 * via the `definition` "WouldTake".
 */
export interface WouldTake {
  /**
   * The alternatives in plain words.
   */
  summary: string;
  /**
   * Free this much on this system (the best candidate of its shortfall), at the size it would start with.
   */
  freeCapacity?: {
    system: string;
    processorUnits?: number;
    memoryGb?: number;
  };
  /**
   * Stop or suspend these non-critical LPARs (the recovery target's `nonCritical`, of a lower SLA level) running on `system`: the fewest, lowest level first, whose room covers the shortfall. Absent when they do not cover it.
   */
  stopLpars?: {
    system: string;
    /**
     * @minItems 1
     */
    lpars: [
      {
        lpar: string;
        action: "stop" | "suspend";
        slaLevel: number;
      },
      ...{
        lpar: string;
        action: "stop" | "suspend";
        slaLevel: number;
      }[]
    ];
  };
  /**
   * Allow (or lower) flexible capacity to this share, in whole percent: it would then start on `system`. Absent when the LPAR's minimum does not fit there either.
   */
  flexibleCapacity?: {
    system: string;
    processorPercent: number;
    memoryPercent: number;
  };
}
/**
 * Set when the LPAR's group allows flexible capacity for this plan kind: the size it starts with at its target (or would start with, when not placed), and why.
 *
 * This interface was referenced by `Plan`'s JSON-Schema
 * via the `definition` "StartSize".
 */
export interface StartSize {
  processorUnits: number;
  memoryGb: number;
  /**
   * True when it starts below its size (processorUnits, memoryGb of the placement).
   */
  shrunk: boolean;
  /**
   * Why this size, in plain words: full size had room, or the share and the LPAR's minimum that bound it.
   */
  reason: string;
}
/**
 * Failback only: the LPAR's home as the stack recorded it, and why it does not go there when it does not.
 *
 * This interface was referenced by `Plan`'s JSON-Schema
 * via the `definition` "Home".
 */
export interface Home {
  /**
   * Managed system the LPAR ran on at home; null when the stack records no home for it.
   */
  system: string | null;
  /**
   * Why the LPAR is not placed on its home system (gone, not operating, short of capacity, anti-affinity, no home recorded); absent when it goes home.
   */
  reason?: string;
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
 * Planned move only: the LPAR is not on a moved server but moves with one that is, because they write to the same consistency group and a switch reverses the whole group (its writers must all stop and start on the other side).
 *
 * This interface was referenced by `Plan`'s JSON-Schema
 * via the `definition` "MovesWith".
 */
export interface MovesWith {
  /**
   * The consistency group they share.
   */
  consistencyGroup: string;
  /**
   * The LPAR it moves with (one on a moved server, or one that moves with one).
   */
  lpar: string;
}
/**
 * Set when the LPAR's group has a NetworkMapping and the LPAR models its adapters: the adapters it gets at the target (the restart applies them) and its new addresses (handed to the post-restart hooks as JSON).
 *
 * This interface was referenced by `Plan`'s JSON-Schema
 * via the `definition` "PlacementNetwork".
 */
export interface PlacementNetwork {
  /**
   * NetworkMapping name.
   */
  mapping: string;
  /**
   * Which map applies: production (vlans), failback (vlans reversed), drill (drillVlans), same (a move inside one site: nothing mapped).
   */
  use: "production" | "failback" | "drill" | "same";
  adapters: ClientNetworkAdapter[];
  addresses: AddressChange[];
  /**
   * Drill only: the target site's production VLANs (the mapping's `vlans[].target`). StartDrillLpar reads the copy back and fails when it is attached to one of them.
   */
  productionVlans?: number[];
}
/**
 * A client network adapter of an LPAR: a virtual Ethernet adapter on a virtual switch, or a logical port of a physical adapter (SR-IOV), which a remote restart cannot move.
 */
export interface ClientNetworkAdapter {
  /**
   * The virtual switch the adapter is on.
   */
  switch: string;
  /**
   * Port VLAN ID: untagged traffic of the adapter.
   */
  pvid: number;
  /**
   * Additional 802.1Q VLANs the adapter carries tagged.
   */
  taggedVlans?: number[];
  /**
   * MAC address, 12 hex digits (colons allowed).
   */
  mac?: string;
  /**
   * virtual: a virtual Ethernet adapter, re-created on the target by a remote restart. sriov: an SR-IOV logical port, tied to a physical adapter of its system, which a remote restart cannot move.
   */
  kind?: "virtual" | "sriov";
  /**
   * The guest's IPv4 address on this adapter, when known: IP re-addressing rules apply to it.
   */
  ipAddress?: string;
}
/**
 * One adapter's address at the target, from the mapping's IP rules.
 *
 * This interface was referenced by `Plan`'s JSON-Schema
 * via the `definition` "AddressChange".
 */
export interface AddressChange {
  /**
   * Index of the adapter in the LPAR's adapters.
   */
  adapter: number;
  mac?: string;
  /**
   * Address before the move, when known.
   */
  from?: string;
  address: string;
  prefixLength: number;
  gateway?: string;
  dns: string[];
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
   * What a step does, and the adapter operation it calls. FenceSourceLpar: compute.fenceLpar. ShutdownLpar: compute.powerOff(graceful). FailoverConsistencyGroup: storage.failoverConsistencyGroup. SwitchConsistencyGroup: storage.switchConsistencyGroup(params.primary). ReverseReplication: storage.startConsistencyGroup(params.primary, params.force). UnmapSourceVolume: storage.unmapVolume (the SAN host mapping). MapReplicaVolume: storage.mapVolume (the SAN host mapping; with params.flashCopyGroup: the FlashCopy target of params.volume in that group). AttachVirtualDisk / DetachVirtualDisk: compute.attachVirtualDisk / detachVirtualDisk (the VIOS side of a vSCSI disk, after the SAN map / before the SAN unmap; params as for the map steps). CreateFlashCopyGroup / DeleteFlashCopyGroup: storage.createFlashCopyGroup / deleteFlashCopyGroup. RestartLpar: compute.remoteRestart. MoveLpar: compute.moveLpar. StartLpar: compute.powerOn. StartDrillLpar / DeleteDrillLpar: compute.createDrillLpar / deleteDrillLpar. VerifyLpar: compute.waitUntilRunning (of the drill copy for a drill). CleanupSourceLpar: compute.cleanupSource. RunHook: spawn params.command. StopNonCriticalLpar: compute.powerOff(graceful) or compute.suspendLpar (params.action) of a non-critical LPAR at the recovery site, freeing its room for the restarts onto params.host that wait for it. ResumeNonCriticalLpar: compute.powerOn or compute.resumeLpar (params.action) of a non-critical LPAR the recovery freed.
   *
   * This interface was referenced by `Plan`'s JSON-Schema
   * via the `definition` "StepKind".
   */
  kind:
    | "FenceSourceLpar"
    | "ShutdownLpar"
    | "FailoverConsistencyGroup"
    | "SwitchConsistencyGroup"
    | "ReverseReplication"
    | "UnmapSourceVolume"
    | "MapReplicaVolume"
    | "AttachVirtualDisk"
    | "DetachVirtualDisk"
    | "CreateFlashCopyGroup"
    | "DeleteFlashCopyGroup"
    | "RestartLpar"
    | "MoveLpar"
    | "StartLpar"
    | "StartDrillLpar"
    | "DeleteDrillLpar"
    | "VerifyLpar"
    | "CleanupSourceLpar"
    | "RunHook"
    | "StopNonCriticalLpar"
    | "ResumeNonCriticalLpar";
  lpar?: string;
  group?: string;
  /**
   * SLA level the step serves: the highest of the LPARs it serves, raised so that a step is never of a lower level than a step that depends on it (strict SLA barriers can then never deadlock).
   */
  slaLevel: number;
  params?: StepParams;
  dependsOn: string[];
  /**
   * Keys of the resources the step holds a slot of while it runs: hmc:<name>, system:<managedSystemId>, vios:<managedSystemId>/<vios>, storage:<storageSystemId>.
   */
  resources: string[];
  estimateSeconds: number;
  /**
   * pre: hooks before the group's restarts; main: fencing, storage and restarts; post: hooks after; cleanup: drill teardown.
   */
  phase?: "pre" | "main" | "post" | "cleanup";
  /**
   * A failure is recorded but does not fail the LPAR (unmapping a source volume on a storage system at a lost site).
   */
  bestEffort?: boolean;
}
/**
 * Operation arguments; which ones a kind uses is said in StepKind.
 *
 * This interface was referenced by `Plan`'s JSON-Schema
 * via the `definition` "StepParams".
 */
export interface StepParams {
  /**
   * Managed system acted on: the source for FenceSourceLpar, ShutdownLpar, UnmapSourceVolume, CleanupSourceLpar; the target for MapReplicaVolume. FenceSourceLpar and ShutdownLpar check, when they act, that the LPAR is on it, and fail with a conflict, touching nothing, when it is not.
   */
  host?: string;
  /**
   * Managed system the LPAR runs or ran on (RestartLpar, MoveLpar).
   */
  source?: string;
  /**
   * Managed system the LPAR (or its drill copy) starts on.
   */
  target?: string;
  volume?: string;
  via?: "vscsi" | "npiv";
  /**
   * VIOS serving a vSCSI mapping.
   */
  vios?: string;
  /**
   * Volumes the LPAR uses at the target (RestartLpar, MoveLpar); the FlashCopy sources for CreateFlashCopyGroup and StartDrillLpar.
   */
  volumes?: string[];
  consistencyGroup?: string;
  primary?: "master" | "aux";
  force?: boolean;
  storageSystem?: string;
  /**
   * Name of the drill's FlashCopy group (the idempotency key of createFlashCopyGroup).
   */
  flashCopyGroup?: string;
  /**
   * Isolated network of a drill.
   */
  network?: string;
  /**
   * Hook executable and arguments.
   */
  command?: string[];
  timeoutSeconds?: number;
  hook?: "pre" | "post";
  /**
   * StopNonCriticalLpar, ResumeNonCriticalLpar: how the non-critical LPAR gives its room back (shut down, or PowerVM partition suspend) and so how it comes back (power on, or resume).
   */
  action?: "stop" | "suspend";
}
/**
 * This interface was referenced by `Plan`'s JSON-Schema
 * via the `definition` "GroupEstimate".
 */
export interface GroupEstimate {
  name: string;
  lpars: string[];
  rtoBudgetSeconds?: number;
  /**
   * When the group's last LPAR is up in one list schedule of the median step durations: a single figure, not a prediction (see predictedRto). Absent when the group is unplaceable: it does not come up whole.
   */
  estimatedRtoSeconds?: number;
  /**
   * The group's RTO against its budget: at estimate.confidence (predictedRto.atConfidenceSeconds) when the plan carries a prediction, else the median schedule's estimatedRtoSeconds.
   */
  verdict: "within" | "over" | "unplaceable" | "no-budget";
  predictedRto?: PredictedRto;
}
/**
 * Quantiles of an RTO (or makespan) over Monte Carlo samples of the step durations drawn from a latency profile, each sample dispatched as the executor does (mode, SLA policy, limits). A group's predictedRto and the estimate's predictedMakespan; absent from a plan made without prediction.
 *
 * This interface was referenced by `Plan`'s JSON-Schema
 * via the `definition` "PredictedRto".
 */
export interface PredictedRto {
  /**
   * Median of the samples (nearest rank); null when the group is not up without an operator in more than half of them (unrecoveredShare).
   */
  p50Seconds: number | null;
  /**
   * null when the group is not up without an operator in more than 10% of the samples (unrecoveredShare).
   */
  p90Seconds: number | null;
  /**
   * null when the group is not up without an operator in more than 5% of the samples (unrecoveredShare).
   */
  p95Seconds: number | null;
  /**
   * null when the group is not up without an operator in more than 1% of the samples (unrecoveredShare).
   */
  p99Seconds: number | null;
  /**
   * The quantile at estimate.confidence, which the verdict compares with the budget; null when more than 1 - confidence of the samples do not come up without an operator (the verdict is then over).
   */
  atConfidenceSeconds?: number | null;
  /**
   * Share of the samples in which it is not up without an operator: a step it needs failed every attempt the executor makes (the latency profile's fault rates), so that step fails and its dependents are skipped. The quantiles above 1 - this share are null. 0 when the profile has no faults; absent from plans made before it was reported.
   */
  unrecoveredShare?: number;
  /**
   * Monte Carlo samples behind the quantiles.
   */
  samples: number;
  /**
   * The latency profile drawn from, with the measured steps behind it: "defaults" or a calibrated profile's name.
   */
  profile: string;
}
/**
 * This interface was referenced by `Plan`'s JSON-Schema
 * via the `definition` "Estimate".
 */
export interface Estimate {
  /**
   * List schedule of the DAG under the resource limits with the median step durations: one achievable schedule, not a prediction (see predictedMakespan).
   */
  makespanSeconds: number;
  /**
   * max(critical path, max over resources of head + work / limit + tail) with the median durations: no dispatch beats it.
   */
  lowerBoundSeconds: number;
  criticalPathSeconds: number;
  /**
   * The resource (or 'critical-path') that sets the lower bound.
   */
  bottleneck?: string;
  /**
   * SLA mode the makespan and RTO estimates assume. strict: a step of level L starts only after every step of a higher level has finished; pipelined: levels only order the queue.
   */
  slaMode?: "strict" | "pipelined";
  /**
   * Sum of every step's duration: the time of a fully serial failover.
   */
  serialSeconds?: number;
  predictedMakespan?: PredictedRto;
  /**
   * The confidence the groups' verdicts are taken at: a group is within budget when its RTO quantile at this confidence is (vmr --confidence, default 0.95).
   */
  confidence?: number;
}
/**
 * A SAN host mapping left in place for now, and why.
 *
 * This interface was referenced by `Plan`'s JSON-Schema
 * via the `definition` "DeferredCleanup".
 */
export interface DeferredCleanup {
  /**
   * LPAR whose old volume it is.
   */
  lpar: string;
  /**
   * Volume still mapped.
   */
  volume: string;
  /**
   * Managed system it is mapped to.
   */
  host: string;
  /**
   * Storage system holding the mapping.
   */
  storageSystem: string;
  /**
   * Why it is not removed now (the storage system is offline, or the unmap failed).
   */
  reason: string;
}
/**
 * A non-critical LPAR the plan stops or suspends (its room goes to the VMs of `for`), or resumes at failback (and at a drill's cleanup).
 *
 * This interface was referenced by `Plan`'s JSON-Schema
 * via the `definition` "NonCriticalAction".
 */
export interface NonCriticalAction {
  lpar: string;
  /**
   * Managed system it runs on (and is resumed on).
   */
  system: string;
  /**
   * How it gives its room back; it comes back by power on (stop) or resume (suspend).
   */
  action: "stop" | "suspend";
  /**
   * Its level as a non-critical VM: it yields only to VMs of higher levels.
   */
  slaLevel: number;
  /**
   * Processor units it frees (stop, suspend).
   */
  processorUnits?: number;
  /**
   * GiB it frees (stop, suspend).
   */
  memoryGb?: number;
  /**
   * Stop, suspend: the LPARs placed on `system` only because its room is freed.
   */
  for?: string[];
  /**
   * True at failback, `vmr resume-noncritical` and a drill's cleanup: the plan brings it back.
   */
  resume?: boolean;
  /**
   * Id of the StopNonCriticalLpar or ResumeNonCriticalLpar step that does it.
   */
  step: string;
}
/**
 * A consistency group failed over while some of its writers keep running at the source.
 *
 * This interface was referenced by `Plan`'s JSON-Schema
 * via the `definition` "SplitGroup".
 */
export interface SplitGroup {
  consistencyGroup: string;
  /**
   * LPARs that keep running at the source and lose protection.
   */
  lpars: string[];
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
/**
 * The operator abandoned this interrupted run to start a fresh one (`--discard-unfinished RUN`): it is not resumed, and it no longer holds back a fresh run of its stack. The journal is kept; this is its last record.
 */
export interface RunDiscarded {
  type: "run-discarded";
  wallTime: string;
  process: Process;
  /**
   * Steps whose intent was journaled without a completion: they may or may not have taken effect.
   */
  interruptedSteps: string[];
  /**
   * The run started in its place.
   */
  replacedBy?: string;
}
