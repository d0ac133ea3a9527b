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
