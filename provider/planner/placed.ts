// A placed LPAR as the step builders see it, and the pieces every plan kind shares: hooks and
// the `after` dependencies between LPARs.

import type { VolumeAction } from "../generated/plan";
import type { AffectedVm } from "./affected";
import type { PlanningContext } from "./context";
import type { LparScope, StepGraph, StepRef } from "./steps";
import type { StepParams } from "../generated/plan";
import type { HostMapping } from "../model";
import type { VolumeChoice } from "./storage";

export interface PlacedVm {
  readonly vm: AffectedVm;
  readonly target: string;
  readonly choices: readonly VolumeChoice[];
  /** The same volumes, with the VIOS chosen for each vSCSI mapping. */
  readonly actions: readonly VolumeAction[];
}

/**
 * `<kind>:<a>[:<b>[:<c>]]`. Joined into one flat string, not concatenated: a chain of
 * concatenations is kept as a tree of string pieces, several objects per id for the garbage
 * collector to copy, and flattened again whenever the id is hashed or written out.
 */
export function stepId(kind: string, a: string, b?: string, c?: string): string {
  return b === undefined ? [kind, a].join(":") : c === undefined ? [kind, a, b].join(":") : [kind, a, b, c].join(":");
}

/** The scope of a placed LPAR's steps, made once per LPAR. */
export function scopeOf(p: PlacedVm): LparScope {
  return { lpar: p.vm.lpar.id, group: p.vm.entry.group.name, slaLevel: p.vm.slaLevel };
}

export function hmcOf(ctx: PlanningContext, system: string): string {
  return ctx.systems.get(system)?.hmc ?? "unknown";
}

export interface Hooks {
  /** The last pre hook of each group, which the group's first steps wait for. */
  readonly lastPre: ReadonlyMap<string, StepRef>;
}

/** Pre hooks of every group with placed LPARs, one after another. */
export function addPreHooks(g: StepGraph, placed: readonly PlacedVm[]): Hooks {
  const lastPre = new Map<string, StepRef>();
  for (const [name, { group, level }] of groupsOf(placed)) {
    let previous: StepRef | undefined;
    (group.hooks?.pre ?? []).forEach((hook, i) => {
      previous = g.add({
        id: stepId("RunHook", name, "pre", String(i)),
        kind: "RunHook",
        slaLevel: level,
        group: name,
        phase: "pre",
        params: { hook: "pre", command: [...hook.command], timeoutSeconds: hook.timeoutSeconds ?? 300 },
        dependsOn: previous !== undefined ? [previous] : [],
      });
    });
    if (previous !== undefined) lastPre.set(name, previous);
  }
  return { lastPre };
}

/** Post hooks of every group, after all of the group's LPARs are verified (`verifies[i]`: placed[i]'s VerifyLpar). */
export function addPostHooks(g: StepGraph, placed: readonly PlacedVm[], verifies: readonly StepRef[]): void {
  for (const [name, { group, level, members }] of groupsOf(placed)) {
    let previous: StepRef | undefined;
    (group.hooks?.post ?? []).forEach((hook, i) => {
      previous = g.add({
        id: stepId("RunHook", name, "post", String(i)),
        kind: "RunHook",
        slaLevel: level,
        group: name,
        phase: "post",
        params: { hook: "post", command: [...hook.command], timeoutSeconds: hook.timeoutSeconds ?? 300 },
        dependsOn: previous !== undefined ? [previous] : members.map((i) => verifies[i]),
      });
    });
  }
}

/**
 * Makes each LPAR's first step on its target (`starts[i]`, of placed[i]) wait for the VerifyLpar
 * (`verifies[j]`) of every LPAR it declares `after`, among those the plan starts. Added once every
 * LPAR's steps exist: the one waited for may be placed later.
 */
export function addAfterDependencies(g: StepGraph, placed: readonly PlacedVm[], starts: readonly StepRef[], verifies: readonly StepRef[]): void {
  const position = new Map<string, number>();
  placed.forEach((p, i) => position.set(p.vm.lpar.id, i));
  placed.forEach((p, i) => {
    for (const lpar of p.vm.entry.vm.after ?? []) {
      const j = position.get(lpar);
      if (j !== undefined) g.dependOn(starts[i], verifies[j]);
    }
  });
}

/** Groups of the placed LPARs in order of first appearance, with their members' indexes in `placed`. */
function groupsOf(placed: readonly PlacedVm[]) {
  const out = new Map<string, { group: AffectedVm["entry"]["group"]; level: number; members: number[] }>();
  placed.forEach((p, i) => {
    const name = p.vm.entry.group.name;
    const g = out.get(name);
    if (g) {
      g.level = Math.max(g.level, p.vm.slaLevel);
      g.members.push(i);
    } else out.set(name, { group: p.vm.entry.group, level: p.vm.slaLevel, members: [i] });
  });
  return out;
}

