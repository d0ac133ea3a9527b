/* Generated from schemas/ by scripts/gen-types.js: do not edit. Run `npm run gen`. */

/**
 * How to reach the compute manager (PowerVM HMC) and the storage (Spectrum Virtualize), or the embedded simulator that stands in for both.
 */
export type AdapterSettings = SimulatorSettings | HardwareSettings;

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
