/* Generated from schemas/ by scripts/gen-types.js: do not edit. Run `npm run gen`. */

/**
 * What each protection resource observes and returns besides its inputs (with defaults applied). The package schema of the provider plugin declares these as output properties.
 */
export interface ResourceOutputs {
  RecoveryTarget?: RecoveryTargetOutputs;
  StorageMapping?: StorageMappingOutputs;
  NetworkMapping?: NetworkMappingOutputs;
  ProtectionGroup?: ProtectionGroupOutputs;
}
/**
 * This interface was referenced by `ResourceOutputs`'s JSON-Schema
 * via the `definition` "RecoveryTargetOutputs".
 */
export interface RecoveryTargetOutputs {
  capacity: ObservedCapacity;
  free: ObservedCapacity1;
  /**
   * healthy: every system operating; degraded: some; down: none; unverified: not contacted.
   */
  health: "healthy" | "degraded" | "down" | "unverified";
  /**
   * Per system: state, capacity and free capacity.
   */
  systemStatus: SystemStatus[];
}
/**
 * Processor units and memory of the target's operating systems, as discovered.
 */
export interface ObservedCapacity {
  processorUnits: number;
  /**
   * Memory in GiB.
   */
  memoryGb: number;
}
/**
 * What recovered VMs may still use: capacity minus active LPARs minus the reserve.
 */
export interface ObservedCapacity1 {
  processorUnits: number;
  /**
   * Memory in GiB.
   */
  memoryGb: number;
}
/**
 * This interface was referenced by `ResourceOutputs`'s JSON-Schema
 * via the `definition` "SystemStatus".
 */
export interface SystemStatus {
  id: string;
  /**
   * Managed-system state as discovered, or "Unknown" when discovery does not list it.
   */
  state: string;
  processorUnits: number;
  memoryGb: number;
  /**
   * Capacity minus active LPARs minus the reserve (never below 0).
   */
  freeProcessorUnits: number;
  /**
   * Capacity minus active LPARs minus the reserve (never below 0).
   */
  freeMemoryGb: number;
}
/**
 * This interface was referenced by `ResourceOutputs`'s JSON-Schema
 * via the `definition` "StorageMappingOutputs".
 */
export interface StorageMappingOutputs {
  /**
   * The consistency group's state as the storage reports it, "missing" when it is gone, "unverified" when not contacted.
   */
  replicationState: string;
  /**
   * Which side is the copy source now: "aux" after a failover or a switch.
   */
  primary: "master" | "aux" | "unknown";
  /**
   * True when the replicas accept writes (after a failover).
   */
  auxWritable: boolean;
  /**
   * Replication lag as the storage reports it.
   */
  lagSeconds: number;
  /**
   * False when the lag exceeds `rpoSeconds` or replication is not running.
   */
  withinRpo: boolean;
  /**
   * Differences between the declaration and the storage, found at create or refresh.
   */
  drift: string[];
}
/**
 * This interface was referenced by `ResourceOutputs`'s JSON-Schema
 * via the `definition` "NetworkMappingOutputs".
 */
export interface NetworkMappingOutputs {
  /**
   * The production maps reversed (target -> source): what `vmr failback` applies to bring each VM back onto its home switches and VLANs.
   */
  failback: {
    switches: SwitchPair[];
    vlans: VlanPair[];
  };
}
export interface SwitchPair {
  /**
   * Virtual switch name at the source site (ETHERNET0, say).
   */
  source: string;
  /**
   * Virtual switch name at the target site.
   */
  target: string;
}
export interface VlanPair {
  /**
   * VLAN ID at the source site.
   */
  source: number;
  /**
   * VLAN ID at the target site.
   */
  target: number;
}
/**
 * This interface was referenced by `ResourceOutputs`'s JSON-Schema
 * via the `definition` "ProtectionGroupOutputs".
 */
export interface ProtectionGroupOutputs {
  /**
   * What discovery says about each protected VM now.
   */
  members: MemberStatus[];
  readiness: Readiness;
  /**
   * Sites the group's VMs run at now, sorted.
   */
  currentSites: string[];
  /**
   * What differs from the declaration and the next `pulumi up` repairs.
   */
  drift: string[];
  /**
   * Per VM, its home: recorded at create, update and refresh while the VM runs on its own volumes, kept unchanged while it runs on its replicas. `vmr failback` returns each VM to it. Absent in state written before home records existed: a `pulumi refresh` while the VMs are home writes it.
   */
  homes?: LparHome[];
}
/**
 * What discovery says about one protected VM now.
 *
 * This interface was referenced by `ResourceOutputs`'s JSON-Schema
 * via the `definition` "MemberStatus".
 */