/**
 * Parameters of a map, unmap, attach or detach step. One object literal per shape: a property
 * added to an object after its literal costs another allocation, for every volume step.
 */
export function volumeParams(volume: string, host: string, via: "vscsi" | "npiv", vios: string | undefined, flashCopyGroup?: string): StepParams {
  if (flashCopyGroup !== undefined) return vios !== undefined ? { volume, host, via, vios, flashCopyGroup } : { volume, host, via, flashCopyGroup };
  return vios !== undefined ? { volume, host, via, vios } : { volume, host, via };
}

/** One volume to present to a host, as the step builders describe it. */
export interface VolumeStepSpec {
  readonly volume: string;
  /** Storage system holding `volume`. */
  readonly storageSystem: string;
  readonly host: string;
  readonly via: "vscsi" | "npiv";
  readonly vios: string | undefined;
  readonly dependsOn: readonly StepRef[];
  /** Drill: `volume` is a FlashCopy source; its copy in this group is the one presented. */
  readonly flashCopyGroup: string | undefined;
}

/**
 * Presents a volume to a host: the SAN host mapping (MapReplicaVolume, holding the storage
 * system) and, for vSCSI, the VIOS's mapping after it (AttachVirtualDisk, holding that VIOS), so
 * that the storage system's slot is free again while the VIOS works. Returns the last
 * step: the LPAR starts after it.
 */
export function addPresentSteps(g: StepGraph, scope: LparScope, s: VolumeStepSpec): StepRef {
  const params = volumeParams(s.volume, s.host, s.via, s.vios, s.flashCopyGroup);
  const map = g.addFor(scope, "MapReplicaVolume", stepId("MapReplicaVolume", scope.lpar, s.volume), params, g.holdsStorage(s.storageSystem), s.dependsOn);
  if (s.via !== "vscsi" || s.vios === undefined) return map;
  // The same parameters object: nothing edits a plan's steps (see Holds), and it is one object
  // fewer per volume for the garbage collector to copy.
  return g.addFor(scope, "AttachVirtualDisk", stepId("AttachVirtualDisk", scope.lpar, s.volume), params, g.holdsVios(s.host, s.vios), [map]);
}

export function hostDown(ctx: PlanningContext, host: string, failedHosts?: ReadonlySet<string>): boolean {
  return (failedHosts?.has(host) ?? false) || ctx.systems.get(host)?.state !== "Operating";
}

/**
 * Takes `mapping` of a volume on `storageSystem` away from its host: for vSCSI on a host that is
 * up, the VIOS's mapping first (DetachVirtualDisk, holding that VIOS), then the SAN host mapping
 * (UnmapSourceVolume, holding the storage system). A host that is down cannot answer for its
 * VIOS: only the SAN mapping is removed, which cuts it off. `idParts` follow the step kind in
 * both ids (the host only for a mapping an earlier recovery left behind). Both steps wait for
 * `how.dependsOn`; `how.bestEffort` lets both fail, `how.detachBestEffort` the detach. Returns
 * the unmap; none for a best-effort one on a storage system that is offline: that would only
 * fail after its time limit while holding the system's slot, so the graph records the mapping
 * as deferred cleanup instead.
 */
export function addUnmapSteps(
  g: StepGraph,
  scope: LparScope,
  idParts: readonly [lpar: string, volume: string, host?: string],
  storageSystem: string,
  mapping: HostMapping,
  down: boolean,
  how: { readonly dependsOn: readonly StepRef[]; readonly bestEffort: boolean; readonly detachBestEffort: boolean },
): StepRef | undefined {
  if (how.bestEffort && g.storageOffline(storageSystem)) {
    const reason = `storage system ${storageSystem} is offline: the mapping stays until \`vmr failback\` removes it`;
    g.deferred.push({ lpar: idParts[0], volume: mapping.volume, host: mapping.host, storageSystem, reason });
    return undefined;
  }
  const params = volumeParams(mapping.volume, mapping.host, mapping.via, mapping.vios);
  let dependsOn = how.dependsOn;
  if (!down && mapping.via === "vscsi" && mapping.vios !== undefined) {
    // The same parameters object, as in addPresentSteps.
    const detachId = stepId("DetachVirtualDisk", ...idParts);
    dependsOn = [g.addFor(scope, "DetachVirtualDisk", detachId, params, g.holdsVios(mapping.host, mapping.vios), dependsOn, how.bestEffort || how.detachBestEffort)];
  }
  return g.addFor(scope, "UnmapSourceVolume", stepId("UnmapSourceVolume", ...idParts), params, g.holdsStorage(storageSystem), dependsOn, how.bestEffort);
}
