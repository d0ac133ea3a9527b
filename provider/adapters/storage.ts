// The narrow interface to SAN storage: Spectrum Virtualize through its REST API, or the
// simulator. Operations are idempotent; failures are AdapterErrors.

import type {
  HostMapping,
  ResolvedConsistencyGroup,
  ResolvedFlashCopyGroup,
  ResolvedStorageSystem,
  Volume,
} from "../model";
import type { ConcurrencyLimits, OperationResult } from "./compute";

export interface StorageInventory {
  readonly storageSystems: readonly ResolvedStorageSystem[];
  readonly volumes: readonly Volume[];
  readonly hostMappings: readonly HostMapping[];
  readonly consistencyGroups: readonly ResolvedConsistencyGroup[];
  readonly flashCopyGroups: readonly ResolvedFlashCopyGroup[];
}

export interface MapRequest {
  readonly volumeId: string;
  /** Managed system the volume is presented to. */
  readonly hostId: string;
  readonly via: "vscsi" | "npiv";
  /**
   * VIOS that serves a vSCSI mapping: it names the SAN host object when there is one per VIOS.
   * The VIOS side of the mapping is the compute adapter's (attachVirtualDisk).
   */
  readonly vios?: string;
}

export interface FlashCopyRequest {
  /** Idempotency key: creating a group with a name that exists returns it. */
  readonly name: string;
  readonly storageSystemId: string;
  /** Volumes to copy; the adapter creates a target volume for each. */
  readonly sourceVolumeIds: readonly string[];
}

export interface StorageAdapter {
  readonly kind: string;
  /** Wall-clock ms per simulated ms (see ComputeAdapter.timeScale); absent for hardware. */
  readonly timeScale?: number;
  inventory(): Promise<StorageInventory>;
  /** Makes the auxiliary volumes writable (stoprcconsistgrp -access). */
  failoverConsistencyGroup(groupId: string): Promise<OperationResult>;
  /** Planned switch of direction on a synchronized group (switchrcconsistgrp). */
  switchConsistencyGroup(groupId: string, primary: "master" | "aux"): Promise<OperationResult>;
  /** (Re)starts replication from `primary` (startrcconsistgrp -primary [-force]): reprotect. */
  startConsistencyGroup(groupId: string, primary: "master" | "aux", force: boolean): Promise<OperationResult>;
  /** The SAN host mapping only (mkvdiskhostmap); holds `storage:<system>`. */
  mapVolume(request: MapRequest): Promise<OperationResult>;
  /** Removes the SAN host mapping (rmvdiskhostmap); a live host's VIOS must have detached a vSCSI disk first. */
  unmapVolume(request: MapRequest): Promise<OperationResult>;
  /** Creates, prepares and starts a FlashCopy group; returns it with its target volumes. */
  createFlashCopyGroup(request: FlashCopyRequest): Promise<{ group: ResolvedFlashCopyGroup; alreadyDone: boolean }>;
  /**
   * Why the adapter would refuse some of these FlashCopy groups (a source at its FlashCopy mapping
   * limit, a target name too long), each reason naming the volume; [] when none. Called at plan
   * time, before anything is created. An adapter without it refuses nothing up front.
   */
  checkFlashCopies?(requests: readonly FlashCopyRequest[]): Promise<string[]>;
  /** Stops and deletes the group and its target volumes (and their host mappings). */
  deleteFlashCopyGroup(groupId: string): Promise<OperationResult>;
  limits(): Promise<ConcurrencyLimits>;
  close(): Promise<void>;
}
