// The preconditions a real HMC and SAN enforce, as functions that return the refusal (an
// AdapterError) or nothing. Shared by the compute and storage operations.

import { AdapterError } from "../../errors";
import type { HostMapping, ResolvedLpar, ResolvedManagedSystem, Volume } from "../../model";
import { ACTIVE_LPAR_STATES, type SimState } from "./state";

export class Refusal extends Error {
  constructor(readonly error: AdapterError) {
    super(error.message);
  }
}

/** Throws a Refusal carrying the AdapterError; operations turn it into their Decision. */
export function refuse(failure: AdapterError["failure"], op: string, objectId: string, message: string): never {
  throw new Refusal(new AdapterError(failure, op, objectId, message));
}

export function requireLpar(state: SimState, op: string, lparId: string): ResolvedLpar {
  const lpar = state.lpars.get(lparId);
  if (!lpar) refuse("notFound", op, lparId, `no LPAR with id ${JSON.stringify(lparId)}`);
  return lpar;
}

export function requireSystem(state: SimState, op: string, objectId: string, systemId: string): ResolvedManagedSystem {
  const system = state.systems.get(systemId);
  if (!system) refuse("notFound", op, objectId, `no managed system with id ${JSON.stringify(systemId)}`);
  return system;
}

export function requireOperating(state: SimState, op: string, objectId: string, systemId: string, role: string): ResolvedManagedSystem {
  const system = requireSystem(state, op, objectId, systemId);
  if (system.state !== "Operating") refuse("conflict", op, objectId, `${role} system ${systemId} is ${system.state}; it must be Operating`);
  return system;
}

export function requireVolume(state: SimState, op: string, objectId: string, volumeId: string): Volume {
  const volume = state.volumes.get(volumeId);
  if (!volume) refuse("notFound", op, objectId, `no volume with id ${JSON.stringify(volumeId)}`);
  return volume;
}

export function storageOnline(state: SimState, storageSystemId: string): boolean {
  return state.storageSystems.get(storageSystemId)?.state !== "offline";
}

/**
 * Can hosts write to the volume? Yes unless it is the secondary side of a remote-copy group that
 * has not been failed over (stoprcconsistgrp -access makes the secondary writable; a switch makes
 * the aux side primary), and its storage system is online.
 */
export function isWritable(state: SimState, volumeId: string): boolean {
  const volume = state.volumes.get(volumeId);
  if (!volume || !storageOnline(state, volume.storageSystem)) return false;
  const groupId = state.groupByVolume.get(volumeId);
  if (!groupId) return true;
  const group = state.consistencyGroups.get(groupId)!;
  const isMaster = group.pairs.some((p) => p.master === volumeId);
  const isPrimary = (group.primary === "master") === isMaster;
  return isPrimary || group.auxWritable;
}

/** The SAN host mapping of a volume to a managed system, if any. */
export function mappingOf(state: SimState, volumeId: string, host: string): HostMapping | undefined {
  return (state.mappings.get(volumeId) ?? []).find((m) => m.host === host);
}

/**
 * Why a volume is not presented to an LPAR on `host`, if it is not: presented means mapped on the
 * SAN to the host and, for vSCSI, served by the VIOS too (attachVirtualDisk done). NPIV disks
 * reach the LPAR's own virtual Fibre Channel ports: the SAN mapping is enough.
 */
export function presentationGap(state: SimState, volumeId: string, host: string): string | undefined {
  const mapping = mappingOf(state, volumeId, host);
  if (!mapping) return `volume ${volumeId} is not mapped to ${host}: map it first (mapVolume)`;
  if (mapping.via === "vscsi" && mapping.attached === false) {
    return `volume ${volumeId} is mapped to ${host} on the SAN but its VIOS ${mapping.vios ?? "?"} does not serve it yet: attach it first (attachVirtualDisk)`;
  }
  return undefined;
}

/** Another LPAR that writes to the volume now or is being started on it, if any. */
export function otherWriter(state: SimState, volumeId: string, lparId: string): string | undefined {
  for (const id of state.lparsByVolume.get(volumeId) ?? []) {
    if (id !== lparId && ACTIVE_LPAR_STATES.has(state.lpars.get(id)!.state)) return id;
  }
  const jobId = state.claimsByVolume.get(volumeId);
  if (jobId) {
    const job = state.jobs.get(jobId)!;
    if (job.objectKey !== `lpar:${lparId}`) return job.objectKey.replace(/^lpar:/, "");
  }
  return undefined;
}

