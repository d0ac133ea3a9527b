// Spectrum Virtualize objects (ls* answers) translated into the model. The storage system is
// named by its system name; volumes, consistency groups and FlashCopy groups by their names,
// which the CLI accepts wherever it takes an id.

import type {
  ConsistencyGroupState,
  HostMapping,
  ResolvedConsistencyGroup,
  ResolvedFlashCopyGroup,
  ResolvedStorageSystem,
  Volume,
} from "../../model";
import type { HostNaming } from "./hostnames";
import type { SvcRecord } from "./queries";

const GIB = 1024 ** 3;

export function toStorageSystem(system: SvcRecord, site: string, maxConcurrentConfigOps: number): ResolvedStorageSystem {
  return { id: system.name, name: system.name, site, maxConcurrentConfigOps };
}

/** A volume from lsvdisk -bytes (capacity in bytes). */
export function toVolume(vdisk: SvcRecord, storageSystem: string): Volume {
  return { id: vdisk.name, name: vdisk.name, storageSystem, capacityGb: Number(vdisk.capacity) / GIB };
}

/** Mappings of lshostvdiskmap rows whose host name follows the naming convention. */
export function toHostMappings(rows: readonly SvcRecord[], naming: HostNaming, via: "vscsi" | "npiv"): HostMapping[] {
  const out: HostMapping[] = [];
  for (const row of rows) {
    const who = naming.parse(row.name);
    if (!who) continue;
    out.push(who.vios ? { volume: row.vdisk_name, host: who.system, via, vios: who.vios } : { volume: row.vdisk_name, host: who.system, via });
  }
  return out;
}

/**
 * The model knows five remote-copy states; the others fold conservatively: a group that is not
 * known consistent never maps to a consistent state.
 */
const RC_STATES: Readonly<Record<string, ConsistencyGroupState>> = {
  consistent_synchronized: "consistent_synchronized",
  inconsistent_copying: "inconsistent_copying",
  inconsistent_stopped: "inconsistent_copying",
  inconsistent_disconnected: "inconsistent_copying",
  consistent_stopped: "consistent_stopped",
  consistent_copying: "consistent_stopped",
  consistent_disconnected: "consistent_stopped",
  idling: "idling",
  idling_disconnected: "idling_disconnected",
  empty: "idling",
};

export function rcState(state: string): ConsistencyGroupState {
  return RC_STATES[state] ?? "inconsistent_copying";
}

/** A consistency group from lsrcconsistgrp and the lsrcrelationship rows of its members. */
export function toConsistencyGroup(group: SvcRecord, relationships: readonly SvcRecord[], now: Date): ResolvedConsistencyGroup {
  return {
    id: group.name,
    name: group.name,
    masterSystem: group.master_cluster_name,
    auxSystem: group.aux_cluster_name,
    mode: group.copy_type === "metro" ? "sync" : "async",
    state: rcState(group.state),
    // An idling group has no primary; until replication restarts, the master stays its source.
    primary: group.primary === "aux" ? "aux" : "master",
    auxWritable: group.state === "idling" || group.state === "idling_disconnected",
    lagSeconds: lagSeconds(group.freeze_time, now),
    pairs: relationships.map((r) => ({ master: r.master_vdisk_name, aux: r.aux_vdisk_name })),
  };
}

/** freeze_time (YYYY/MM/DD/HH/MM/SS, the time of the last consistent image of Global Mirror with change volumes) to a lag. */
export function lagSeconds(freezeTime: string | undefined, now: Date): number {
  const m = /^(\d{4})\/(\d{2})\/(\d{2})\/(\d{2})\/(\d{2})\/(\d{2})$/.exec(freezeTime ?? "");
  if (!m) return 0;
  // The system prints local time of the storage system; treated as UTC (unverified).
  const at = Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]);
  return Math.max(0, Math.round((now.getTime() - at) / 1000));
}

const FC_STATES: Readonly<Record<string, ResolvedFlashCopyGroup["state"]>> = {
  idle_or_copied: "idle_or_copied",
  empty: "idle_or_copied",
  preparing: "idle_or_copied",
  prepared: "prepared",
  copying: "copying",
  stopping: "stopped",
  stopped: "stopped",
  suspended: "stopped",
};

export function fcState(status: string): ResolvedFlashCopyGroup["state"] {
  return FC_STATES[status] ?? "stopped";
}

export function toFlashCopyGroup(group: SvcRecord, maps: readonly SvcRecord[], storageSystem: string): ResolvedFlashCopyGroup {
  return {
    id: group.name,
    name: group.name,
    storageSystem,
    state: fcState(group.status),
    maps: maps.map((m) => ({ source: m.source_vdisk_name, target: m.target_vdisk_name })),
  };
}
