/* Generated from schemas/ by scripts/gen-types.js: do not edit. Run `npm run gen`. */

/**
 * This interface was referenced by `DrillFile`'s JSON-Schema
 * via the `definition` "Assertion".
 */
export type Assertion =
  RtoWithinBudget | AllVmsPlaced | CleanupComplete | MaxMakespan | MaxGroupRto | NetworkIsolated;

/**
 * A scripted, non-disruptive drill: the failure scenario to rehearse, the protection groups it covers, and the assertions that decide whether it passed (the exit code of `vmr drill` follows them, so it can run on a schedule or in CI).
 */
export interface DrillFile {
  /**
   * Format version of this file: 1.
   */
  version: 1;
  /**
   * Names the drill in reports and in the FlashCopy groups it creates: letters, digits, '.', '_' and '-'.
   */
  name: string;
  description?: string;
  scenario: Scenario;
  /**
   * ProtectionGroup names to rehearse. Default: every group the scenario affects.
   *
   * @minItems 1
   */
  groups?: [string, ...string[]];
  /**
   * The isolated network the drill copies are attached to; never the production network.
   */
  network?: string;
  /**
   * Whether the drill may stop or suspend the recovery targets' non-critical VMs (RecoveryTarget `nonCritical`) to make room for its copies, as a failover would: only as many as the copies need, lowest level first, each a journaled step; the drill's cleanup brings them back (and `vmr drill --cleanup` after a crash). Off by default: a drill then leaves them running and says which copies wait for their room.
   * @default false
   */
  stopNonCritical?: boolean;
  /**
   * What must hold for the drill to pass. Default: every group within its RTO budget, no VM left unplaced, cleanup complete.
   */
  assertions?: Assertion[];
}
/**
 * The failure to rehearse: a whole site, or some managed systems. On the simulator the failure is injected into the drill's view only; on hardware it is assumed. Production keeps running either way.
 *
 * This interface was referenced by `DrillFile`'s JSON-Schema
 * via the `definition` "Scenario".
 */
export interface Scenario {
  /**
   * Site whose managed systems are treated as failed.
   */
  failedSite?: string;
  /**
   * Managed system ids treated as failed.
   *
   * @minItems 1
   */
  failedHosts?: [string, ...string[]];
}
/**
 * Every rehearsed group (or the listed ones) is up within its declared rtoBudgetSeconds.
 *
 * This interface was referenced by `DrillFile`'s JSON-Schema
 * via the `definition` "RtoWithinBudget".
 */
export interface RtoWithinBudget {
  type: "rtoWithinBudget";
  /**
   * @minItems 1
   */
  groups?: [string, ...string[]];
}
/**
 * The planner found a target for every VM of the rehearsed groups, and every copy started.
 *
 * This interface was referenced by `DrillFile`'s JSON-Schema
 * via the `definition` "AllVmsPlaced".
 */
export interface AllVmsPlaced {
  type: "allVmsPlaced";
}
/**
 * After the drill no drill LPAR and no drill FlashCopy group is left.
 *
 * This interface was referenced by `DrillFile`'s JSON-Schema
 * via the `definition` "CleanupComplete".
 */
export interface CleanupComplete {
  type: "cleanupComplete";
}
/**
 * The whole drill (all groups) is up within `seconds`.
 *
 * This interface was referenced by `DrillFile`'s JSON-Schema
 * via the `definition` "MaxMakespan".
 */
export interface MaxMakespan {
  type: "maxMakespan";
  seconds: number;
}
/**
 * One group is up within `seconds`, tighter than (or instead of) its declared budget.
 *
 * This interface was referenced by `DrillFile`'s JSON-Schema
 * via the `definition` "MaxGroupRto".
 */
export interface MaxGroupRto {
  type: "maxGroupRto";
  group: string;
  seconds: number;
}
/**
 * No drill copy was attached to a production VLAN of its site: each copy's planned adapters are on drill VLANs only, and its start step, which reads the copy back from the adapter, found none on a production VLAN.
 *
 * This interface was referenced by `DrillFile`'s JSON-Schema
 * via the `definition` "NetworkIsolated".
 */
export interface NetworkIsolated {
  type: "networkIsolated";
}
