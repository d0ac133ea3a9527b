/* Generated from schemas/ by scripts/gen-types.js: do not edit. Run `npm run gen`. */

/**
 * An identifier: letters, digits, '.', '_' and '-', starting with a letter or digit.
 *
 * This interface was referenced by `RecoveryTargetInputs`'s JSON-Schema
 * via the `definition` "Id".
 */
export type Id = string;
/**
 * How to reach the HMC and the SAN storage. Give passwords as Pulumi secrets.
 * @default { type: "simulator" }
 */
export type AdapterSettings = SimulatorSettings | HardwareSettings;

/**
 * A site's managed systems that may receive VMs in a recovery, the capacity they keep in reserve, how many restarts they take at once, and how to reach them.
 */
export interface RecoveryTargetInputs {
  /**
   * Name by which protection groups and `vmr` commands refer to this target.
   * @default the Pulumi resource name
   */
  name: string;
  /**
   * Site the systems are at. Changing it replaces the target.
   */
  site: string;
  /**
   * Ids of the managed systems (POWER servers) at `site` that may receive VMs.
   *
   * @minItems 1
   */
  systems: [Id, ...Id[]];
  reserve?: Capacity;
  /**
   * Remote restarts each system takes at once; lowers the adapter's limit (MAX_NUM_RR, 32).
   * @default the adapter's limit
   */
  maxConcurrentRestarts?: number;
  adapter?: AdapterSettings;
  /**
   * LPARs running on the target's systems that may be stopped or suspended to free room for recovered VMs (test, development): each yields its room only to VMs of a higher SLA level than its own. Plans name them in what it would take to place a VM short of capacity.
   * @default []
   */
  nonCritical?: NonCriticalVm[];
  /**
   * Check the systems against discovery at preview and read their capacity at create; false records the declaration without contacting the adapter (when the HMC is not reachable from where `pulumi up` runs).
   * @default true
   */
  verify?: boolean;
}
/**
 * Capacity each system keeps free: recovery never places VMs into it.
 * @default { processorUnits: 0, memoryGb: 0 }
 */
export interface Capacity {
  /**
   * @default 0
   */
  processorUnits?: number;
  /**
   * Memory in GiB.
   * @default 0
   */
  memoryGb?: number;
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
 * This interface was referenced by `RecoveryTargetInputs`'s JSON-Schema
 * via the `definition` "NonCriticalVm".
 */
export interface NonCriticalVm {
  /**
   * An identifier: letters, digits, '.', '_' and '-', starting with a letter or digit.
   */
  lpar: string;
  /**
   * How it gives its room back: shut down, or suspended (PowerVM partition suspend).
   * @default "stop"
   */
  action?: "stop" | "suspend";
  /**
   * The SLA level it holds: it yields only to VMs of a higher level, the lowest first. A VM a ProtectionGroup protects must not be declared below its protected level.
   * @default 0
   */
  slaLevel?: number;
}
/**
 * This interface was referenced by `RecoveryTargetInputs`'s JSON-Schema
 * via the `definition` "Capacity".
 */
export interface Capacity1 {
  /**
   * @default 0
   */
  processorUnits?: number;
  /**
   * Memory in GiB.
   * @default 0
   */
  memoryGb?: number;
}
