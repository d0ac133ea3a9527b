// HMC objects as read from the REST API (ManagedSystem and LogicalPartition entries of Atom
// feeds), and their translation into the model. Only the elements the plugin needs are read.

import type { Hmc, ResolvedLpar, ResolvedManagedSystem } from "../../model";
import { listedAdapters } from "./network";
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
  /**
   * AssociatedSystemCapabilities/PowerVMLogicalPartitionSimplifiedRemoteRestartCapable; undefined
   * when the HMC does not report it (older levels).
   */
  readonly srrCapable: boolean | undefined;
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
  /** What the LPAR uses: its current values while active, its desired (profile) ones when not activated. */
  readonly processorUnits: number;
  readonly memoryMb: number;
  /** The configuration a copy of it is built from (desired values, whatever the state). */
  readonly config: LparConfig;
  /** How many client network adapters and SR-IOV logical ports the entry lists (links). */
  readonly listedAdapters: { readonly cnas: number; readonly sriov: number };
  readonly etag: string | undefined;
}

/** An LPAR's desired configuration, as the HMC reports it and a new LogicalPartition takes it. */
export interface LparConfig {
  /** PartitionType: "AIX/Linux", "OS400" (IBM i), "Virtual IO Server". */
  readonly type: string;
  readonly dedicated: boolean;
  /** Processing units (shared) or processors (dedicated): minimum, desired, maximum. */
  readonly processors: { readonly min: number; readonly desired: number; readonly max: number };
  /** Virtual processors of a shared-processor LPAR (equal to `processors` when dedicated). */
  readonly virtualProcessors: { readonly min: number; readonly desired: number; readonly max: number };
  /** SharingMode: capped, uncapped (shared); sre idle proces, keep idle procs... (dedicated). */
  readonly sharingMode: string;
  readonly uncappedWeight: number | undefined;
  readonly memoryMb: { readonly min: number; readonly desired: number; readonly max: number };
  /** Active Memory Sharing: the copy would need a shared memory pool at the target. */
  readonly sharedMemory: boolean;
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
    srrCapable: optionalBool(textAt(ms, "AssociatedSystemCapabilities", "PowerVMLogicalPartitionSimplifiedRemoteRestartCapable")),
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
  const state = requireText(lp, what, "PartitionState").toLowerCase();
  const config = parseConfig(lp);
  // A partition that is not activated holds nothing: the HMC reports its current processors and
  // memory as 0. What it will need when it starts (and what placing it must reserve) is its
  // desired configuration.
  const active = state !== "not activated";
  // Odd but real: an inactive shared-processor LPAR can report CurrentHasDedicatedProcessors true.
  const currentDedicated = textAt(lp, "PartitionProcessorConfiguration", "CurrentHasDedicatedProcessors");
  const dedicated = currentDedicated === undefined ? config.dedicated : currentDedicated === "true";
  const currentProcessors = dedicated
    ? firstNumber(lp, [["PartitionProcessorConfiguration", "CurrentDedicatedProcessorConfiguration", "CurrentProcessors"]])
    : firstNumber(lp, [["PartitionProcessorConfiguration", "CurrentSharedProcessorConfiguration", "CurrentProcessingUnits"]]);
  const currentMemory = firstNumber(lp, [["PartitionMemoryConfiguration", "CurrentMemory"]]);
  const processorUnits = active && currentProcessors > 0 ? currentProcessors : config.processors.desired;
  const memoryMb = active && currentMemory > 0 ? currentMemory : config.memoryMb.desired;
  return {
    uuid,
    name: requireText(lp, what, "PartitionName"),
    partitionId: textAt(lp, "PartitionID") ?? "",
    state,
    remoteRestartState: textAt(lp, "RemoteRestartState") ?? "Invalid",
    srrCapable: (textAt(lp, "SimplifiedRemoteRestartCapable") ?? textAt(lp, "RemoteRestartCapable")) === "true",
    rmcState: (textAt(lp, "ResourceMonitoringControlState") ?? "unknown").toLowerCase(),
    systemUuid: host,
    processorUnits,
    memoryMb,
    config,
    listedAdapters: listedAdapters(lp),
    etag: entryEtag(entry),
  };
}

function parseConfig(lp: XmlNode): LparConfig {
  const dedicated = textAt(lp, "PartitionProcessorConfiguration", "HasDedicatedProcessors") === "true";
  const proc = ["PartitionProcessorConfiguration", dedicated ? "DedicatedProcessorConfiguration" : "SharedProcessorConfiguration"];
  const unit = dedicated ? "Processors" : "ProcessingUnits";
  const range = (path: string[], what: string): { min: number; desired: number; max: number } => {
    const desired = firstNumber(lp, [[...path, `Desired${what}`]]);
    return { min: firstNumber(lp, [[...path, `Minimum${what}`]]) || desired, desired, max: firstNumber(lp, [[...path, `Maximum${what}`]]) || desired };
  };
  const processors = range(proc, unit);
  const weight = textAt(lp, ...proc, "UncappedWeight");
  return {
    type: textAt(lp, "PartitionType") ?? "AIX/Linux",
    dedicated,
    processors,
    virtualProcessors: dedicated ? processors : range(proc, "VirtualProcessors"),
    sharingMode: textAt(lp, "PartitionProcessorConfiguration", "SharingMode") ?? (dedicated ? "sre idle proces" : "uncapped"),
    uncappedWeight: weight ? Number(weight) : undefined,
    memoryMb: range(["PartitionMemoryConfiguration"], "Memory"),
    sharedMemory: textAt(lp, "PartitionMemoryConfiguration", "SharedMemoryEnabled") === "true",
  };
}

function optionalBool(text: string | undefined): boolean | undefined {
  return text === undefined || text === "" ? undefined : text === "true";
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

/** The partition's minimum processing units (processors, when dedicated) and memory, never above what it has. */
function minimumOf(l: HmcLpar): { minimum?: { processorUnits: number; memoryGb: number } } {
  const pu = l.config.processors.min;
  const mb = l.config.memoryMb.min;
  if (!(pu > 0) || !(mb > 0)) return {};
  return { minimum: { processorUnits: Math.min(pu, l.processorUnits), memoryGb: Math.min(mb, l.memoryMb) / 1024 } };
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
    // The partition's minimum values: the least a flexible-capacity start may give it.
    ...minimumOf(l),
    // Volumes are known from the storage side (host mappings) and the protection model.
    volumes: [],
    state: lparState(l.state),
    network: "production",
  };
}
