// The VIOS side of a vSCSI disk: a VirtualSCSIMapping child of the VirtualIOServer (mkvdev /
// rmdev -dev on the VIOS command line). Read the VirtualIOServer with its storage and mappings,
// add or remove the one mapping whose PhysicalVolume carries the volume's UID, and POST the object
// back with If-Match: <etag>. A 412 (the VIOS changed in between, often another mapping) is
// transient: the retry reads it again. One change at a time per VIOS (`vios:<system>/<vios>`).

import { AdapterError } from "../../../errors";
import type { OperationResult, VirtualDiskRequest } from "../../compute";
import { withRetries } from "../../http/retry";
import type { HmcContext } from "../context";
import { UOM } from "../directory";
import { asList, child, entryEtag, escapeXml, feedEntries, isNode, MalformedAnswer, parseXml, textAt } from "../xml";

const VIOS_TYPE = "application/vnd.ibm.powervm.uom+xml; type=VirtualIOServer";
const GROUPS = "?group=ViosStorage,ViosSCSIMapping";

/** The UID (32 hex digits, lsvdisk's vdisk_UID) of a storage volume, from the storage side. */
export type VolumeUid = (volumeId: string) => Promise<string | undefined>;

interface ViosView {
  readonly path: string;
  readonly etag: string | undefined;
  /** The <VirtualIOServer> element as sent, with its namespaces. */
  readonly content: string;
  /** VolumeName (hdiskN) of the VIOS's physical volume carrying the UID, if it sees one. */
  readonly disk: string | undefined;
  readonly mapped: boolean;
}

async function readVios(ctx: HmcContext, op: string, r: VirtualDiskRequest, uid: string): Promise<ViosView> {
  const system = await ctx.directory.systemUuid(r.hostId, op);
  const path = `${UOM}/ManagedSystem/${system}/VirtualIOServer/${r.vios}${GROUPS}`;
  const res = await ctx.session.send({ method: "GET", path, operation: op, objectId: r.volumeId });
  try {
    const entry = feedEntries(parseXml(res.body), path)[0];
    if (!entry) throw new MalformedAnswer("no VirtualIOServer entry");
    const vios = child(entry, "content", "VirtualIOServer");
    if (!isNode(vios)) throw new MalformedAnswer("VirtualIOServer entry has no <content><VirtualIOServer>");
    const carries = (pv: unknown): boolean => [textAt(pv, "UniqueDeviceID"), textAt(pv, "VolumeUniqueID")].some((id) => !!id && id.toUpperCase().includes(uid));
    const disk = asList(child(vios, "PhysicalVolumes", "PhysicalVolume")).find(carries);
    const mapped = asList(child(vios, "VirtualSCSIMappings", "VirtualSCSIMapping")).some((m) => {
      const pv = child(m, "Storage", "PhysicalVolume");
      return isNode(pv) && (carries(pv) || (disk !== undefined && textAt(pv, "VolumeName") === textAt(disk, "VolumeName")));
    });
    const header = res.headers.etag;
    return { path, etag: (Array.isArray(header) ? header[0] : header) ?? entryEtag(entry), content: contentElement(res.body), disk: disk ? textAt(disk, "VolumeName") : undefined, mapped };
  } catch (err) {
    if (!(err instanceof MalformedAnswer)) throw err;
    throw new AdapterError("fatal", op, r.volumeId, `malformed answer from the HMC: ${err.message}`);
  }
}

async function requireUid(volumeUid: VolumeUid | undefined, op: string, volumeId: string): Promise<string> {
  const uid = volumeUid ? await volumeUid(volumeId) : undefined;
  if (!uid) throw new AdapterError("notFound", op, volumeId, `the storage system reports no vdisk_UID for volume ${volumeId}: the VIOS disk is found by it`);
  return uid.toUpperCase();
}

export function attachVirtualDisk(ctx: HmcContext, volumeUid: VolumeUid | undefined, r: VirtualDiskRequest): Promise<OperationResult> {
  const op = "attachVirtualDisk";
  return withRetries(ctx.retry, async () => {
    const uid = await requireUid(volumeUid, op, r.volumeId);
    const vios = await readVios(ctx, op, r, uid);
    if (vios.mapped) return { alreadyDone: true };
    if (vios.disk === undefined) {
      throw new AdapterError("transient", op, r.volumeId, `VIOS ${r.vios} of ${r.hostId} does not see volume ${r.volumeId} (UID ${uid}) yet: its devices must be configured (cfgdev) after the SAN mapping`);
    }
    const client = r.lparId !== undefined ? `<AssociatedLogicalPartition kb="CUR" kxe="false" href="${escapeXml(`${ctx.settings.url}${UOM}/LogicalPartition/${await ctx.directory.lparUuid(r.lparId, op)}`)}" rel="related"/>` : "";
    const mapping =
      `<VirtualSCSIMapping schemaVersion="V1_0"><Metadata><Atom/></Metadata>${client}` +
      `<Storage kb="CUR" kxe="false"><PhysicalVolume schemaVersion="V1_0"><Metadata><Atom/></Metadata><VolumeName kb="CUR" kxe="false">${escapeXml(vios.disk)}</VolumeName></PhysicalVolume></Storage></VirtualSCSIMapping>`;
    const open = /<((?:\w+:)?VirtualSCSIMappings)\b([^>]*?)(\/?)>/.exec(vios.content);
    if (!open) throw new AdapterError("fatal", op, r.volumeId, "malformed answer from the HMC: the VirtualIOServer has no <VirtualSCSIMappings> element");
    const changed = open[3] === "/"
      ? vios.content.replace(open[0], `<${open[1]}${open[2]}>${mapping}</${open[1]}>`)
      : vios.content.replace(`</${open[1]}>`, `${mapping}</${open[1]}>`);
    await ctx.session.send({ method: "POST", path: vios.path, body: changed, contentType: VIOS_TYPE, ifMatch: vios.etag, operation: op, objectId: r.volumeId });
    return { alreadyDone: false };
  });
}

export function detachVirtualDisk(ctx: HmcContext, volumeUid: VolumeUid | undefined, r: VirtualDiskRequest): Promise<OperationResult> {
  const op = "detachVirtualDisk";
  return withRetries(ctx.retry, async () => {
    const uid = await requireUid(volumeUid, op, r.volumeId);
    const vios = await readVios(ctx, op, r, uid);
    if (!vios.mapped) return { alreadyDone: true };
    const mappings = /<((?:\w+:)?VirtualSCSIMapping)\b[^>]*>[\s\S]*?<\/\1>/g;
    const serves = (block: string): boolean => block.toUpperCase().includes(uid) || (vios.disk !== undefined && new RegExp(`<(?:\\w+:)?VolumeName\\b[^>]*>\\s*${vios.disk}\\s*<`).test(block));
    const changed = vios.content.replace(mappings, (block) => (serves(block) ? "" : block));
    await ctx.session.send({ method: "POST", path: vios.path, body: changed, contentType: VIOS_TYPE, ifMatch: vios.etag, operation: op, objectId: r.volumeId });
    return { alreadyDone: false };
  });
}

/** The <VirtualIOServer> element inside the entry's <content>, as sent, with its namespaces. */
function contentElement(body: string): string {
  const match = /<((?:\w+:)?VirtualIOServer)\b[\s\S]*<\/\1>/.exec(body);
  if (!match) throw new MalformedAnswer("no <VirtualIOServer> element in the entry");
  return match[0];
}
