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
 * VMs recovered together: their SLA level, start order, anti-affinity, RTO budget, the recovery target, storage and network mappings they use, and hooks.
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
   * An identifier: letters, digits, '.', '_' and '-', starting with a letter or digit.
   */
  networkMapping?: string;
  flexibleCapacity?: FlexibleCapacity;
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
 * Lets the group's VMs start with less than their size at the recovery site when it is short (as IBM VM Recovery Manager DR's flexible capacity): a share of their processor units and memory, never below each LPAR's minimum (the partition's minimum values on the HMC; `minimum` in a simulator topology). Higher SLA levels still get full size first.
 * @default none (VMs start at full size or wait)
 */
export interface FlexibleCapacity {
  /**
   * Share of its processor units a VM may start with, in percent: more than 0, at most 100.
   */
  processorPercent: number;
  /**
   * Share of its memory a VM may start with, in percent: more than 0, at most 100.
   */
  memoryPercent: number;
  /**
   * Which plans may start the VMs smaller: an unplanned failover, a drill's copies, or both. Planned moves and failbacks start them at full size.
   * @default "both"
   */
  appliesTo?: "failover" | "drill" | "both";
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
    /**
     * The target's non-critical VMs (RecoveryTarget `nonCritical`).
     */
    nonCritical?: {
      lpar: Id;
      action?: "stop" | "suspend";
      slaLevel?: number;
    }[];
  };
  /**
   * Consistency groups of the referenced StorageMappings.
   */
  consistencyGroups?: Id[];
  network?: NetworkMappingInputs;
  /**
   * The Pulumi stack the group is declared in (the ProtectionGroup class fills it in from pulumi.getStack(); the plugin from the resource's URN): the readiness RTO predicts with the latency profile kept in that stack's run store.
   */
  stack?: string;
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
  /**
   * The HMC, or a list of HMCs (for example one per site). Names (`name`, default the URL's host name) must be unique; each HMC's `site` is the site of the managed systems it manages.
   */
  hmc?: HmcConnection | [HmcConnection, ...HmcConnection[]];
  /**
   * The storage system, or a list of them (for example one per site, partners in remote copy). Names (`name`, default the URL's host name) must be unique.
   */
  storage?: SvcConnection | [SvcConnection, ...SvcConnection[]];
}
export interface HmcConnection {
  /**
   * Base address of the HMC REST API, e.g. https://hmc1.example.com:12443.
   */
  url: string;
  /**
   * Name of the HMC in the inventory and in concurrency limits (`hmc:<name>`). Defaults to the host name of `url`.
   */
  name?: string;
  /**
   * Site of the HMC and of the managed systems it manages.
   */
  site?: string;
  /**
   * Sites of managed systems that are not at `site`, by managed system id: for an HMC that also manages the other site's systems (remote restart across sites needs one HMC that manages the source and the target system).
   */
  systemSites?: {
    [k: string]: string;
  };
  username: string;
  /**
   * Kept as a Pulumi secret.
   */
  password: string;
  tls?: TlsSettings;
  /**
   * Jobs this plugin runs on the HMC at once (limit `hmc:<name>`); more wait in the plugin. Assumption: IBM publishes no figure.
   */
  maxConcurrentJobs?: number;
  /**
   * How long a job may run before the plugin cancels it and fails (pypowervm's default: 1800).
   */
  jobTimeoutSeconds?: number;
  /**
   * How often a running job's status is read (pypowervm: 1 s).
   */
  pollIntervalSeconds?: number;
  /**
   * Remote restarts run at once onto one managed system (limit `system:<id>`; MAX_NUM_RR, unconfirmed as an IBM limit).
   */
  maxRemoteRestartsPerSystem?: number;
  /**
   * How managed systems and LPARs are named in the protection model: by their HMC names (SystemName, PartitionName) or by their UUIDs. Names must match the id pattern of the topology schema.
   */
  identifyBy?: "name" | "uuid";
  /**
   * Time allowed for one HTTP request; a request that takes longer fails as transient.
   */
  requestTimeoutSeconds?: number;
  /**
   * Retries of an operation that failed transiently (HTTP 5xx, time-out, connection reset, ETag mismatch), with exponential back-off.
   */
  retries?: number;
  /**
   * How long waitUntilRunning waits for an LPAR to reach the running state.
   */
  bootTimeoutSeconds?: number;
  /**
   * waitUntilRunning also waits for the LPAR's RMC connection (ResourceMonitoringControlState `active`): the sign that its OS is up and talks to the HMC. Needs RSCT in the LPAR (standard on AIX and IBM i, an extra package on Linux).
   */
  waitForRmc?: boolean;
}
export interface TlsSettings {
  /**
   * PEM file of the CAs to trust, for HMCs and storage with certificates from a private CA. Without it the system's default CAs are trusted.
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
  /**
   * Name of this connection in settings, warnings and errors. Set it to the storage system's name (lssystem `name`, the storage system's id in the inventory) so that the system is still known when it cannot be reached (a lost site). Defaults to the host name of `url`.
   */
  name?: string;
  /**
   * Site of the storage system.
   */
  site?: string;
  username: string;
  /**
   * Kept as a Pulumi secret.
   */
  password: string;
  tls?: TlsSettings;
  /**
   * Configuration commands this plugin sends to the storage system at once (limit `storage:<id>`); the configuration node serialises them anyway (unconfirmed).
   */
  maxConcurrentRequests?: number;
  /**
   * How a managed system's SVC host object is named: `{system}` is the managed system id, `{vios}` (optional) the VIOS id, for host objects per VIOS (vSCSI). Host objects whose names do not match are left out of the inventory.
   */
  hostNameTemplate?: string;
  /**
   * How mapped volumes reach the LPARs, reported in the inventory's host mappings (the storage system cannot tell).
   */
  presentation?: "vscsi" | "npiv";
  /**
   * `filtervalue` expressions (e.g. `name=prod_*`) selecting the volumes to inventory. Without them volumes are read in slices by the first letter of their names, so that no answer lists more than `maxObjectsPerQuery` objects.
   */
  volumeFilters?: string[];
  /**
   * A query answer at least this long is split into narrower queries (IBM advises against answers of more than 2,000 objects).
   */
  maxObjectsPerQuery?: number;
  /**
   * Appended to a source volume's name to name its FlashCopy target volume in a drill.
   */
  flashCopyTargetSuffix?: string;
  /**
   * Time allowed for one HTTP request; a request that takes longer fails as transient.
   */
  requestTimeoutSeconds?: number;
  /**
   * Retries of an operation that failed transiently (HTTP 5xx, time-out, connection reset), with exponential back-off.
   */
  retries?: number;
  /**
   * Which volumes each LPAR uses, by volume name: `{lpar}` stands for the LPAR id, `*` for any characters (e.g. `{lpar}_*`). Without it the inventory lists no volumes per LPAR and plans remap none, which is right only when every candidate system already sees the LPARs' volumes.
   */
  lparVolumePattern?: string;
}
/**
 * The referenced NetworkMapping as declared.
 */
