/* Generated from schemas/ by scripts/gen-types.js: do not edit. Run `npm run gen`. */

/**
 * What a failover, planned move, failback or drill did, built from its journal: the plan it ran, every step's timing and attempts, every VM's outcome, each protection group's RTO against its budget, and (for drills) the assertions and the cleanup. Times are seconds since the run started.
 */
export interface RunReport {
  version: 1;
  runId: string;
  kind: "failover" | "planned" | "failback" | "drill" | "resume";
  stack?: string;
  /**
   * succeeded: every step ended well. failed: at least one step failed or a VM could not be placed. incomplete: the journal ends before every step ended (the run was interrupted or is still going).
   */
  status: "succeeded" | "failed" | "incomplete";
  startedAt: string;
  endedAt?: string;
  /**
   * The options the run was made with (mode, SLA ordering, concurrency overrides...), as given.
   */
  options: {
    [k: string]: string | number | boolean;
  };
  /**
   * Set when the run was on the simulator: clock milliseconds per simulated millisecond. Every time in the report is simulated (measured clock time divided by it).
   */
  timeScale?: number;
  failure?: {
    failedHosts: string[];
    failedSite?: string;
    detected?: boolean;
    /**
     * Only these protection groups (all when absent).
     */
    groups?: string[];
  };
  plan: PlanSummary;
  /**
   * From the first step's start to the last step's end.
   */
  makespanSeconds: number;
  vms: VmOutcome[];
  steps: StepRecord[];
  groups: GroupRto[];
  slaLevels: SlaLevelRecord[];
  assertions?: AssertionResult[];
  cleanup?: CleanupRecord;
  /**
   * Non-critical VMs the run stopped, suspended or brought back (plan `nonCritical`), with how their step ended.
   */
  nonCritical?: NonCriticalRecord[];
  /**
   * SAN host mappings of old volumes the run left in place because their storage system did not answer (lost with its site): `vmr failback` removes them once it is back.
   */
  deferredCleanup?: DeferredCleanup[];
}
/**
 * This interface was referenced by `RunReport`'s JSON-Schema
 * via the `definition` "PlanSummary".
 */
export interface PlanSummary {
  steps: number;
  vms: number;
  placed: number;
  unplaced: number;
  groups: number;
  /**
   * The plan's median schedule: every step at its median duration.
   */
  estimatedMakespanSeconds: number;
  predictedMakespan?: PredictedRto;
  /**
   * max(critical path, max over resources of work / limit): no schedule can be faster.
   */
  lowerBoundSeconds: number;
  criticalPathSeconds: number;
  bottleneck?: string;
  /**
   * Concurrency-limited resources the plan uses.
   */
  resources: number;
  stepsByKind?: {
    [k: string]: number;
  };
}
/**
 * Quantiles of an RTO (or makespan) over Monte Carlo samples of the step durations drawn from a latency profile, each sample dispatched as the executor does (mode, SLA policy, limits). A group's predictedRto and the estimate's predictedMakespan; absent from a plan made without prediction.
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
 * This interface was referenced by `RunReport`'s JSON-Schema
 * via the `definition` "VmOutcome".
 */
export interface VmOutcome {
  lpar: string;
  name: string;
  group: string;
  slaLevel: number;
  source: string;
  /**
   * Managed system the VM (or its drill copy) started on; null when it was not placed.
   */
  target: string | null;
  /**
   * restarted: every step of the VM ended well (for a drill: its copy started and verified). failed: one of its steps failed. unplaced: the planner found no target. notFinished: the journal ends before its steps did.
   */
  outcome: "restarted" | "failed" | "unplaced" | "notFinished";
  /**
   * When the VM was up (its last recovery step ended), since the run started.
   */
  restartSeconds?: number;
  /**
   * Why it failed or was not placed.
   */
  reason?: string;
  network?: PlacementNetwork;
  start?: StartSize;
}
/**
 * The network it was given at its target (its group's NetworkMapping applied): adapters and new addresses.
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
 * The size it was started with and why (its group's flexible capacity), when it has flexible capacity.
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
 * This interface was referenced by `RunReport`'s JSON-Schema
 * via the `definition` "StepRecord".
 */
export interface StepRecord {
  id: string;
  kind: string;
  lpar?: string;
  group?: string;
  slaLevel: number;
  /**
   * Where the step ran (target system, storage system...): the Gantt lane.
   */
  lane?: string;
  status: "succeeded" | "failed" | "skipped" | "running" | "notStarted";
  startSeconds?: number;
  endSeconds?: number;
  attempts: number;
  estimateSeconds?: number;
  error?: string;
  /**
   * A failure of this step is recorded but fails neither its VM nor the run.
   */
  bestEffort?: boolean;
}
/**
 * This interface was referenced by `RunReport`'s JSON-Schema
 * via the `definition` "GroupRto".
 */
export interface GroupRto {
  name: string;
  slaLevel?: number;
  vms: number;
  rtoBudgetSeconds?: number;
  /**
   * The plan's median schedule: every step at its median duration. Absent when the plan could not place every VM of the group (no RTO).
   */
  estimatedRtoSeconds?: number;
  predictedRto?: PredictedRto;
  /**
   * Where rtoSeconds fell in the predicted distribution: its quantile, interpolated between the reported ones in log-normal scale (0.5: at the predicted median).
   */
  measuredQuantile?: number;
  /**
   * When the group's last VM was up, since the run started; absent when a VM of the group did not come up.
   */
  rtoSeconds?: number;
  /**
   * within / over the budget; failed: a VM of the group failed or was not placed; no-budget: the group declares none; incomplete: the run did not finish.
   */
  verdict: "within" | "over" | "failed" | "no-budget" | "incomplete";
}
/**
 * This interface was referenced by `RunReport`'s JSON-Schema
 * via the `definition` "SlaLevelRecord".
 */
export interface SlaLevelRecord {
  slaLevel: number;
  vms: number;
  /**
   * VMs of the level that came up.
   */
  up: number;
  /**
   * When the last VM of the level that came up was up.
   */
  lastUpSeconds?: number;
  /**
   * When every VM of the level was up; absent when one did not come up.
   */
  doneSeconds?: number;
}
/**
 * This interface was referenced by `RunReport`'s JSON-Schema
 * via the `definition` "AssertionResult".
 */
export interface AssertionResult {
  type: string;
  passed: boolean;
  message: string;
}
/**
 * This interface was referenced by `RunReport`'s JSON-Schema
 * via the `definition` "CleanupRecord".
 */
export interface CleanupRecord {
  complete: boolean;
  /**
   * Drill LPARs and FlashCopy groups removed, and the non-critical LPARs the drill stopped that the sweep brought back (its resume steps had not run).
   */
  removed: string[];
  /**
   * What is still there, with why.
   */
  leftovers: string[];
}
/**
 * A non-critical VM at the recovery site the run stopped or suspended for higher levels (failover, planned move, a drill with stopNonCritical), or brought back (failback, resume, a drill's cleanup).
 *
 * This interface was referenced by `RunReport`'s JSON-Schema
 * via the `definition` "NonCriticalRecord".
 */
export interface NonCriticalRecord {
  lpar: string;
  system: string;
  action: "stop" | "suspend";
  /**
   * True when the run brought it back (power on after a stop, resume after a suspend).
   */
  resume?: boolean;
  /**
   * The VMs placed on its system thanks to its room.
   */
  for?: string[];
  step: string;
  /**
   * Its step's status.
   */
  status: "notStarted" | "running" | "succeeded" | "failed" | "skipped";
  error?: string;
}
/**
 * A SAN host mapping left in place for now, and why.
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
