/* Generated from schemas/ by scripts/gen-types.js: do not edit. Run `npm run gen`. */

/**
 * Step latencies fitted by `vmr calibrate` from the journals of a stack's drills and failovers: per operation a lognormal (median and p95, as provider/model/latency.ts states its defaults), and per managed system, HMC or storage system where enough steps were measured there. RTO predictions draw from it and name it; an operation it lacks falls back to the wider fit, then to the documented default.
 */
export interface LatencyProfileFile {
  /**
   * Format version of this file: 2 (1, written before `faults`, is read the same way).
   */
  formatVersion: 1 | 2;
  /**
   * The stack whose runs it was fitted from; a prediction for another stack refuses it.
   */
  stack: string;
  createdAt: string;
  /**
   * Wall-clock start of the oldest and of the newest run fitted.
   */
  window: {
    from: string;
    to: string;
  };
  /**
   * A profile whose newest run is older than this is stale: refused until `vmr calibrate` runs again.
   */
  maxAgeDays: number;
  /**
   * Measured steps an operation (or a scope's operation) needs to be fitted; fewer and it falls back.
   */
  minSamples: number;
  /**
   * Run ids of the journals fitted.
   */
  runs: string[];
  /**
   * By operation name (provider/model/latency.ts OPERATIONS): the fit over every scope.
   */
  operations: {
    [k: string]: Fit;
  };
  /**
   * By scope, a resource key (system:<id>, hmc:<name>, storage:<id>), then by operation: fits of the steps measured there.
   */
  scoped?: {
    [k: string]: {
      [k: string]: Fit;
    };
  };
  /**
   * By operation name: how often its attempts failed transiently (the executor tried again after its back-off) and how long a failed attempt took, over every scope. Only operations with `minSamples` measured attempts; predictions draw the retries from it.
   */
  faults?: {
    [k: string]: FaultFit;
  };
  /**
   * By scope (as `scoped`), then by operation: the fault figures of a scope whose attempts failed at a rate that differs from the operation's by more than chance (a flaky server). The operation's `faults` are then of the attempts of no scope fitted apart.
   */
  scopedFaults?: {
    [k: string]: {
      [k: string]: FaultFit;
    };
  };
}
/**
 * This interface was referenced by `LatencyProfileFile`'s JSON-Schema
 * via the `definition` "Fit".
 */
export interface Fit {
  /**
   * exp(mean of ln duration).
   */
  medianSeconds: number;
  /**
   * median * exp(1.645 * standard deviation of ln duration).
   */
  p95Seconds: number;
  samples: number;
}
/**
 * This interface was referenced by `LatencyProfileFile`'s JSON-Schema
 * via the `definition` "FaultFit".
 */
export interface FaultFit {
  /**
   * Attempts measured: the steps' first attempts and their retries.
   */
  attempts: number;
  /**
   * Of them, the attempts that failed transiently and were tried again; failed / attempts is the rate a prediction draws.
   */
  failed: number;
  /**
   * Mean time of a failed attempt over the operation's mean duration: 0 when refused at once (a busy HMC), about 0.5 when jobs fail part way. A prediction draws each failed attempt's share uniformly with this mean.
   */
  failedShare: number;
}
