// Storage decisions: which volume an LPAR uses at a site (the same volume when the site shares
// the SAN it is on, the other side of its replicated pair otherwise), which consistency groups
// must change direction, and which VIOS of the target serves each vSCSI mapping.

import type { HostMapping, ResolvedConsistencyGroup } from "../model";
import type { VmHome } from "../model/protection";
import type { VolumeAction } from "../generated/plan";
import type { AffectedVm } from "./affected";
import type { PlanningContext } from "./context";
import type { PlanKind } from "./types";

export interface VolumeChoice {
  /** Volume the LPAR uses now. */
  readonly source: string;
  /** Storage system holding `source`. */
  readonly sourceSystem: string;
  /** Volume presented at the destination. */
  readonly attach: string;
  /** Storage system holding `attach`. */
  readonly attachSystem: string;
  readonly via: "vscsi" | "npiv";
  /** Set when `attach` is the other side of a replicated pair. */
  readonly consistencyGroup?: string;
  /** The mapping of `source` to the LPAR's current system, to remove. */
  readonly sourceMapping?: HostMapping;
}

export type VolumePlan = { readonly ok: true; readonly volumes: readonly VolumeChoice[] } | { readonly ok: false; readonly reason: string };

function siteOfStorage(ctx: PlanningContext, storageSystem: string): string | undefined {
  return ctx.storageSystems.get(storageSystem)?.site;
}

/** How each of the VM's volumes reaches `site`, or why one cannot. */
export function volumesAt(ctx: PlanningContext, vm: AffectedVm, site: string, kind: PlanKind): VolumePlan {
  const sides = ctx.counterparts.get(vm.entry.group.name);
  const out: VolumeChoice[] = [];
  for (const v of vm.lpar.volumes) {
    const volume = ctx.volumes.get(v);
    if (!volume) return { ok: false, reason: `its volume ${JSON.stringify(v)} is not in the storage inventory` };
    const sourceMapping = mappingTo(ctx, v, vm.source);
    const other = sides?.get(v);
    if (kind !== "drill" && siteOfStorage(ctx, volume.storageSystem) === site) {
      out.push({ source: v, sourceSystem: volume.storageSystem, attach: v, attachSystem: volume.storageSystem, via: sourceMapping?.via ?? other?.via ?? "vscsi", sourceMapping });
      continue;
    }
    if (!other) {
      return {
        ok: false,
        reason: `its volume ${JSON.stringify(v)} is on storage at site ${JSON.stringify(siteOfStorage(ctx, volume.storageSystem) ?? "?")} and none of the group's storage mappings replicates it to site ${JSON.stringify(site)}`,
      };
    }
    const replica = ctx.volumes.get(other.volume);
    if (!replica) return { ok: false, reason: `the replica ${JSON.stringify(other.volume)} of volume ${JSON.stringify(v)} is not in the storage inventory` };
    if (siteOfStorage(ctx, replica.storageSystem) !== site) {
      return { ok: false, reason: `the replica ${JSON.stringify(other.volume)} of volume ${JSON.stringify(v)} is not at site ${JSON.stringify(site)}` };
    }
    if (!ctx.consistencyGroups.has(other.consistencyGroup)) {
      return { ok: false, reason: `consistency group ${JSON.stringify(other.consistencyGroup)} of volume ${JSON.stringify(v)} is not in the storage inventory` };
    }
    out.push({
      source: v,
      sourceSystem: volume.storageSystem,
      attach: other.volume,
      attachSystem: replica.storageSystem,
      via: other.via,
      consistencyGroup: other.consistencyGroup,
      sourceMapping,
    });
  }
  return { ok: true, volumes: out };
}

/** Hands out the VIOSes of each target system in turn, so that mapping changes run in parallel. */
export class ViosRotation {
  private readonly next = new Map<string, number>();
  constructor(private readonly ctx: PlanningContext) {}

  take(system: string): string {
    const vioses = this.ctx.systems.get(system)?.vioses ?? ["vios1"];
    const i = this.next.get(system) ?? 0;
    this.next.set(system, i + 1);
    return vioses[i % vioses.length];
  }
}

/** The live mapping of `volume` to `host`, if the inventory has one. */
export function mappingTo(ctx: PlanningContext, volume: string, host: string): HostMapping | undefined {
  const mappings = ctx.mappingsByVolume.get(volume);
  if (mappings !== undefined) for (const m of mappings) if (m.host === host) return m;
  return undefined;
}

