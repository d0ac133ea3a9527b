// The narrow interface to the compute manager: PowerVM through an HMC, or the simulator.
// Every operation is idempotent: asking for a state the object is already in succeeds as a
// no-op (restarting an LPAR that already runs on the target returns `alreadyDone: true`).
// Failures are AdapterErrors whose `failure` says whether to retry.

import type { ClientNetworkAdapter, Hmc, LparState, ManagedSystemState, ResolvedLpar, ResolvedManagedSystem } from "../model";

export interface ComputeInventory {
  readonly hmcs: readonly Hmc[];
  readonly managedSystems: readonly ResolvedManagedSystem[];
  readonly lpars: readonly ResolvedLpar[];
}

/** What an operation did: `alreadyDone` when the object was already in the asked-for state. */
export interface OperationResult {
  readonly alreadyDone: boolean;
}

export interface FenceResult extends OperationResult {
  /** The state that proves the LPAR cannot run at its source: the source system's or the LPAR's. */
  readonly evidence: ManagedSystemState | LparState;
}

export interface RemoteRestartRequest {
  readonly lparId: string;
  readonly targetSystemId: string;
  /** Volumes the LPAR uses at the target; each must already be mapped to the target and writable. */
  readonly volumeIds: readonly string[];
  /**
   * The client network adapters the LPAR gets at the target (its NetworkMapping applied: mapped
   * switch, PVID, tagged VLANs; MAC kept). Absent: its adapters stay as they are.
   */
  readonly adapters?: readonly ClientNetworkAdapter[];
  /**
   * Start it with this much instead of its size (flexible capacity): at least the LPAR's
   * minimum, at most its size. Absent: its size.
   */
  readonly size?: LparSize;
}

/** Processor units and memory an LPAR is started with. */
export interface LparSize {
  readonly processorUnits: number;
  readonly memoryGb: number;
}

export interface DrillLparRequest {
  /** The protected LPAR this drill LPAR copies. */
  readonly sourceLparId: string;
  readonly targetSystemId: string;
  /** FlashCopy targets mapped to the target system. */
  readonly volumeIds: readonly string[];
  /** The isolated network the copy is attached to. */
  readonly network: string;
  /** The copy's client network adapters, on drill VLANs only. Absent: the copy gets no adapter. */
  readonly adapters?: readonly ClientNetworkAdapter[];
  /** Start the copy with this much instead of the source's size (flexible capacity). Absent: the source's size. */
  readonly size?: LparSize;
}

/** A drill copy the plan will ask for, checked before anything is created. */
export interface DrillCopyCheck {
  readonly sourceLparId: string;
  readonly targetSystemId: string;
  readonly network: string;
  /** The replicas whose FlashCopy targets the copy is given, and how they reach it (the plan's map steps). */
  readonly volumes: readonly { readonly volume: string; readonly via: "vscsi" | "npiv" }[];
}

/**
 * A vSCSI disk on a VIOS: the volume, already mapped on the SAN to the managed system (the
 * storage side's mapVolume), served by one of its VIOSes to the client LPARs (mkvdev; in REST a
 * VirtualSCSIMapping child of the VirtualIOServer). NPIV needs no such step.
 */
export interface VirtualDiskRequest {
  readonly volumeId: string;
  /** Managed system whose VIOS serves the disk. */
  readonly hostId: string;
  readonly vios: string;
  /** The client LPAR the disk serves, when known (the HMC names it in the VirtualSCSIMapping). */
  readonly lparId?: string;
}

/** Concurrency limits the adapter knows of, keyed as plan resources ("hmc:NAME", "system:ID", "vios:SYSTEM/VIOS"). */
export type ConcurrencyLimits = Readonly<Record<string, number>>;

