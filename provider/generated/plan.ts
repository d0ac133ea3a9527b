/* Generated from schemas/ by scripts/gen-types.js: do not edit. Run `npm run gen`. */

/**
 * This interface was referenced by `Plan`'s JSON-Schema
 * via the `definition` "StepKind".
 */
export type StepKind =
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
  kind: StepKind;
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
