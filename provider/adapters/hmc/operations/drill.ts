// Drill copies on the HMC: an isolated LogicalPartition on the target system, built from the
// protected LPAR's desired configuration (processors, memory; no network adapter: a copy without
// one cannot reach production), served the FlashCopy targets through the target's VIOS (vSCSI),
// started, and later stopped and deleted. A copy is named `<source>-drill-<network>`: that name
// is how the inventory recognises a copy (`drillOf`), and deletion refuses any LPAR whose name
// does not say it is the copy of an LPAR the HMC knows, so a drill never deletes an LPAR it did
// not create.

import { AdapterError } from "../../../errors";
import type { ResolvedLpar } from "../../../model";
import type { DrillCopyCheck, DrillLparRequest, OperationResult } from "../../compute";
import { withRetries } from "../../http/retry";
import type { HmcContext } from "../context";
import { UOM } from "../directory";
import { parseLpar, type HmcLpar, type HmcSystem, type LparConfig } from "../inventory";
import { escapeXml, feedEntries, MalformedAnswer, parseXml } from "../xml";
import { releaseDisksOf, serveDiskTo, type ViosLock, type VolumeUid } from "./vdisk";
import { isActive, lparPath } from "./power";

const LPAR_TYPE = "application/vnd.ibm.powervm.uom+xml; type=LogicalPartition";
const UOM_NS = "http://www.ibm.com/xmlns/systems/power/firmware/uom/mc/2012_10/";
/** The HMC's limit on partition names. */
export const MAX_PARTITION_NAME = 47;
const DRILL_MARK = "-drill-";

/** The name of the drill copy of the LPAR named `source` on `network`. */
export function drillCopyName(source: string, network: string): string {
  // The drill file's schema keeps network names to characters a partition name may hold.
  return `${source}${DRILL_MARK}${network}`;
}

/** The source LPAR and network a name says it is the copy of, among `names`; undefined for any other LPAR. */
export function drillSourceOf(name: string, names: ReadonlySet<string>): { source: string; network: string } | undefined {
  let best: { source: string; network: string } | undefined;
  for (let at = name.indexOf(DRILL_MARK); at > 0; at = name.indexOf(DRILL_MARK, at + 1)) {
    const source = name.slice(0, at);
    const network = name.slice(at + DRILL_MARK.length);
    if (names.has(source) && /^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(network) && drillSourceOf(source, names) === undefined) best = { source, network };
  }
  return best;
}

/** Why the HMC cannot build a copy of an LPAR with this configuration, or undefined when it can. */
export function uncopyable(config: LparConfig): string | undefined {
  if (config.type !== "AIX/Linux") return `its PartitionType is ${JSON.stringify(config.type)}: drill copies are made of AIX/Linux partitions only`;
  if (config.sharedMemory) return "it uses Active Memory Sharing (SharedMemoryEnabled): a copy would need the target's shared memory pool";
  if (config.processors.desired <= 0 || config.memoryMb.desired <= 0) return "the HMC reports no desired processors or memory for it";
  return undefined;
}

/** A LogicalPartition body for a new partition, in the element order the HMC's schema requires. */
export function newPartitionXml(name: string, c: LparConfig): string {
  const range = (what: string, r: { min: number; desired: number; max: number }): string =>
    `<Desired${what}>${r.desired}</Desired${what}><Maximum${what}>${r.max}</Maximum${what}><Minimum${what}>${r.min}</Minimum${what}>`;
  const processors = c.dedicated
    ? `<DedicatedProcessorConfiguration schemaVersion="V1_0"><Metadata><Atom/></Metadata>${range("Processors", c.processors)}</DedicatedProcessorConfiguration>` +
      `<HasDedicatedProcessors>true</HasDedicatedProcessors><SharingMode>${escapeXml(c.sharingMode)}</SharingMode>`
    : `<HasDedicatedProcessors>false</HasDedicatedProcessors><SharedProcessorConfiguration schemaVersion="V1_0"><Metadata><Atom/></Metadata>` +
      `<DesiredProcessingUnits>${c.processors.desired}</DesiredProcessingUnits><DesiredVirtualProcessors>${c.virtualProcessors.desired}</DesiredVirtualProcessors>` +
      `<MaximumProcessingUnits>${c.processors.max}</MaximumProcessingUnits><MaximumVirtualProcessors>${c.virtualProcessors.max}</MaximumVirtualProcessors>` +
      `<MinimumProcessingUnits>${c.processors.min}</MinimumProcessingUnits><MinimumVirtualProcessors>${c.virtualProcessors.min}</MinimumVirtualProcessors>` +
      (c.uncappedWeight !== undefined && c.sharingMode === "uncapped" ? `<UncappedWeight>${c.uncappedWeight}</UncappedWeight>` : "") +
      `</SharedProcessorConfiguration><SharingMode>${escapeXml(c.sharingMode)}</SharingMode>`;
  return (
    `<LogicalPartition:LogicalPartition xmlns:LogicalPartition="${UOM_NS}" xmlns="${UOM_NS}" schemaVersion="V1_0"><Metadata><Atom/></Metadata>` +
    `<AllowPerformanceDataCollection>false</AllowPerformanceDataCollection><AvailabilityPriority>127</AvailabilityPriority>` +
    `<PartitionIOConfiguration schemaVersion="V1_0"><Metadata><Atom/></Metadata><MaximumVirtualIOSlots>64</MaximumVirtualIOSlots></PartitionIOConfiguration>` +
    `<PartitionMemoryConfiguration schemaVersion="V1_0"><Metadata><Atom/></Metadata>${range("Memory", c.memoryMb)}</PartitionMemoryConfiguration>` +
    `<PartitionName>${escapeXml(name)}</PartitionName>` +
    `<PartitionProcessorConfiguration schemaVersion="V1_0"><Metadata><Atom/></Metadata>${processors}</PartitionProcessorConfiguration>` +
    `<PartitionType>${escapeXml(c.type)}</PartitionType><PendingProcessorCompatibilityMode>default</PendingProcessorCompatibilityMode>` +
    // A copy is never restarted elsewhere: it lives for one drill.
    `<SimplifiedRemoteRestartCapable>false</SimplifiedRemoteRestartCapable>` +
    `</LogicalPartition:LogicalPartition>`
  );
}

