// The storage operations' decisions: preconditions as Spectrum Virtualize checks them, then the
// job to run. Each returns a Decision for the store. The VIOS side of a vSCSI disk is in vios-ops.ts.

import type { FlashCopyRequest, MapRequest } from "../storage";
import type { ResolvedConsistencyGroup, ResolvedFlashCopyGroup, Volume } from "../../model";
import { mappingOf, refuse, requireSystem, requireVolume, storageOnline } from "./checks";
import { decided, type Accepted } from "./compute-ops";
import { decideJob, inFlight, type JobTicket } from "./jobs";
import { storageResource } from "./resources";
import { virtualDiskKey } from "./vios-ops";
import type { Decision } from "./store";
import { ACTIVE_LPAR_STATES, type SimState } from "./state";

const DONE: Decision<Accepted> = { result: { done: true } };

function accepted(d: Decision<JobTicket>): Decision<Accepted> {
  if (d.error || !d.result) return { entries: d.entries, error: d.error };
  return { entries: d.entries, result: { done: false, ticket: d.result } };
}

function requireOnline(state: SimState, op: string, objectId: string, storageSystemId: string): void {
  if (!state.storageSystems.has(storageSystemId)) refuse("notFound", op, objectId, `no storage system with id ${JSON.stringify(storageSystemId)}`);
  if (!storageOnline(state, storageSystemId)) refuse("transient", op, objectId, `storage system ${storageSystemId} is offline (no answer)`);
}

function requireGroup(state: SimState, op: string, groupId: string): ResolvedConsistencyGroup {
  const group = state.consistencyGroups.get(groupId);
  if (!group) refuse("notFound", op, groupId, `no consistency group with id ${JSON.stringify(groupId)}`);
  return group;
}

/** An active LPAR writing to one of the volumes, as "volume (LPAR)". */
function activeWriter(state: SimState, volumeIds: readonly string[]): string | undefined {
  for (const v of volumeIds) {
    for (const id of state.lparsByVolume.get(v) ?? []) {
      const lpar = state.lpars.get(id)!;
      if (ACTIVE_LPAR_STATES.has(lpar.state) && state.systems.get(lpar.host)?.state === "Operating") return `${v} (LPAR ${id})`;
    }
  }
  return undefined;
}

function sideVolumes(group: ResolvedConsistencyGroup, side: "master" | "aux"): string[] {
  return group.pairs.map((p) => p[side]);
}

function systemOfSide(group: ResolvedConsistencyGroup, side: "master" | "aux"): string {
  return side === "master" ? group.masterSystem : group.auxSystem;
}

/** The job key of a volume's SAN host mapping to a managed system. */
export const mappingKey = (volumeId: string, hostId: string): string => `mapping:${volumeId}@${hostId}`;

/** The SAN host mapping only (mkvdiskhostmap): the VIOS side is the compute adapter's attachVirtualDisk. */
export function decideMapVolume(state: SimState, now: number, r: MapRequest): Decision<Accepted> {
  const op = "mapVolume";
  return decided(() => {
    const volume = requireVolume(state, op, r.volumeId, r.volumeId);
    const host = requireSystem(state, op, r.volumeId, r.hostId);
    const existing = mappingOf(state, r.volumeId, r.hostId);
    if (existing) {
      if (existing.via !== r.via || (r.via === "vscsi" && existing.vios !== r.vios)) {
        refuse("conflict", op, r.volumeId, `already mapped to ${r.hostId} via ${existing.via}${existing.vios ? ` (${existing.vios})` : ""}: unmap it first to change`);
      }
      return DONE;
    }
    const signature = `map|${r.via}|${r.vios ?? ""}`;
    const objectKey = mappingKey(r.volumeId, r.hostId);
    const joined = inFlight(state, objectKey, signature, op, r.volumeId);
    if (joined) return accepted(joined);
    if (r.via === "vscsi") {
      if (!r.vios) refuse("fatal", op, r.volumeId, "a vscsi mapping needs the VIOS that serves it (`vios`)");
      if (!host.vioses.includes(r.vios)) refuse("notFound", op, r.volumeId, `system ${host.id} has no VIOS ${r.vios} (it has ${host.vioses.join(", ")})`);
    }
    requireOnline(state, op, r.volumeId, volume.storageSystem);
    const storageSite = state.storageSystems.get(volume.storageSystem)!.site;
    if (storageSite !== host.site) {
      refuse("conflict", op, r.volumeId, `storage ${volume.storageSystem} at site ${storageSite} cannot present volumes to ${host.id} at site ${host.site}: map its replica at that site`);
    }
    // A new vSCSI mapping is not served by its VIOS until attachVirtualDisk.
    const mapping = { volume: r.volumeId, host: r.hostId, via: r.via, ...(r.vios ? { vios: r.vios } : {}), ...(r.via === "vscsi" ? { attached: false } : {}) };
    return accepted(
      decideJob(state, now, {
        op,
        objectId: r.volumeId,
        objectKey,
        signature,
        phases: [{ op: "mapVolume", resources: [storageResource(volume.storageSystem)] }],
        effect: () => ({ type: "map", mapping }),
      }),
    );
  });
}

