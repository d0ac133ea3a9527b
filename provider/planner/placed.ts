// A placed LPAR as the step builders see it, and the pieces every plan kind shares: hooks and
// the `after` dependencies between LPARs.

import type { VolumeAction } from "../generated/plan";
import type { AffectedVm } from "./affected";
import type { PlanningContext } from "./context";
import { storageKey, viosKey, type StepGraph, type StepSpec } from "./steps";
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

export function stepId(kind: string, a: string, b?: string, c?: string, d?: string): string {
  let id = `${kind}:${a}`;
  if (b !== undefined) id += `:${b}`;
  if (c !== undefined) id += `:${c}`;
  if (d !== undefined) id += `:${d}`;
  return id;
}

export function hmcOf(ctx: PlanningContext, system: string): string {
  return ctx.systems.get(system)?.hmc ?? "unknown";
}

export interface Hooks {
  /** The last pre hook of each group, which the group's first steps wait for. */
  readonly lastPre: ReadonlyMap<string, string>;
}

/** Pre hooks of every group with placed LPARs, one after another. */
export function addPreHooks(g: StepGraph, placed: readonly PlacedVm[]): Hooks {
  const lastPre = new Map<string, string>();
  for (const [name, { group, level }] of groupsOf(placed)) {
    let previous: string | undefined;
    (group.hooks?.pre ?? []).forEach((hook, i) => {
      previous = g.add({
        id: stepId("RunHook", name, "pre", String(i)),
        kind: "RunHook",
        slaLevel: level,
        group: name,
        phase: "pre",
        params: { hook: "pre", command: [...hook.command], timeoutSeconds: hook.timeoutSeconds ?? 300 },
        dependsOn: previous ? [previous] : [],
      });
    });
    if (previous) lastPre.set(name, previous);
  }
  return { lastPre };
}

/** Post hooks of every group, after all of the group's LPARs are verified. */
export function addPostHooks(g: StepGraph, placed: readonly PlacedVm[], verifyId: (lpar: string) => string): void {
  for (const [name, { group, level, lpars }] of groupsOf(placed)) {
    let previous: string | undefined;
    (group.hooks?.post ?? []).forEach((hook, i) => {
      previous = g.add({
        id: stepId("RunHook", name, "post", String(i)),
        kind: "RunHook",
        slaLevel: level,
        group: name,
        phase: "post",
        params: { hook: "post", command: [...hook.command], timeoutSeconds: hook.timeoutSeconds ?? 300 },
        dependsOn: previous ? [previous] : lpars.map(verifyId),
      });
    });
  }
}

/** The Verify steps of the LPARs this one waits for, among those the plan starts. */
export function afterDependencies(vm: AffectedVm, placedIds: ReadonlySet<string>, verifyId: (lpar: string) => string): string[] {
  return (vm.entry.vm.after ?? []).filter((l) => placedIds.has(l)).map(verifyId);
}

function groupsOf(placed: readonly PlacedVm[]) {
  const out = new Map<string, { group: AffectedVm["entry"]["group"]; level: number; lpars: string[] }>();
  for (const p of placed) {
    const name = p.vm.entry.group.name;
    const g = out.get(name);
    if (g) {
      g.level = Math.max(g.level, p.vm.slaLevel);
      g.lpars.push(p.vm.lpar.id);
    } else out.set(name, { group: p.vm.entry.group, level: p.vm.slaLevel, lpars: [p.vm.lpar.id] });
  }
  return out;
}

/** Parameters of a map or unmap step. */
export function volumeParams(volume: string, host: string, via: "vscsi" | "npiv", vios: string | undefined): StepParams {
  const params: StepParams = { volume, host, via };
  if (vios !== undefined) params.vios = vios;
  return params;
}

/** A map or unmap holds its storage system and, for vSCSI, the VIOS that applies it. */
export function volumeResources(storageSystem: string, host: string, via: "vscsi" | "npiv", vios: string | undefined): string[] {
  return via === "vscsi" && vios !== undefined ? [storageKey(storageSystem), viosKey(host, vios)] : [storageKey(storageSystem)];
}

/** A host whose VIOS cannot answer: failed in this plan, or not Operating in the inventory. */
export function hostDown(ctx: PlanningContext, host: string, failedHosts?: ReadonlySet<string>): boolean {
  return (failedHosts?.has(host) ?? false) || ctx.systems.get(host)?.state !== "Operating";
}

/**
 * An UnmapSourceVolume step removing `mapping` of a volume on `storageSystem`. As the storage
 * does it: the VIOS removes the device first when the host is up (holding its VIOS); on a host
 * that is down only the SAN side of the mapping is removed, without the VIOS and its time.
 */
export function unmapStep(
  id: string,
  base: { slaLevel: number; lpar: string; group: string; bestEffort?: boolean; dependsOn: string[] },
  storageSystem: string,
  mapping: HostMapping,
  down: boolean,
): StepSpec {
  const vios = down ? undefined : mapping.vios;
  return {
    id,
    kind: "UnmapSourceVolume",
    ...base,
    params: volumeParams(mapping.volume, mapping.host, mapping.via, mapping.vios),
    resources: volumeResources(storageSystem, mapping.host, mapping.via, vios),
    ...(down && mapping.via === "vscsi" ? { viosSkipped: true } : {}),
  };
}