/**
 * The volume actions of a placement, with a VIOS chosen for every vSCSI mapping. A mapping that
 * survives at the target (an earlier recovery left it: its unmap was best effort at a lost
 * site) is reused as it is: a storage system refuses to map a volume again through another
 * VIOS or protocol. A drill maps FlashCopy copies, never `attach` itself: nothing to reuse.
 * An LPAR that goes back to its recorded `home` gets each volume's mapping as it was there (its
 * protocol, and its VIOS while the system has it).
 */
export function volumeActions(ctx: PlanningContext, kind: PlanKind, choices: readonly VolumeChoice[], target: string, rotation: ViosRotation, home?: VmHome): VolumeAction[] {
  const recorded = home !== undefined && home.system === target ? new Map(home.mappings.map((m) => [m.volume, m])) : undefined;
  const vioses: readonly string[] = recorded !== undefined ? (ctx.systems.get(target)?.vioses ?? []) : [];
  return choices.map((c) => {
    const kept = kind === "drill" ? undefined : mappingTo(ctx, c.attach, target);
    const was = kept === undefined ? recorded?.get(c.attach) : undefined;
    const via = kept?.via ?? was?.via ?? c.via;
    const action: VolumeAction = { source: c.source, attach: c.attach, via };
    const wasVios = was?.vios !== undefined && vioses.includes(was.vios) ? was.vios : undefined;
    if (via === "vscsi") action.vios = kept?.vios ?? wasVios ?? rotation.take(target);
    if (c.consistencyGroup !== undefined) action.consistencyGroup = c.consistencyGroup;
    return action;
  });
}

/**
 * Mappings of a volume the LPAR uses now or will use to hosts it will not run on, besides its
 * source mapping (which the plan removes anyway): left behind by an earlier recovery whose
 * best-effort unmap failed at a lost site. Left alone: the target's mapping of `attach` (reused)
 * and a mapping to a host where another LPAR uses the volume (a shared disk).
 */
export function staleMappings(ctx: PlanningContext, lpar: string, c: VolumeChoice, source: string, target: string): readonly HostMapping[] {
  // The source volume's first: the order of the steps follows this one. The same volume on
  // both sides keeps neither its source's mapping (removed anyway) nor its target's (reused).
  if (c.source === c.attach) return collectStale(ctx, lpar, c.attach, target, source, NO_MAPPINGS);
  return collectStale(ctx, lpar, c.attach, target, target, collectStale(ctx, lpar, c.source, source, source, NO_MAPPINGS));
}

/** Nearly every volume has no stale mapping: one shared empty list rather than one per volume. */
const NO_MAPPINGS: readonly HostMapping[] = Object.freeze([]);

/**
 * `found` and the mappings of `volume` to any host but the two kept and those where another
 * LPAR uses it (a new array when there are any).
 */
function collectStale(ctx: PlanningContext, lpar: string, volume: string, kept: string, alsoKept: string, found: readonly HostMapping[]): readonly HostMapping[] {
  const mappings = ctx.mappingsByVolume.get(volume);
  if (mappings === undefined) return found;
  let out = found;
  for (const m of mappings) {
    if (m.host === kept || m.host === alsoKept) continue;
    if (sharedAt(ctx, lpar, volume, m.host)) continue;
    if (out === NO_MAPPINGS) out = [];
    (out as HostMapping[]).push(m);
  }
  return out;
}

function sharedAt(ctx: PlanningContext, lpar: string, volume: string, host: string): boolean {
  const users = ctx.lparsByVolume.get(volume);
  if (users === undefined) return false;
  for (const l of users) if (l !== lpar && ctx.lpars.get(l)?.host === host) return true;
  return false;
}

/** The side of a consistency group a volume is on. */
export function sideOf(cg: ResolvedConsistencyGroup, volume: string): "master" | "aux" {
  return cg.pairs.some((p) => p.aux === volume) ? "aux" : "master";
}

/** LPARs outside `moving` that use a volume of consistency group `cg`: they lose replication when it fails over. */
export function bystandersOf(ctx: PlanningContext, cg: string, moving: ReadonlySet<string>): string[] {
  const group = ctx.consistencyGroups.get(cg);
  if (!group) return [];
  const out = new Set<string>();
  for (const pair of group.pairs) {
    for (const v of [pair.master, pair.aux]) for (const l of ctx.lparsByVolume.get(v) ?? []) if (!moving.has(l)) out.add(l);
  }
  return [...out].sort();
}
