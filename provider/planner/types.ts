// The planner's inputs and options. Plain data: the CLI and the executor gather them (stack
// state, adapter inventories, adapter limits) and hand them over; the planner does no I/O.

import type { ComputeInventory } from "../adapters/compute";
import type { StorageInventory } from "../adapters/storage";
import type { Duration } from "../model";
import type { ProtectionModel } from "../model/protection";

export type PlanKind = "failover" | "planned" | "failback" | "drill";
export type SlaMode = "strict" | "pipelined";

/** Live state read from the adapters. */
export interface Inventory {
  readonly compute: ComputeInventory;
  readonly storage: StorageInventory;
}

/**
 * What happened, or what to act on. Nothing given: for a failover the failed systems are read from
 * the inventory (managed systems not Operating); for a drill every protected LPAR is in scope.
 */
export interface FailureSpec {
  /** Managed system ids treated as failed (failover) or to evacuate (planned). */
  readonly failedHosts?: readonly string[];
  /** Every managed system at this site is treated as failed (failover) or to evacuate (planned). */
  readonly failedSite?: string;
  /** Only these protection groups. @default every group */
  readonly groups?: readonly string[];
}

export interface PlanOptions {
  /** Overrides of provider/model/latency.ts, by operation name. @default the table's medians */
  readonly latencies?: Readonly<Record<string, Duration>>;
  /** Which SLA mode the estimate assumes. @default "strict" (the paper's: a level starts when the higher ones are up) */
  readonly slaMode?: SlaMode;
  /** Concurrency limits that override the inventory's (as from ComputeAdapter.limits()), keyed as plan resources. */
  readonly limits?: Readonly<Record<string, number>>;
  /** Estimated duration of a hook, which no latency table knows. @default 10 */
  readonly hookEstimateSeconds?: number;
  /** Refuse to remote-restart an LPAR that is not simplified-remote-restart capable. @default true */
  readonly requireRemoteRestartCapable?: boolean;
  /** Isolated network drill copies attach to. @default "vmr-drill" */
  readonly drillNetwork?: string;
  /**
   * Whether a drill may stop or suspend non-critical LPARs for its copies' room (the drill
   * file's `stopNonCritical`), as a failover does; its cleanup phase brings them back. @default false
   */
  readonly drillStopsNonCritical?: boolean;
  /**
   * The non-critical LPARs that vmr's own runs stopped or suspended and have not brought back
   * (read from the run store's journals, provider/recovery/stopped-by-vmr.ts). When given, a
   * failback or `vmr resume-noncritical` brings back only these, and names the others it leaves
   * off (stopped by hand, say). Absent: every declared one found stopped or suspended.
   */
  readonly stoppedNonCritical?: readonly string[];
}

export interface PlanRequest {
  readonly model: ProtectionModel;
  readonly inventory: Inventory;
  readonly failure?: FailureSpec;
  readonly options?: PlanOptions;
}