async function findByName(ctx: HmcContext, name: string): Promise<HmcLpar | undefined> {
  const { lpars } = await ctx.directory.readAll();
  return lpars.find((l) => l.name === name);
}

async function createPartition(ctx: HmcContext, system: HmcSystem, name: string, config: LparConfig, objectId: string): Promise<HmcLpar> {
  const op = "createDrillLpar";
  const path = `${UOM}/ManagedSystem/${system.uuid}/LogicalPartition`;
  const res = await ctx.session.send({ method: "PUT", path, body: newPartitionXml(name, config), contentType: LPAR_TYPE, operation: op, objectId });
  try {
    const entry = feedEntries(parseXml(res.body), path)[0];
    if (!entry) throw new MalformedAnswer("no LogicalPartition entry in the answer to its creation");
    return parseLpar(entry, system.uuid);
  } catch (err) {
    if (!(err instanceof MalformedAnswer)) throw err;
    throw new AdapterError("fatal", op, objectId, `malformed answer from the HMC: ${err.message}`);
  }
}

export function createDrillLpar(ctx: HmcContext, volumeUid: VolumeUid | undefined, lock: ViosLock, req: DrillLparRequest): Promise<{ lparId: string; alreadyDone: boolean }> {
  const op = "createDrillLpar";
  if (req.size !== undefined) {
    return Promise.reject(
      new AdapterError(
        "fatal",
        op,
        req.sourceLparId,
        `a drill copy with ${req.size.processorUnits} processor units and ${req.size.memoryGb} GiB (flexible capacity) is not supported by the HMC adapter: copies are built from the source's desired configuration; set the group's \`flexibleCapacity.appliesTo\` to "failover" or remove it`,
      ),
    );
  }
  return withRetries(ctx.retry, async () => {
    const source = await ctx.directory.lpar(req.sourceLparId, op);
    const target = await ctx.directory.system(req.targetSystemId, op);
    const name = drillCopyName(source.name, req.network);
    if (name.length > MAX_PARTITION_NAME) {
      throw new AdapterError("fatal", op, req.sourceLparId, `the drill copy's name ${JSON.stringify(name)} is longer than the HMC's ${MAX_PARTITION_NAME} characters: use a shorter drill \`network\` name`);
    }
    const why = uncopyable(source.config);
    if (why) throw new AdapterError("fatal", op, req.sourceLparId, `the HMC cannot build a copy of this LPAR: ${why}`);
    let changed = false;
    let copy = await findByName(ctx, name);
    if (copy && copy.systemUuid !== target.uuid) {
      throw new AdapterError("conflict", op, name, `an LPAR named ${name} already exists on another system than ${req.targetSystemId}: remove it (vmr drill --cleanup) and run the drill again`);
    }
    if (!copy) {
      copy = await createPartition(ctx, target, name, source.config, req.sourceLparId);
      changed = true;
    }
    const copyId = ctx.settings.identifyBy === "uuid" ? copy.uuid : copy.name;
    for (const volumeId of req.volumeIds) {
      if ((await serveDiskTo(ctx, volumeUid, lock, { volumeId, hostId: req.targetSystemId, vioses: target.viosUuids }, copy.uuid)).changed) changed = true;
    }
    if (!isActive(copy)) {
      await ctx.runJob({ objectPath: lparPath(copy), operation: "PowerOn", group: "LogicalPartition", parameters: {}, label: op, objectId: copyId });
      changed = true;
    }
    return { lparId: copyId, alreadyDone: !changed };
  });
}

