// The VIOS side of a vSCSI disk: a VirtualSCSIMapping child of the VirtualIOServer (mkvdev /
// rmdev -dev on the VIOS command line). Read the VirtualIOServer with its storage and mappings,
// add or remove the one mapping whose PhysicalVolume carries the volume's UID, and POST the object
// back with If-Match: <etag>. A 412 (the VIOS changed in between, often another mapping) is
// transient: the retry reads it again. One change at a time per VIOS (`vios:<system>/<vios>`).
// For drill copies: give a disk's client-less mapping its new client (serveDiskTo), and remove
// every mapping of a client before the client partition is deleted (releaseDisksOf).

import { AdapterError } from "../../../errors";
import type { OperationResult, VirtualDiskRequest } from "../../compute";
import { withRetries } from "../../http/retry";
import type { HmcContext } from "../context";
import { UOM } from "../directory";
import { asList, child, entryEtag, escapeXml, feedEntries, isNode, MalformedAnswer, parseXml, textAt, uuidOfHref, type XmlNode } from "../xml";

const VIOS_TYPE = "application/vnd.ibm.powervm.uom+xml; type=VirtualIOServer";
const GROUPS = "?group=ViosStorage,ViosSCSIMapping";

/** Runs `change` as the only mapping change under way on that VIOS (the adapter's `vios:` limiter). */
export type ViosLock = <T>(systemId: string, vios: string, change: () => Promise<T>) => Promise<T>;

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
  /** UUIDs of the client LPARs of the disk's mappings (undefined: a mapping with no client yet). */
  readonly clients: readonly (string | undefined)[];
}

interface ViosDoc {
  readonly path: string;
  readonly etag: string | undefined;
  readonly content: string;
  readonly vios: XmlNode;
}

/** A VirtualIOServer with its storage and mappings, read now, with what a POST back needs. */
async function readViosDoc(ctx: HmcContext, op: string, systemUuid: string, viosUuid: string, objectId: string): Promise<ViosDoc> {
  const path = `${UOM}/ManagedSystem/${systemUuid}/VirtualIOServer/${viosUuid}${GROUPS}`;
  const res = await ctx.session.send({ method: "GET", path, operation: op, objectId });
  try {
    const entry = feedEntries(parseXml(res.body), path)[0];
    if (!entry) throw new MalformedAnswer("no VirtualIOServer entry");
    const vios = child(entry, "content", "VirtualIOServer");
    if (!isNode(vios)) throw new MalformedAnswer("VirtualIOServer entry has no <content><VirtualIOServer>");
    const header = res.headers.etag;
    return { path, etag: (Array.isArray(header) ? header[0] : header) ?? entryEtag(entry), content: contentElement(res.body), vios };
  } catch (err) {
    if (!(err instanceof MalformedAnswer)) throw err;
    throw new AdapterError("fatal", op, objectId, `malformed answer from the HMC: ${err.message}`);
  }
}

async function readVios(ctx: HmcContext, op: string, r: VirtualDiskRequest, uid: string): Promise<ViosView> {
  const system = await ctx.directory.systemUuid(r.hostId, op);
  const { path, etag, content, vios } = await readViosDoc(ctx, op, system, r.vios, r.volumeId);
  try {
    const carries = (pv: unknown): boolean => [textAt(pv, "UniqueDeviceID"), textAt(pv, "VolumeUniqueID")].some((id) => !!id && id.toUpperCase().includes(uid));
    const disk = asList(child(vios, "PhysicalVolumes", "PhysicalVolume")).find(carries);
    const ofDisk = asList(child(vios, "VirtualSCSIMappings", "VirtualSCSIMapping")).filter((m) => {
      const pv = child(m, "Storage", "PhysicalVolume");
      return isNode(pv) && (carries(pv) || (disk !== undefined && textAt(pv, "VolumeName") === textAt(disk, "VolumeName")));
    });
    const clients = ofDisk.map((m) => {
      const href = child(m, "AssociatedLogicalPartition", "@_href");
      return typeof href === "string" ? uuidOfHref(href) : undefined;
    });
    return { path, etag, content, disk: disk ? textAt(disk, "VolumeName") : undefined, mapped: ofDisk.length > 0, clients };
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
    const client = r.lparId !== undefined ? await ctx.directory.lparUuid(r.lparId, op) : undefined;
    const changed = withMapping(vios.content, mappingXml(ctx, vios.disk, client), op, r.volumeId);
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
    const changed = withoutMappings(vios.content, (block) => servesDisk(block, uid, vios.disk));
    await ctx.session.send({ method: "POST", path: vios.path, body: changed, contentType: VIOS_TYPE, ifMatch: vios.etag, operation: op, objectId: r.volumeId });
    return { alreadyDone: false };
  });
}

const MAPPING_BLOCK = /<((?:\w+:)?VirtualSCSIMapping)\b[^>]*>[\s\S]*?<\/\1>/g;

function servesDisk(block: string, uid: string, disk: string | undefined): boolean {
  return block.toUpperCase().includes(uid) || (disk !== undefined && new RegExp(`<(?:\\w+:)?VolumeName\\b[^>]*>\\s*${disk}\\s*<`).test(block));
}

function withoutMappings(content: string, drop: (block: string) => boolean): string {
  return content.replace(MAPPING_BLOCK, (block) => (drop(block) ? "" : block));
}

