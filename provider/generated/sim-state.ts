/* Generated from schemas/ by scripts/gen-types.js: do not edit. Run `npm run gen`. */

/**
 * The files of a simulator state directory (made by `vmr sim init`): this root describes state-<generation>.json, the snapshot; definitions describe sim.json (SimulatorManifest) and each line of log-<generation>.jsonl (SimulatorLogEntry). Timestamps are clock milliseconds (wall time for a state directory).
 */
export interface SimulatorSnapshot {
  /**
   * Bumped when the format changes; older files are refused with a message to re-initialise.
   */
  formatVersion: 1;
  /**
   * Clock time of `vmr sim init`: injected host crashes are timed from it.
   */
  originAt: number;
  /**
   * Clock time up to which timed transitions are applied in this snapshot.
   */
  time: number;
  /**
   * Wall-clock milliseconds per simulated millisecond.
   */
  timeScale: number;
  /**
   * Counter of job and transition ids.
   */
  seq: number;
  /**
   * The datacenter now, as schemas/topology.schema.json describes it (defaults filled in).
   */
  topology: {
    [k: string]: unknown;
  };
  runtime: {
    /**
     * Jobs accepted and not ended yet.
     */
    jobs: SimulatorJob[];
    /**
     * Timed transitions still to apply, in (at, seq) order.
     */
    events: {
      at: number;
      seq: number;
      transition: {
        type: "jobEnd" | "booted" | "crash";
      };
    }[];
    /**
     * Per plan resource (hmc:NAME, system:ID, vios:ID/VIOS, storage:ID), the clock time each slot is busy until.
     */
    slots: [string, number[]][];
    /**
     * Calls per 'operation:objectId': the attempt number of latency and fault draws.
     */
    attempts: [string, number][];
    /**
     * Recently failed jobs and why, for the clients waiting on them.
     */
    failures: [
      string,
      {
        at: number;
        failure: "transient" | "conflict" | "notFound" | "fatal";
        message: string;
      }
    ][];
    /**
     * LPAR id and the clock time its OS is up.
     */
    bootingUntil: [string, number][];
    /**
     * 'host@clockMs' of injected crashes already scheduled.
     */
    scheduledCrashes: string[];
  };
}
/**
 * An operation accepted by the simulated HMC or SAN; it ends at endAt whoever waits for it.
 *
 * This interface was referenced by `SimulatorSnapshot`'s JSON-Schema
 * via the `definition` "SimulatorJob".
 */
export interface SimulatorJob {
  id: string;
  /**
   * Adapter operation (remoteRestart, mapVolume, ...).
   */
  op: string;
  objectKey: string;
  signature: string;
  acceptedAt: number;
  endAt: number;
  phases: {
    op: string;
    resources: string[];
    start: number;
    end: number;
  }[];
  /**
   * Capacity the job takes on a system once done.
   */
  reserve?: {
    host: string;
    processorUnits: number;
    memoryGb: number;
  };
  claims?: string[];
  effect: {
    type: string;
  };
}
/**
 * sim.json: which snapshot and log are current. Written atomically.
 *
 * This interface was referenced by `SimulatorSnapshot`'s JSON-Schema
 * via the `definition` "SimulatorManifest".
 */
export interface SimulatorManifest {
  formatVersion: 1;
  /**
   * Random id of this initialisation: a re-initialised directory never matches an old cache.
   */
  instance: string;
  /**
   * The current files are state-<generation>.json and log-<generation>.jsonl.
   */
  generation: number;
}
/**
 * One line of log-<generation>.jsonl: what a client did, stamped with the clock time.
 *
 * This interface was referenced by `SimulatorSnapshot`'s JSON-Schema
 * via the `definition` "SimulatorLogEntry".
 */
export interface SimulatorLogEntry {
  k: "job" | "attempt" | "crash" | "repair" | "viosState" | "storageState" | "faults" | "capable";
  at: number;
  job?: SimulatorJob;
}