export function deleteDrillLpar(ctx: HmcContext, lock: ViosLock, lparId: string): Promise<OperationResult> {
  const op = "deleteDrillLpar";
  return withRetries(ctx.retry, async () => {
    let lpar: HmcLpar;
    try {
      lpar = await ctx.directory.lpar(lparId, op);
    } catch (err) {
      if (err instanceof AdapterError && err.failure === "notFound") return { alreadyDone: true };
      throw err;
    }
    const { lpars } = await ctx.directory.readAll();
    if (!drillSourceOf(lpar.name, new Set(lpars.map((l) => l.name)))) {
      throw new AdapterError("conflict", op, lparId, `${lpar.name} is not named as the drill copy of an LPAR on this HMC (<source>${DRILL_MARK}<network>): refusing to delete an LPAR a drill did not create`);
    }
    if (lpar.state !== "not activated") {
      await ctx.runJob({ objectPath: lparPath(lpar), operation: "PowerOff", group: "LogicalPartition", parameters: { operation: "shutdown", immediate: "true", restart: "false" }, label: op, objectId: lparId });
    }
    const system = await ctx.directory.systemByUuid(lpar.systemUuid, op, lparId);
    await releaseDisksOf(ctx, lock, { lparId, systemId: ctx.settings.identifyBy === "uuid" ? system.uuid : system.name, systemUuid: system.uuid, vioses: system.viosUuids }, lpar.uuid);
    await ctx.session.send({ method: "DELETE", path: lparPath(lpar), operation: op, objectId: lparId });
    return { alreadyDone: false };
  });
}

/**
 * Marks the drill copies among `mapped` (the model view of `lpars`, in the same order): their
 * `drillOf` is the model id of the LPAR they copy, their network the drill's.
 */
export function markDrillCopies(lpars: readonly HmcLpar[], mapped: ResolvedLpar[], idOf: (l: HmcLpar) => string): ResolvedLpar[] {
  const byName = new Map(lpars.map((l) => [l.name, l]));
  const names = new Set(byName.keys());
  return mapped.map((m, i) => {
    const copy = drillSourceOf(lpars[i].name, names);
    const source = copy ? byName.get(copy.source) : undefined;
    return copy && source ? { ...m, drillOf: idOf(source), network: copy.network, remoteRestartCapable: false } : m;
  });
}

/**
 * Reasons the HMC would refuse these drill copies, read from the live configuration: an LPAR it
 * cannot copy, a copy name longer than a partition name may be, a target system that reports it
 * cannot remote-restart partitions (the recovery the drill rehearses could not restart them there).
 */
export async function checkDrillCopies(ctx: HmcContext, copies: readonly DrillCopyCheck[]): Promise<string[]> {
  const { systems, lpars } = await withRetries(ctx.retry, () => ctx.directory.readAll());
  const by = ctx.settings.identifyBy;
  const lparById = new Map(lpars.map((l) => [by === "uuid" ? l.uuid : l.name, l]));
  const systemById = new Map(systems.map((s) => [by === "uuid" ? s.uuid : s.name, s]));
  const reasons: string[] = [];
  for (const c of copies) {
    const source = lparById.get(c.sourceLparId);
    const target = systemById.get(c.targetSystemId);
    if (source) {
      const why = uncopyable(source.config);
      if (why) reasons.push(`LPAR ${c.sourceLparId}: the HMC cannot build a drill copy of it: ${why}; leave it out of the drill (\`groups\`) or rehearse it on the simulator`);
      const name = drillCopyName(source.name, c.network);
      if (name.length > MAX_PARTITION_NAME) reasons.push(`LPAR ${c.sourceLparId}: its drill copy's name ${JSON.stringify(name)} is longer than the HMC's ${MAX_PARTITION_NAME} characters: use a shorter drill \`network\` name`);
    }
    const npiv = c.volumes.filter((v) => v.via === "npiv").map((v) => v.volume);
    if (npiv.length > 0) {
      reasons.push(`LPAR ${c.sourceLparId}: its volumes ${npiv.join(", ")} reach it through NPIV, and drill copies on hardware are served their disks through the VIOS (vSCSI) only: present them through vSCSI (the StorageMapping's \`presentation.via\`) or leave the LPAR out of the drill`);
    }
    if (target && target.srrCapable === false) {
      reasons.push(`system ${c.targetSystemId}: the HMC reports it cannot remote-restart partitions (PowerVMLogicalPartitionSimplifiedRemoteRestartCapable false), so the recovery this drill rehearses could not restart ${c.sourceLparId} there: take it out of the RecoveryTarget's \`systems\``);
    }
  }
  return [...new Set(reasons)];
}