export interface NetworkMappingInputs {
  /**
   * Name by which protection groups refer to this mapping.
   * @default the Pulumi resource name
   */
  name: string;
  /**
   * Site the VMs run at in production. Changing it replaces the mapping.
   */
  sourceSite: string;
  /**
   * Site they recover to. Changing it replaces the mapping.
   */
  targetSite: string;
  /**
   * Source virtual switch -> target virtual switch. Every switch a protected VM's adapter is on must be listed (list it onto itself to keep its name).
   * @default []
   */
  switches?: SwitchPair[];
  /**
   * Production VLAN map for a failover, planned move and (reversed) failback: source VLAN ID -> target VLAN ID.
   * @default []
   */
  vlans?: VlanPair[];
  /**
   * VLAN map for drills: source VLAN ID -> an isolated VLAN at the target site, never one of its production VLANs (`vlans[].target`).
   * @default []
   */
  drillVlans?: VlanPair[];
  ipRules?: IpRules;
}
/**
 * This interface was referenced by `NetworkMappingInputs`'s JSON-Schema
 * via the `definition` "SwitchPair".
 */
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
/**
 * This interface was referenced by `NetworkMappingInputs`'s JSON-Schema
 * via the `definition` "VlanPair".
 */
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
 * IP re-addressing at the target site, handed to the guest by the group's post-restart hook.
 * @default none (addresses are kept)
 */
export interface IpRules {
  /**
   * Subnet to subnet, keeping the host part.
   * @default []
   */
  subnets?: SubnetRule[];
  /**
   * Explicit per-VM addresses; they win over the subnet rules.
   * @default []
   */
  addresses?: AddressRule[];
}
/**
 * This interface was referenced by `NetworkMappingInputs`'s JSON-Schema
 * via the `definition` "SubnetRule".
 */
export interface SubnetRule {
  /**
   * Subnet of the addresses at the source site.
   */
  source: string;
  /**
   * Subnet at the target site, of the same prefix length: an address keeps its host part.
   */
  target: string;
  /**
   * Default gateway in the target subnet.
   * @default none
   */
  gateway?: string;
  /**
   * DNS servers for VMs in the target subnet.
   * @default []
   */
  dns?: string[];
  /**
   * An IPv4 address: 10.2.0.17.
   */
  sourceGateway?: string;
  /**
   * DNS servers for VMs in the source subnet, handed back by a failback.
   * @default []
   */
  sourceDns?: string[];
}
/**
 * This interface was referenced by `NetworkMappingInputs`'s JSON-Schema
 * via the `definition` "AddressRule".
 */
export interface AddressRule {
  /**
   * LPAR id.
   */
  lpar: string;
  /**
   * Index of the LPAR's client network adapter.
   * @default 0
   */
  adapter?: number;
  /**
   * An IPv4 address: 10.2.0.17.
   */
  address: string;
}
/**
 * This interface was referenced by `ProtectionGroupInputs`'s JSON-Schema
 * via the `definition` "FlexibleCapacity".
 */
export interface FlexibleCapacity1 {
  /**
   * Share of its processor units a VM may start with, in percent: more than 0, at most 100.
   */
  processorPercent: number;
  /**
   * Share of its memory a VM may start with, in percent: more than 0, at most 100.
   */
  memoryPercent: number;
  /**
   * Which plans may start the VMs smaller: an unplanned failover, a drill's copies, or both. Planned moves and failbacks start them at full size.
   * @default "both"
   */
  appliesTo?: "failover" | "drill" | "both";
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
    /**
     * The target's non-critical VMs (RecoveryTarget `nonCritical`).
     */
    nonCritical?: {
      lpar: Id;
      action?: "stop" | "suspend";
      slaLevel?: number;
    }[];
  };
  /**
   * Consistency groups of the referenced StorageMappings.
   */
  consistencyGroups?: Id[];
  network?: NetworkMappingInputs;
  /**
   * The Pulumi stack the group is declared in (the ProtectionGroup class fills it in from pulumi.getStack(); the plugin from the resource's URN): the readiness RTO predicts with the latency profile kept in that stack's run store.
   */
  stack?: string;
  /**
   * VMs of this group that another ProtectionGroup of the same program also lists.
   */
  claimedElsewhere?: {
    lpar: string;
    group: string;
  }[];
}