export interface ComputeAdapter {
  /** "simulator" or "hmc". */
  readonly kind: string;
  /**
   * Wall-clock milliseconds per simulated millisecond, for an adapter whose time runs scaled (the
   * simulator: 0.001 by default, 1 under a VirtualClock): divide measured durations by it to report
   * simulated seconds. Absent (meaning 1) for hardware.
   */
  readonly timeScale?: number;
  inventory(): Promise<ComputeInventory>;
  getLpar(lparId: string): Promise<ResolvedLpar>;
  /** Marks an LPAR remote-restart capable or not (simplified_remote_restart_capable). */
  setRemoteRestartCapable(lparId: string, capable: boolean): Promise<OperationResult>;
  /**
   * Makes sure the LPAR cannot run at its source `sourceSystemId`: succeeds when that system is
   * down, or the LPAR is not activated there, or powers it off there. Reads where the LPAR is at
   * the moment it acts and throws a conflict, touching nothing, when it is not on
   * `sourceSystemId` (another run or an operator moved it since the plan was made), or when the
   * stop cannot be confirmed (system answers but refuses): never restart a VM whose source might
   * still be running, never power off a VM anywhere but at its source.
   */
  fenceLpar(lparId: string, sourceSystemId: string): Promise<FenceResult>;
  /** Checks that a remote restart onto the target would be accepted (rrstartlpar -o validate). */
  validateRemoteRestart(request: RemoteRestartRequest): Promise<void>;
  /** Restarts the LPAR on the target system (rrstartlpar -o restart); returns once it is activated. */
  remoteRestart(request: RemoteRestartRequest): Promise<OperationResult>;
  /** Waits until the LPAR's OS is up (state Running), or throws after the adapter's timeout. */
  waitUntilRunning(lparId: string): Promise<OperationResult>;
  powerOn(lparId: string): Promise<OperationResult>;
  /**
   * Graceful shutdown unless `immediate`. With `expectedSystemId` (every plan step gives it),
   * reads where the LPAR is at the moment it acts and throws a conflict, touching nothing, when it
   * is not on that system.
   */
  powerOff(lparId: string, immediate: boolean, expectedSystemId?: string): Promise<OperationResult>;
  /**
   * Suspends a running partition (PowerVM partition suspend: its memory goes to the reserved
   * storage device and its processors and memory are freed). Reads where the LPAR is when it acts
   * and throws a conflict, touching nothing, when it is not on `expectedSystemId`. Suspended
   * already: alreadyDone.
   */
  suspendLpar(lparId: string, expectedSystemId: string): Promise<OperationResult>;
  /** Resumes a suspended partition on `expectedSystemId` (checked as for suspendLpar); running already: alreadyDone. */
  resumeLpar(lparId: string, expectedSystemId: string): Promise<OperationResult>;
  /** Removes what a remote restart left on the source system once it is back (rrstartlpar -o cleanup). */
  cleanupSource(lparId: string): Promise<OperationResult>;
  /** Moves a powered-off LPAR's definition to another system (planned migration and failback). */
  moveLpar(request: RemoteRestartRequest): Promise<OperationResult>;
  /** Creates and starts an LPAR for a drill; returns its id. Idempotent per (sourceLparId, network). */
  createDrillLpar(request: DrillLparRequest): Promise<{ lparId: string; alreadyDone: boolean }>;
  /** Powers off and deletes an LPAR created by createDrillLpar. */
  deleteDrillLpar(lparId: string): Promise<OperationResult>;
  /**
   * Why the adapter would refuse some of these drill copies (each reason names the LPAR or the
   * system), read from the live configuration; [] when it would make them all. Called at plan
   * time, before anything is created. An adapter without it refuses nothing up front.
   */
  checkDrillCopies?(copies: readonly DrillCopyCheck[]): Promise<string[]>;
  /**
   * Serves a SAN-mapped volume through the VIOS (vSCSI mapping). Holds `vios:<host>/<vios>`: a
   * VIOS applies one mapping change at a time. Refuses (conflict) while the volume is not mapped
   * to the host on the SAN or the host is not Operating.
   */
  attachVirtualDisk(request: VirtualDiskRequest): Promise<OperationResult>;
  /** Removes the VIOS's vSCSI mapping of the volume (before its SAN host mapping is removed). */
  detachVirtualDisk(request: VirtualDiskRequest): Promise<OperationResult>;
  /** Limits known to the adapter (defaults from the hardware, overridable by the user). */
  limits(): Promise<ConcurrencyLimits>;
  close(): Promise<void>;
}
