// The VIOS side of a vSCSI disk (mkvdev / rmdev; in REST a VirtualSCSIMapping of the
// VirtualIOServer), as the HMC checks it: the compute adapter's attach/detachVirtualDisk. The SAN
// host mapping (storage-ops.ts) comes first on attach and last on detach.

import type { VirtualDiskRequest } from "../compute";
import { mappingOf, refuse, requireSystem, requireVolume } from "./checks";
import { decided, type Accepted } from "./compute-ops";
import { decideJob, inFlight, type JobTicket } from "./jobs";
import { viosResource } from "./resources";
import type { Decision } from "./store";
import { ACTIVE_LPAR_STATES, type SimState } from "./state";

const DONE: Decision<Accepted> = { result: { done: true } };

/** The job key of the VIOS side of a volume's vSCSI mapping on a managed system. */
export const virtualDiskKey = (volumeId: string, hostId: string): string => `vdisk:${volumeId}@${hostId}`;

function accepted(d: Decision<JobTicket>): Decision<Accepted> {
  if (d.error || !d.result) return { entries: d.entries, error: d.error };
  return { entries: d.entries, result: { done: false, ticket: d.result } };
}

export function decideAttachVirtualDisk(state: SimState, now: number, r: VirtualDiskRequest): Decision<Accepted> {
  const op = "attachVirtualDisk";
  return decided(() => {
    requireVolume(state, op, r.volumeId, r.volumeId);
    const host = requireSystem(state, op, r.volumeId, r.hostId);
    if (!host.vioses.includes(r.vios)) refuse("notFound", op, r.volumeId, `system ${host.id} has no VIOS ${r.vios} (it has ${host.vioses.join(", ")})`);
    const mapping = mappingOf(state, r.volumeId, r.hostId);
    if (!mapping) refuse("conflict", op, r.volumeId, `volume ${r.volumeId} is not mapped to ${r.hostId} on the SAN: its VIOS cannot see it (mapVolume first)`);
    if (mapping.via !== "vscsi") refuse("conflict", op, r.volumeId, `volume ${r.volumeId} reaches ${r.hostId} through NPIV: there is no VIOS disk to attach`);
    if (mapping.vios !== r.vios) refuse("conflict", op, r.volumeId, `volume ${r.volumeId} is mapped on the SAN for VIOS ${mapping.vios ?? "?"} of ${r.hostId}, not ${r.vios}`);
    if (mapping.attached !== false) return DONE;
    const signature = `attach|${r.vios}`;
    const objectKey = virtualDiskKey(r.volumeId, r.hostId);
    const joined = inFlight(state, objectKey, signature, op, r.volumeId);
    if (joined) return accepted(joined);
    if (host.state !== "Operating") refuse("conflict", op, r.volumeId, `system ${host.id} is ${host.state}: its VIOS cannot add the mapping`);
    return accepted(
      decideJob(state, now, {
        op,
        objectId: r.volumeId,
        objectKey,
        signature,
        phases: [{ op: "viosMapping", resources: [viosResource(host.id, r.vios)] }],
        effect: () => ({ type: "viosDisk", volumeId: r.volumeId, host: r.hostId, attached: true }),
      }),
    );
  });
}

export function decideDetachVirtualDisk(state: SimState, now: number, r: VirtualDiskRequest): Decision<Accepted> {
  const op = "detachVirtualDisk";
  return decided(() => {
    requireVolume(state, op, r.volumeId, r.volumeId);
    const host = requireSystem(state, op, r.volumeId, r.hostId);
    const mapping = mappingOf(state, r.volumeId, r.hostId);
    // Nothing on that VIOS serves the volume: what was asked for holds already.
    if (!mapping || mapping.via !== "vscsi" || mapping.vios !== r.vios || mapping.attached === false) return DONE;
    const objectKey = virtualDiskKey(r.volumeId, r.hostId);
    const joined = inFlight(state, objectKey, "detach", op, r.volumeId);
    if (joined) return accepted(joined);
    if (host.state !== "Operating") {
      refuse("conflict", op, r.volumeId, `system ${host.id} is ${host.state}: its VIOS cannot answer (the SAN unmap alone cuts a failed host off)`);
    }
    for (const id of state.lparsByVolume.get(r.volumeId) ?? []) {
      const lpar = state.lpars.get(id)!;
      if (lpar.host === host.id && ACTIVE_LPAR_STATES.has(lpar.state)) {
        refuse("conflict", op, r.volumeId, `LPAR ${id} is ${lpar.state} on ${host.id} with this volume: power it off first`);
      }
    }
    return accepted(
      decideJob(state, now, {
        op,
        objectId: r.volumeId,
        objectKey,
        signature: "detach",
        phases: [{ op: "viosMapping", resources: [viosResource(host.id, r.vios)] }],
        effect: () => ({ type: "viosDisk", volumeId: r.volumeId, host: r.hostId, attached: false }),
      }),
    );
  });
}