/**
 * Removes the SAN host mapping (rmvdiskhostmap). On a live host the VIOS must have let go of a
 * vSCSI disk first (detachVirtualDisk); a failed host's VIOS cannot answer, so its side is left.
 */
export function decideUnmapVolume(state: SimState, now: number, r: MapRequest): Decision<Accepted> {
  const op = "unmapVolume";
  return decided(() => {
    const volume = requireVolume(state, op, r.volumeId, r.volumeId);
    const host = requireSystem(state, op, r.volumeId, r.hostId);
    const existing = mappingOf(state, r.volumeId, r.hostId);
    if (!existing) return DONE;
    const objectKey = mappingKey(r.volumeId, r.hostId);
    const joined = inFlight(state, objectKey, "unmap", op, r.volumeId);
    if (joined) return accepted(joined);
    for (const id of state.lparsByVolume.get(r.volumeId) ?? []) {
      const lpar = state.lpars.get(id)!;
      if (lpar.host === host.id && ACTIVE_LPAR_STATES.has(lpar.state) && host.state === "Operating") {
        refuse("conflict", op, r.volumeId, `LPAR ${id} is ${lpar.state} on ${host.id} with this volume: power it off first`);
      }
    }
    if (host.state === "Operating" && existing.via === "vscsi") {
      const viosJob = state.jobByObject.get(virtualDiskKey(r.volumeId, r.hostId));
      if (viosJob) refuse("conflict", op, r.volumeId, `${state.jobs.get(viosJob)!.op} is in progress on its VIOS: wait for it`);
      if (existing.attached !== false) {
        refuse("conflict", op, r.volumeId, `VIOS ${existing.vios ?? "?"} of ${host.id} still serves this volume: detach it first (detachVirtualDisk)`);
      }
    }
    requireOnline(state, op, r.volumeId, volume.storageSystem);
    return accepted(
      decideJob(state, now, {
        op,
        objectId: r.volumeId,
        objectKey,
        signature: "unmap",
        phases: [{ op: "unmapVolume", resources: [storageResource(volume.storageSystem)] }],
        effect: () => ({ type: "unmap", volumeId: r.volumeId, host: r.hostId }),
      }),
    );
  });
}

export function decideFailoverGroup(state: SimState, now: number, groupId: string): Decision<Accepted> {
  const op = "failoverConsistencyGroup";
  return decided(() => {
    const group = requireGroup(state, op, groupId);
    if (group.auxWritable) return DONE;
    const joined = inFlight(state, `cg:${group.id}`, "failover", op, group.id);
    if (joined) return accepted(joined);
    const secondary = systemOfSide(group, group.primary === "master" ? "aux" : "master");
    requireOnline(state, op, group.id, secondary);
    return accepted(
      decideJob(state, now, {
        op,
        objectId: group.id,
        objectKey: `cg:${group.id}`,
        signature: "failover",
        phases: [{ op: "failoverConsistencyGroup", resources: [storageResource(secondary)] }],
        effect: () => ({ type: "cgFailover", groupId: group.id }),
      }),
    );
  });
}

export function decideSwitchGroup(state: SimState, now: number, groupId: string, primary: "master" | "aux"): Decision<Accepted> {
  const op = "switchConsistencyGroup";
  return decided(() => {
    const group = requireGroup(state, op, groupId);
    if (group.primary === primary && !group.auxWritable && group.state === "consistent_synchronized") return DONE;
    const joined = inFlight(state, `cg:${group.id}`, `switch|${primary}`, op, group.id);
    if (joined) return accepted(joined);
    if (group.state !== "consistent_synchronized") {
      refuse("conflict", op, group.id, `a switch needs a consistent_synchronized group, it is ${group.state}: use failoverConsistencyGroup, or startConsistencyGroup to resynchronise`);
    }
    const demoted = primary === "master" ? "aux" : "master";
    const writer = activeWriter(state, sideVolumes(group, demoted));
    if (writer) refuse("conflict", op, group.id, `volume ${writer} would become read-only: stop the LPAR first`);
    const newPrimary = systemOfSide(group, primary);
    requireOnline(state, op, group.id, newPrimary);
    requireOnline(state, op, group.id, systemOfSide(group, demoted));
    return accepted(
      decideJob(state, now, {
        op,
        objectId: group.id,
        objectKey: `cg:${group.id}`,
        signature: `switch|${primary}`,
        phases: [{ op: "switchConsistencyGroup", resources: [storageResource(newPrimary)] }],
        effect: () => ({ type: "cgSwitch", groupId: group.id, primary }),
      }),
    );
  });
}

