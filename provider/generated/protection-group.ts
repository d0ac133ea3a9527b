/* Generated from schemas/ by scripts/gen-types.js: do not edit. Run `npm run gen`. */

/**
 * An identifier: letters, digits, '.', '_' and '-', starting with a letter or digit.
 *
 * This interface was referenced by `ProtectionGroupInputs`'s JSON-Schema
 * via the `definition` "Id".
 */
export type Id = string;
/**
 * How to reach the compute manager (PowerVM HMC) and the storage (Spectrum Virtualize), or the embedded simulator that stands in for both.
 */
export type AdapterSettings = SimulatorSettings | HardwareSettings;

/**
 * VMs recovered together: their SLA level, start order, anti-affinity, RTO budget, the recovery target and storage mappings they use, and hooks.
 */
export interface ProtectionGroupInputs {
  /**
   * Name of the group in plans and reports.
   * @default the Pulumi resource name
   */
  name: string;
  /**
   * Restart priority of the group's VMs: higher restarts first (0-9). A change is an update, never a replacement.
   * @default 1
   */
  slaLevel?: number;
  /**
   * The protected VMs (LPAR ids). Their size comes from discovery.
   *
   * @minItems 1
   */
  vms: [ProtectedVm, ...ProtectedVm[]];
  /**
   * Sets of LPARs of this group that must not restart on the same managed system.
   * @default []
   */
  antiAffinity?: [Id, Id, ...Id[]][];
  /**
   * Recovery time objective of the group; plans that exceed it say so.
   * @default none
   */
  rtoBudgetSeconds?: number;
  /**
   * An identifier: letters, digits, '.', '_' and '-', starting with a letter or digit.
   */
  recoveryTarget: string;
  /**
   * Names of the StorageMappings that carry the VMs' volumes.
   * @default []
   */
  storageMappings?: Id[];
  /**
   * Commands run before the group's first restart and after its last.
   * @default none
   */
  hooks?: {
    pre?: Hook[];
    post?: Hook[];
  };
  context?: GroupContext;
}
/**
 * This interface was referenced by `ProtectionGroupInputs`'s JSON-Schema
 * via the `definition` "ProtectedVm".
 */
export interface ProtectedVm {
  /**
   * LPAR id as discovery reports it.
   */
  lpar: string;
  /**
   * Overrides the group's SLA level for this VM.
   * @default the group's slaLevel
   */
  slaLevel?: number;
  /**
   * LPARs that must be running before this one starts (this VM starts after them).
   * @default []
   */
  after?: Id[];
}
/**
 * This interface was referenced by `ProtectionGroupInputs`'s JSON-Schema
 * via the `definition` "Hook".
 */
export interface Hook {
  /**
   * Executable and its arguments, run without a shell.
   *
   * @minItems 1
   */
  command: [string, ...string[]];
  /**
   * @default 300
   */
  timeoutSeconds?: number;
}
/**
 * Filled in by the ProtectionGroup class from the resources it references; never set by hand.
 */
export interface GroupContext {
  /**
   * The referenced RecoveryTarget as declared.
   */
  target?: {
    site: Id;
    systems: Id[];
    reserve?: {
      processorUnits?: number;
      memoryGb?: number;
    };
    adapter?: AdapterSettings;
    verify?: boolean;
  };
  /**
   * Consistency groups of the referenced StorageMappings.
   */
  consistencyGroups?: Id[];
  /**
   * VMs of this group that another ProtectionGroup of the same program also lists.
   */
  claimedElsewhere?: {
    lpar: string;
    group: string;
  }[];
}
export interface SimulatorSettings {
  type: "simulator";
  /**
   * Directory of the simulated datacenter (made by `vmr sim init`). Defaults to $VMR_SIM_STATE, then ./.vmr/sim.
   */
  stateDir?: string;
}
export interface HardwareSettings {
  type: "hardware";
  hmc?: HmcConnection;
  storage?: SvcConnection;
}
export interface HmcConnection {
  /**
   * Base address of the HMC REST API, e.g. https://hmc1.example.com:12443.
   */
  url: string;
  username: string;
  /**
   * Kept as a Pulumi secret.
   */
  password: string;
  tls?: TlsSettings;
  maxConcurrentJobs?: number;
  jobTimeoutSeconds?: number;
  pollIntervalSeconds?: number;
}
export interface TlsSettings {
  /**
   * PEM file of the CAs to trust, for HMCs and storage with certificates from a private CA.
   */
  caBundle?: string;
  /**
   * Accept any certificate. Every connection made with it prints a warning; never use it in production.
   */
  insecureSkipVerify?: boolean;
}
export interface SvcConnection {
  /**
   * Base address of the Spectrum Virtualize REST API, e.g. https://svc1.example.com:7443.
   */
  url: string;
  username: string;
  /**
   * Kept as a Pulumi secret.
   */
  password: string;
  tls?: TlsSettings;
  maxConcurrentRequests?: number;
}
/**
 * This interface was referenced by `ProtectionGroupInputs`'s JSON-Schema
 * via the `definition` "GroupContext".
 */
export interface GroupContext1 {
  /**
   * The referenced RecoveryTarget as declared.
   */
  target?: {
    site: Id;
    systems: Id[];
    reserve?: {
      processorUnits?: number;
      memoryGb?: number;
    };
    adapter?: AdapterSettings;
    verify?: boolean;
  };
  /**
   * Consistency groups of the referenced StorageMappings.
   */
  consistencyGroups?: Id[];
  /**
   * VMs of this group that another ProtectionGroup of the same program also lists.
   */
  claimedElsewhere?: {
    lpar: string;
    group: string;
  }[];
}