/** The volume and its remote-copy partner, the two ids an LPAR's disk may have. */
function partnerOf(state: SimState, volumeId: string): string | undefined {
  const groupId = state.groupByVolume.get(volumeId);
  if (!groupId) return undefined;
  const pair = state.consistencyGroups.get(groupId)!.pairs.find((p) => p.master === volumeId || p.aux === volumeId)!;
  return pair.master === volumeId ? pair.aux : pair.master;
}

/**
 * The volumes an LPAR would start with on `host`: each must exist, be presented to the host, be
 * writable and have no other writer; and every disk of the LPAR (or its replica) must be there.
 */
export function checkStartVolumes(state: SimState, op: string, lpar: ResolvedLpar, host: string, volumeIds: readonly string[]): void {
  for (const v of volumeIds) {
    requireVolume(state, op, lpar.id, v);
    const gap = presentationGap(state, v, host);
    if (gap) refuse("conflict", op, lpar.id, gap);
    if (!isWritable(state, v)) {
      refuse("conflict", op, lpar.id, `volume ${v} is not writable: it is a remote-copy secondary (fail its consistency group over first) or its storage is offline`);
    }
    const writer = otherWriter(state, v, lpar.id);
    if (writer) refuse("conflict", op, lpar.id, `volume ${v} is in use by running LPAR ${writer}: a volume is never written by two LPARs`);
  }
  const given = new Set(volumeIds);
  for (const v of lpar.volumes) {
    const partner = partnerOf(state, v);
    if (!given.has(v) && !(partner && given.has(partner))) {
      refuse("conflict", op, lpar.id, `the LPAR's volume ${v} (or its replica) is missing from the request: an LPAR starts with all its disks`);
    }
  }
}

/** What an LPAR holds on its system while active: what it was started with (`allocated`), else its size. */
export function heldBy(lpar: Pick<ResolvedLpar, "processorUnits" | "memoryGb" | "allocated">): { processorUnits: number; memoryGb: number } {
  return lpar.allocated ?? { processorUnits: lpar.processorUnits, memoryGb: lpar.memoryGb };
}

/**
 * Refuses a start size below the LPAR's minimum or above its size, as the HMC refuses a
 * partition profile whose desired values fall outside its minimum and maximum.
 */
export function checkStartSize(op: string, lpar: Pick<ResolvedLpar, "id" | "processorUnits" | "memoryGb" | "minimum">, size: { processorUnits: number; memoryGb: number }): void {
  const eps = 1e-9;
  const min = lpar.minimum ?? { processorUnits: lpar.processorUnits, memoryGb: lpar.memoryGb };
  if (size.processorUnits < min.processorUnits - eps || size.memoryGb < min.memoryGb - eps) {
    refuse("conflict", op, lpar.id, `start size ${size.processorUnits} processor units and ${size.memoryGb} GiB is below the LPAR's minimum (${min.processorUnits} processor units, ${min.memoryGb} GiB)`);
  }
  if (size.processorUnits > lpar.processorUnits + eps || size.memoryGb > lpar.memoryGb + eps) {
    refuse("conflict", op, lpar.id, `start size ${size.processorUnits} processor units and ${size.memoryGb} GiB is above the LPAR's size (${lpar.processorUnits} processor units, ${lpar.memoryGb} GiB)`);
  }
}

/** Processor units and memory still free on a system, counting active LPARs and jobs under way. */
export function freeCapacity(state: SimState, systemId: string): { processorUnits: number; memoryGb: number } {
  const system = state.systems.get(systemId)!;
  let processorUnits = system.processorUnits;
  let memoryGb = system.memoryGb;
  for (const id of state.lparsByHost.get(systemId) ?? []) {
    const lpar = state.lpars.get(id)!;
    if (!ACTIVE_LPAR_STATES.has(lpar.state)) continue;
    const held = heldBy(lpar);
    processorUnits -= held.processorUnits;
    memoryGb -= held.memoryGb;
  }
  const reserved = state.reservedByHost.get(systemId);
  if (reserved) {
    processorUnits -= reserved.processorUnits;
    memoryGb -= reserved.memoryGb;
  }
  return { processorUnits, memoryGb };
}

export function checkCapacity(state: SimState, op: string, lpar: Pick<ResolvedLpar, "id" | "processorUnits" | "memoryGb">, systemId: string): void {
  const free = freeCapacity(state, systemId);
  const eps = 1e-9;
  if (free.processorUnits + eps < lpar.processorUnits || free.memoryGb + eps < lpar.memoryGb) {
    refuse(
      "conflict",
      op,
      lpar.id,
      `not enough capacity on ${systemId}: needs ${lpar.processorUnits} processor units and ${lpar.memoryGb} GiB, ` +
        `free ${round(free.processorUnits)} processor units and ${round(free.memoryGb)} GiB (running LPARs and operations under way included)`,
    );
  }
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}
