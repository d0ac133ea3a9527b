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
