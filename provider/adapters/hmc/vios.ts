// The disks each LPAR sees through its VIOSes' vSCSI mappings. Each VirtualIOServer lists its
// VirtualSCSIMappings (read with ?group=ViosSCSIMapping): the client LPAR (AssociatedLogicalPartition)
// and the backing PhysicalVolume with its UniqueDeviceID, in which a SAN disk's volume UID is
// embedded. NPIV mappings carry no disk identity and are not read.

import type { HmcSession } from "./session";
import { UOM } from "./directory";
import { asList, child, feedEntries, isNode, MalformedAnswer, parseXml, textAt, uuidOfHref } from "./xml";

/** Device ids (UniqueDeviceID, VolumeUniqueID) of the disks mapped to each LPAR, by LPAR UUID. */
export async function readVscsiDisks(session: HmcSession, systemUuids: readonly string[]): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  for (const systemUuid of systemUuids) {
    const path = `${UOM}/ManagedSystem/${systemUuid}/VirtualIOServer?group=ViosSCSIMapping`;
    const res = await session.send({ method: "GET", path, operation: "inventory", objectId: systemUuid });
    if (res.status === 204 || res.body.trim() === "") continue;
    for (const entry of feedEntries(parseXml(res.body), path)) {
      const vios = child(entry, "content", "VirtualIOServer");
      if (!isNode(vios)) throw new MalformedAnswer("VirtualIOServer entry has no <content><VirtualIOServer>");
      for (const mapping of asList(child(vios, "VirtualSCSIMappings", "VirtualSCSIMapping"))) {
        const href = child(mapping, "AssociatedLogicalPartition", "@_href");
        const lpar = typeof href === "string" ? uuidOfHref(href) : undefined;
        const pv = child(mapping, "Storage", "PhysicalVolume");
        if (!lpar || !isNode(pv)) continue;
        const ids = [textAt(pv, "UniqueDeviceID"), textAt(pv, "VolumeUniqueID")].filter((v): v is string => !!v);
        if (ids.length > 0) out.set(lpar, [...(out.get(lpar) ?? []), ...ids]);
      }
    }
  }
  return out;
}

/**
 * The volumes whose UID (32 hex digits, as lsvdisk's vdisk_UID) is embedded in one of the
 * device ids, in name order. AIX's MPIO disks carry it inside the UDID, e.g. 33213<UID>04214503IBMfcp.
 */
export function volumesByUid(deviceIds: readonly string[], volumeOfUid: ReadonlyMap<string, string>): string[] {
  const found = new Set<string>();
  for (const id of deviceIds) {
    // The UID sits at some offset inside a longer run of hex digits: look at every window.
    const upper = id.toUpperCase();
    for (let i = 0; i + 32 <= upper.length; i++) {
      const name = volumeOfUid.get(upper.slice(i, i + 32));
      if (name) found.add(name);
    }
  }
  return [...found].sort();
}
