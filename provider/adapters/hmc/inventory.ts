// HMC objects as read from the REST API (ManagedSystem and LogicalPartition entries of Atom
// feeds), and their translation into the model. Only the elements the plugin needs are read.

import type { Hmc, ResolvedLpar, ResolvedManagedSystem } from "../../model";
import { lparState, systemState } from "./states";
import { child, entryEtag, entryObject, linkedUuids, MalformedAnswer, requireText, textAt, uuidOfHref, type XmlNode } from "./xml";

export interface HmcSystem {
  readonly uuid: string;
  readonly name: string;
  /** State as the HMC words it (lower case): "operating", "power off", "error"... */
  readonly state: string;
  readonly processorUnits: number;
  readonly memoryMb: number;
  readonly viosUuids: readonly string[];
}

export interface HmcLpar {
  readonly uuid: string;
  readonly name: string;
  readonly partitionId: string;
  /** PartitionState as the HMC words it: "running", "not activated"... */
  readonly state: string;
  /** RemoteRestartState: Invalid, Remote_Restartable, Source_Remote_Restarting... */
  readonly remoteRestartState: string;
  readonly srrCapable: boolean;
  /** ResourceMonitoringControlState: active, inactive, none, unknown, busy. */
  readonly rmcState: string;
  /** UUID of the managed system the partition is defined on now. */
  readonly systemUuid: string;
  readonly processorUnits: number;
  readonly memoryMb: number;
  readonly etag: string | undefined;
}

export function parseSystem(entry: XmlNode): HmcSystem {
  const ms = entryObject(entry, "ManagedSystem");
  const uuid = textAt(ms, "Metadata", "Atom", "AtomID") ?? textAt(entry, "id");
  if (!uuid) throw new MalformedAnswer("ManagedSystem entry has no id");
  const what = `ManagedSystem ${uuid}`;
  return {
    uuid,
    name: requireText(ms, what, "SystemName"),
    state: requireText(ms, what, "State").toLowerCase(),
    processorUnits: firstNumber(ms, [
      ["AssociatedSystemProcessorConfiguration", "ConfigurableSystemProcessorUnits"],
      ["AssociatedSystemProcessorConfiguration", "InstalledSystemProcessorUnits"],
    ]),
    memoryMb: firstNumber(ms, [
      ["AssociatedSystemMemoryConfiguration", "ConfigurableSystemMemory"],
      ["AssociatedSystemMemoryConfiguration", "InstalledSystemMemory"],
    ]),
    viosUuids: linkedUuids(child(ms, "AssociatedVirtualIOServers")),
  };
}

/** Reads a LogicalPartition entry; `systemUuid` is known when the feed was read per system. */
export function parseLpar(entry: XmlNode, systemUuid?: string): HmcLpar {
  const lp = entryObject(entry, "LogicalPartition");
  const uuid = textAt(lp, "PartitionUUID") ?? textAt(lp, "Metadata", "Atom", "AtomID") ?? textAt(entry, "id");
  if (!uuid) throw new MalformedAnswer("LogicalPartition entry has no PartitionUUID");
  const what = `LogicalPartition ${uuid}`;
  const href = child(lp, "AssociatedManagedSystem", "@_href");
  const host = systemUuid ?? (typeof href === "string" ? uuidOfHref(href) : undefined);
  if (!host) throw new MalformedAnswer(`${what} has no <AssociatedManagedSystem href>`);
  const dedicated = textAt(lp, "PartitionProcessorConfiguration", "HasDedicatedProcessors") === "true";
  const processorUnits = dedicated
    ? firstNumber(lp, [
        ["PartitionProcessorConfiguration", "CurrentDedicatedProcessorConfiguration", "CurrentProcessors"],
        ["PartitionProcessorConfiguration", "DedicatedProcessorConfiguration", "DesiredProcessors"],
      ])
    : firstNumber(lp, [
        ["PartitionProcessorConfiguration", "CurrentSharedProcessorConfiguration", "CurrentProcessingUnits"],
        ["PartitionProcessorConfiguration", "SharedProcessorConfiguration", "DesiredProcessingUnits"],
      ]);
  return {
    uuid,
    name: requireText(lp, what, "PartitionName"),
    partitionId: textAt(lp, "PartitionID") ?? "",
    state: requireText(lp, what, "PartitionState").toLowerCase(),
    remoteRestartState: textAt(lp, "RemoteRestartState") ?? "Invalid",
    srrCapable: (textAt(lp, "SimplifiedRemoteRestartCapable") ?? textAt(lp, "RemoteRestartCapable")) === "true",
    rmcState: (textAt(lp, "ResourceMonitoringControlState") ?? "unknown").toLowerCase(),
    systemUuid: host,
    processorUnits,
    memoryMb: firstNumber(lp, [
      ["PartitionMemoryConfiguration", "CurrentMemory"],
      ["PartitionMemoryConfiguration", "DesiredMemory"],
    ]),
    etag: entryEtag(entry),
  };
}

/** The number at the first path present; 0 when none is (a system without a connection reports no capacity). */
function firstNumber(node: XmlNode, paths: readonly (readonly string[])[]): number {
  for (const path of paths) {
    const text = textAt(node, ...path);
    if (text === undefined || text === "") continue;
    const value = Number(text);
    if (!Number.isFinite(value)) throw new MalformedAnswer(`<${path.join("/")}> is not a number: ${JSON.stringify(text)}`);
    return value;
  }
  return 0;
}

/** How the model names HMC objects: by name or by UUID (`hmc.identifyBy`). */
export type IdentifyBy = "name" | "uuid";

export interface ModelContext {
  readonly hmc: Hmc;
  readonly identifyBy: IdentifyBy;
  readonly maxRemoteRestarts: number;
  /** Sites of systems that are not at the HMC's site (`hmc.systemSites`). */
  readonly systemSites?: Readonly<Record<string, string>>;
}

export function systemId(s: HmcSystem, by: IdentifyBy): string {
  return by === "uuid" ? s.uuid : s.name;
}

export function lparId(l: HmcLpar, by: IdentifyBy): string {
  return by === "uuid" ? l.uuid : l.name;
}

export function toManagedSystem(s: HmcSystem, ctx: ModelContext): ResolvedManagedSystem {
  return {
    id: systemId(s, ctx.identifyBy),
    name: s.name,
    site: ctx.systemSites?.[systemId(s, ctx.identifyBy)] ?? ctx.hmc.site,
    hmc: ctx.hmc.name,
    processorUnits: s.processorUnits,
    memoryGb: s.memoryMb / 1024,
    state: systemState(s.state),
    maxRemoteRestarts: ctx.maxRemoteRestarts,
    // A system without a connection may list no VIOS; one stand-in keeps "one mapping change at a
    // time" meaningful for it.
    vioses: s.viosUuids.length > 0 ? [s.viosUuids[0], ...s.viosUuids.slice(1)] : [`${systemId(s, ctx.identifyBy)}-vios`],
  };
}

export function toLpar(l: HmcLpar, host: HmcSystem | undefined, ctx: ModelContext): ResolvedLpar {
  return {
    id: lparId(l, ctx.identifyBy),
    name: l.name,
    host: host ? systemId(host, ctx.identifyBy) : l.systemUuid,
    processorUnits: l.processorUnits,
    memoryGb: l.memoryMb / 1024,
    // The SLA level belongs to the protection model, not to the HMC.
    slaLevel: 1,
    remoteRestartCapable: l.srrCapable,
    // Volumes are known from the storage side (host mappings) and the protection model.
    volumes: [],
    state: lparState(l.state),
    network: "production",
  };
}