export function decideStartGroup(state: SimState, now: number, groupId: string, primary: "master" | "aux", force: boolean): Decision<Accepted> {
  const op = "startConsistencyGroup";
  return decided(() => {
    const group = requireGroup(state, op, groupId);
    if (group.primary === primary && !group.auxWritable && group.state === "consistent_synchronized") return DONE;
    const joined = inFlight(state, `cg:${group.id}`, `start|${primary}`, op, group.id);
    if (joined) return accepted(joined);
    if (group.state.endsWith("_disconnected")) refuse("transient", op, group.id, `the group is ${group.state}: its partner storage is unreachable`);
    if ((group.auxWritable || group.state === "idling") && !force) {
      refuse("conflict", op, group.id, "both sides were writable (after a failover): restarting replication overwrites one of them, pass force");
    }
    const demoted = primary === "master" ? "aux" : "master";
    const writer = activeWriter(state, sideVolumes(group, demoted));
    if (writer) refuse("conflict", op, group.id, `volume ${writer} would become a read-only secondary: stop the LPAR first`);
    const newPrimary = systemOfSide(group, primary);
    requireOnline(state, op, group.id, newPrimary);
    requireOnline(state, op, group.id, systemOfSide(group, demoted));
    return accepted(
      decideJob(state, now, {
        op,
        objectId: group.id,
        objectKey: `cg:${group.id}`,
        signature: `start|${primary}`,
        phases: [{ op: "startConsistencyGroup", resources: [storageResource(newPrimary)] }],
        effect: () => ({ type: "cgStart", groupId: group.id, primary }),
      }),
    );
  });
}

/** Id of the FlashCopy group named `name`, and of the target of `source` in it. */
export function flashCopyIds(name: string): { groupId: string; targetOf: (source: string) => string } {
  const safe = name.replace(/[^A-Za-z0-9._-]/g, "_");
  return { groupId: `fcg-${safe}`.slice(0, 128), targetOf: (source) => `${source}-fc-${safe}`.slice(0, 128) };
}

export function decideCreateFlashCopy(state: SimState, now: number, r: FlashCopyRequest): Decision<{ groupId: string; accepted: Accepted }> {
  const op = "createFlashCopyGroup";
  const { groupId, targetOf } = flashCopyIds(r.name);
  const wrap = (d: Decision<Accepted>): Decision<{ groupId: string; accepted: Accepted }> =>
    d.result ? { entries: d.entries, result: { groupId, accepted: d.result } } : { entries: d.entries, error: d.error };
  return decided(() => {
    const signature = `${r.storageSystemId}|${[...r.sourceVolumeIds].sort().join(",")}`;
    const existing = state.flashCopyGroups.get(groupId);
    if (existing) {
      const same = existing.storageSystem === r.storageSystemId && [...existing.maps.map((m) => m.source)].sort().join(",") === [...r.sourceVolumeIds].sort().join(",");
      if (!same) refuse("conflict", op, groupId, `a FlashCopy group named ${JSON.stringify(r.name)} exists with other volumes: choose another name or delete it`);
      return wrap(DONE);
    }
    const joined = inFlight(state, `fcg:${groupId}`, signature, op, groupId);
    if (joined) return wrap(accepted(joined));
    requireOnline(state, op, groupId, r.storageSystemId);
    const targets: Volume[] = [];
    for (const source of r.sourceVolumeIds) {
      const v = requireVolume(state, op, groupId, source);
      if (v.storageSystem !== r.storageSystemId) refuse("conflict", op, groupId, `volume ${source} is on ${v.storageSystem}, not ${r.storageSystemId}: FlashCopy copies within one storage system`);
      const target = targetOf(source);
      if (state.volumes.has(target)) refuse("conflict", op, groupId, `a volume ${target} already exists`);
      targets.push({ id: target, name: `${v.name} fc ${r.name}`, storageSystem: r.storageSystemId, capacityGb: v.capacityGb });
    }
    const group: ResolvedFlashCopyGroup = {
      id: groupId,
      name: r.name,
      storageSystem: r.storageSystemId,
      state: "copying",
      maps: r.sourceVolumeIds.map((source) => ({ source, target: targetOf(source) })),
    };
    const storage = [storageResource(r.storageSystemId)];
    return wrap(
      accepted(
        decideJob(state, now, {
          op,
          objectId: groupId,
          objectKey: `fcg:${groupId}`,
          signature,
          phases: [
            { op: "createFlashCopyGroup", resources: storage },
            { op: "prepareFlashCopyGroup", resources: storage },
            { op: "startFlashCopyGroup", resources: storage },
          ],
          effect: () => ({ type: "fcCreate", group, targets }),
        }),
      ),
    );
  });
}

export function decideDeleteFlashCopy(state: SimState, now: number, groupId: string): Decision<Accepted> {
  const op = "deleteFlashCopyGroup";
  return decided(() => {
    const group = state.flashCopyGroups.get(groupId);
    if (!group) return DONE;
    const joined = inFlight(state, `fcg:${groupId}`, "delete", op, groupId);
    if (joined) return accepted(joined);
    const writer = activeWriter(state, group.maps.map((m) => m.target));
    if (writer) refuse("conflict", op, groupId, `target ${writer} is in use: delete the drill LPAR first`);
    requireOnline(state, op, groupId, group.storageSystem);
    return accepted(
      decideJob(state, now, {
        op,
        objectId: groupId,
        objectKey: `fcg:${groupId}`,
        signature: "delete",
        phases: [{ op: "deleteFlashCopyGroup", resources: [storageResource(group.storageSystem)] }],
        effect: () => ({ type: "fcDelete", groupId }),
      }),
    );
  });
}
