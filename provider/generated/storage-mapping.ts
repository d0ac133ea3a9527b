/* Generated from schemas/ by scripts/gen-types.js: do not edit. Run `npm run gen`. */

/**
 * An identifier: letters, digits, '.', '_' and '-', starting with a letter or digit.
 *
 * This interface was referenced by `StorageMappingInputs`'s JSON-Schema
 * via the `definition` "Id".
 */
export type Id = string;
/**
 * How to reach the SAN storage. Give passwords as Pulumi secrets.
 * @default { type: "simulator" }
 */
export type AdapterSettings = SimulatorSettings | HardwareSettings;

/**
 * Which source volumes replicate to which replicas as one remote-copy consistency group, and how the replicas are presented to the target hosts.
 */
export interface StorageMappingInputs {
  /**
   * Name by which protection groups refer to this mapping.
   * @default the Pulumi resource name
   */
  name: string;
  /**
   * Id of the remote-copy (Metro / Global Mirror) consistency group. Changing it replaces the mapping.
   */
  consistencyGroup: string;
  /**
   * Source volume -> replica volume, replicated together.
   *
   * @minItems 1
   */
  pairs: [VolumePair, ...VolumePair[]];
  presentation?: Presentation;
  /**
   * Metro Mirror (sync) or Global Mirror (async).
   * @default "sync"
   */
  mode?: "sync" | "async";
  /**
   * Largest replication lag tolerated; a larger lag makes the mapping report itself behind.
   * @default none (no lag check)
   */
  rpoSeconds?: number;
  /**
   * Managed systems the replicas may be presented to; each must exist in discovery.
   * @default []
   */
  targetHosts?: Id[];
  adapter?: AdapterSettings;
  /**
   * Check the consistency group and volumes against the storage at preview and create; false records the declaration only.
   * @default true
   */
  verify?: boolean;
}
/**
 * This interface was referenced by `StorageMappingInputs`'s JSON-Schema
 * via the `definition` "VolumePair".
 */
export interface VolumePair {
  /**
   * Volume the protected VM uses (master side).
   */
  source: string;
  /**
   * Its copy at the recovery site (auxiliary side).
   */
  replica: string;
}
/**
 * How replicas are presented to the target hosts.
 * @default { via: "vscsi" }
 */
export interface Presentation {
  /**
   * vSCSI through the target's VIOS, or NPIV to the LPAR's virtual Fibre Channel ports.
   * @default "vscsi"
   */
  via?: "vscsi" | "npiv";
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
 * This interface was referenced by `StorageMappingInputs`'s JSON-Schema
 * via the `definition` "Presentation".
 */
export interface Presentation1 {
  /**
   * vSCSI through the target's VIOS, or NPIV to the LPAR's virtual Fibre Channel ports.
   * @default "vscsi"
   */
  via?: "vscsi" | "npiv";
}