export interface MemberStatus {
  lpar: string;
  /**
   * False when discovery no longer lists the LPAR.
   */
  present: boolean;
  /**
   * Managed system the LPAR is defined on now: after a failover, one at the recovery site.
   */
  host?: string;
  /**
   * Site the LPAR is defined at now.
   */
  site?: string;
  state?: string;
  processorUnits: number;
  memoryGb: number;
  volumes: string[];
  remoteRestartCapable: boolean;
  /**
   * The switch/VLAN pairs its network adapters are on now (ETHERNET0/110), as discovered; absent when its network is not modelled. After a failover: the mapped ones.
   */
  vlans?: string[];
}
/**
 * Whether the group could be recovered now, and what stands in the way.
 */
export interface Readiness {
  /**
   * ready: the target could hold every VM and every volume replicates; unverified: not contacted.
   */
  status: "ready" | "notReady" | "unverified";
  issues: ReadinessIssue[];
  /**
   * What a failover will do that the operator should know beforehand, without making the group not ready: a consistency group whose writers span servers moves all of them together.
   */
  notes?: ReadinessIssue[];
  rto?: ReadinessRto;
}
/**
 * This interface was referenced by `ResourceOutputs`'s JSON-Schema
 * via the `definition` "ReadinessIssue".
 */
export interface ReadinessIssue {
  code:
    | "capacity"
    | "replication"
    | "lpar"
    | "remoteRestart"
    | "target"
    | "sharedConsistencyGroup"
    | "network"
    | "rto";
  message: string;
  lpars?: string[];
  volume?: string;
  missingProcessorUnits?: number;
  missingMemoryGb?: number;
  consistencyGroup?: string;
  /**
   * sharedConsistencyGroup: the servers its writers run on.
   */
  systems?: string[];
}
/**
 * A group with a budget: its failover alone, from the systems it runs on now to its target, planned against the live inventory and its RTO predicted by Monte Carlo (provider/predict); over the budget at the confidence is a readiness issue (code rto).
 *
 * This interface was referenced by `ResourceOutputs`'s JSON-Schema
 * via the `definition` "ReadinessRto".
 */
export interface ReadinessRto {
  /**
   * The systems treated as failed: those the group's VMs run on now.
   */
  failedHosts: string[];
  predictedRto: PredictedRto;
  rtoBudgetSeconds: number;
  confidence: number;
  /**
   * The predicted RTO at the confidence against the budget.
   */
  verdict: "within" | "over";
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
 * Where a protected VM lives: the managed system it last ran on while using its own (source) volumes, and their mappings there. Kept while it runs on its replicas (after a failover or a planned site move), so that `vmr failback` returns it to this system with these mappings.
 *
 * This interface was referenced by `ResourceOutputs`'s JSON-Schema
 * via the `definition` "LparHome".
 */
export interface LparHome {
  lpar: string;
  /**
   * Managed system id.
   */
  system: string;
  /**
   * Site of that system when the home was recorded.
   */
  site?: string;
  mappings: HomeMapping[];
}
/**
 * How one of the VM's own volumes was presented to its home system.
 *
 * This interface was referenced by `ResourceOutputs`'s JSON-Schema
 * via the `definition` "HomeMapping".
 */
export interface HomeMapping {
  volume: string;
  /**
   * Storage system holding the volume.
   */
  storageSystem: string;
  via: "vscsi" | "npiv";
  /**
   * vscsi: the VIOS of the home system that served the volume.
   */
  vios?: string;
}
/**
 * This interface was referenced by `ResourceOutputs`'s JSON-Schema
 * via the `definition` "ObservedCapacity".
 */
export interface ObservedCapacity2 {
  processorUnits: number;
  /**
   * Memory in GiB.
   */
  memoryGb: number;
}
/**
 * This interface was referenced by `ResourceOutputs`'s JSON-Schema
 * via the `definition` "Readiness".
 */
export interface Readiness1 {
  /**
   * ready: the target could hold every VM and every volume replicates; unverified: not contacted.
   */
  status: "ready" | "notReady" | "unverified";
  issues: ReadinessIssue[];
  /**
   * What a failover will do that the operator should know beforehand, without making the group not ready: a consistency group whose writers span servers moves all of them together.
   */
  notes?: ReadinessIssue[];
  rto?: ReadinessRto;
}