/** A VirtualSCSIMapping of the VIOS's disk (hdiskN) to the client LPAR, when one is given. */
function mappingXml(ctx: HmcContext, disk: string, clientUuid: string | undefined): string {
  const client = clientUuid !== undefined ? `<AssociatedLogicalPartition kb="CUR" kxe="false" href="${escapeXml(`${ctx.settings.url}${UOM}/LogicalPartition/${clientUuid}`)}" rel="related"/>` : "";
  return (
    `<VirtualSCSIMapping schemaVersion="V1_0"><Metadata><Atom/></Metadata>${client}` +
    `<Storage kb="CUR" kxe="false"><PhysicalVolume schemaVersion="V1_0"><Metadata><Atom/></Metadata><VolumeName kb="CUR" kxe="false">${escapeXml(disk)}</VolumeName></PhysicalVolume></Storage></VirtualSCSIMapping>`
  );
}

function withMapping(content: string, mapping: string, op: string, objectId: string): string {
  const open = /<((?:\w+:)?VirtualSCSIMappings)\b([^>]*?)(\/?)>/.exec(content);
  if (!open) throw new AdapterError("fatal", op, objectId, "malformed answer from the HMC: the VirtualIOServer has no <VirtualSCSIMappings> element");
  return open[3] === "/" ? content.replace(open[0], `<${open[1]}${open[2]}>${mapping}</${open[1]}>`) : content.replace(`</${open[1]}>`, `${mapping}</${open[1]}>`);
}

/**
 * Has one of the system's VIOSes serve the volume to the client LPAR: a mapping of the disk with
 * no client yet (a drill's AttachVirtualDisk step made it before the copy existed) is given the
 * client; without any mapping, the first VIOS that sees the disk maps it.
 */
export function serveDiskTo(ctx: HmcContext, volumeUid: VolumeUid | undefined, lock: ViosLock, r: { volumeId: string; hostId: string; vioses: readonly string[] }, clientUuid: string): Promise<{ changed: boolean }> {
  const op = "createDrillLpar";
  return withRetries(ctx.retry, async () => {
    const uid = await requireUid(volumeUid, op, r.volumeId);
    const views = [];
    for (const vios of r.vioses) {
      const view = await readVios(ctx, op, { volumeId: r.volumeId, hostId: r.hostId, vios }, uid);
      if (view.clients.includes(clientUuid)) return { changed: false };
      views.push(view);
    }
    const index = views.findIndex((v) => v.mapped && v.disk !== undefined);
    const vios = r.vioses[index >= 0 ? index : views.findIndex((v) => v.disk !== undefined)];
    if (vios === undefined) {
      throw new AdapterError("transient", op, r.volumeId, `no VIOS of ${r.hostId} sees volume ${r.volumeId} (UID ${uid}) yet: its devices must be configured (cfgdev) after the SAN mapping`);
    }
    return lock(r.hostId, vios, async () => {
      // Read again inside the lock: what is POSTed back is the VIOS as it is now.
      const view = await readVios(ctx, op, { volumeId: r.volumeId, hostId: r.hostId, vios }, uid);
      if (view.clients.includes(clientUuid)) return { changed: false };
      const disk = view.disk;
      if (disk === undefined) throw new AdapterError("transient", op, r.volumeId, `VIOS ${vios} of ${r.hostId} no longer sees volume ${r.volumeId} (UID ${uid})`);
      const unassigned = withoutMappings(view.content, (block) => servesDisk(block, uid, disk) && !/AssociatedLogicalPartition/.test(block));
      const changed = withMapping(unassigned, mappingXml(ctx, disk, clientUuid), op, r.volumeId);
      await ctx.session.send({ method: "POST", path: view.path, body: changed, contentType: VIOS_TYPE, ifMatch: view.etag, operation: op, objectId: r.volumeId });
      return { changed: true };
    });
  });
}

/** Removes every vSCSI mapping whose client is the LPAR from the system's VIOSes (before the LPAR is deleted). */
export async function releaseDisksOf(ctx: HmcContext, lock: ViosLock, r: { lparId: string; systemId: string; systemUuid: string; vioses: readonly string[] }, clientUuid: string): Promise<void> {
  const op = "deleteDrillLpar";
  for (const viosUuid of r.vioses) {
    await withRetries(ctx.retry, () => lock(r.systemId, viosUuid, async () => {
      const doc = await readViosDoc(ctx, op, r.systemUuid, viosUuid, r.lparId);
      const clientOf = (block: string): string | undefined => {
        const href = /<(?:\w+:)?AssociatedLogicalPartition\b[^>]*href="([^"]+)"/.exec(block)?.[1];
        return href ? uuidOfHref(href) : undefined;
      };
      const changed = withoutMappings(doc.content, (block) => clientOf(block) === clientUuid);
      if (changed === doc.content) return;
      await ctx.session.send({ method: "POST", path: doc.path, body: changed, contentType: VIOS_TYPE, ifMatch: doc.etag, operation: op, objectId: r.lparId });
    }));
  }
}

/** The <VirtualIOServer> element inside the entry's <content>, as sent, with its namespaces. */
function contentElement(body: string): string {
  const match = /<((?:\w+:)?VirtualIOServer)\b[\s\S]*<\/\1>/.exec(body);
  if (!match) throw new MalformedAnswer("no <VirtualIOServer> element in the entry");
  return match[0];
}
