// Indexes the protection model and the live inventory once, so that many plans (the N-1 check
// makes one per host and per site) each cost in proportion to the LPARs they move, not to the
// size of the datacenter. Also checks the cross-references of the model: every failure is
// reported together, naming the field.

import { ValidationError, type ValidationIssue } from "../errors";
import type {
  Hmc,
  HostMapping,
  ResolvedConsistencyGroup,
  ResolvedLpar,
  ResolvedManagedSystem,
  ResolvedStorageSystem,
  Volume,
} from "../model";
import { resolveLatencies, type LatencyTable } from "../model/latency";
import type {
  ProtectedVm,
  ProtectionGroupSpec,
  ProtectionModel,
  RecoveryTargetSpec,
  StorageMappingSpec,
  VmHome,
} from "../model/protection";
import type { Inventory, PlanOptions, SlaMode } from "./types";

/** A protected LPAR with everything the model says about it. */
export interface ProtectedEntry {
  readonly lpar: string;
  readonly vm: ProtectedVm;
  readonly group: ProtectionGroupSpec;
  readonly groupIndex: number;
  readonly vmIndex: number;
  readonly target: RecoveryTargetSpec;
  /** The VM's own level: its override or its group's. */
  readonly slaLevel: number;
  /** Index into PlanningContext.antiAffinitySets. */
  readonly antiAffinity: readonly number[];
}

/** One side of a replicated pair, seen from the volume an LPAR uses now. */
export interface Counterpart {
  readonly volume: string;
  readonly consistencyGroup: string;
  readonly via: "vscsi" | "npiv";
}

export interface ResolvedOptions {
  readonly latencies: LatencyTable;
  readonly slaMode: SlaMode;
  readonly limits: Readonly<Record<string, number>>;
  readonly hookEstimateSeconds: number;
  readonly requireRemoteRestartCapable: boolean;
  readonly drillNetwork: string;
  readonly drillStopsNonCritical: boolean;
  readonly stoppedNonCritical?: ReadonlySet<string>;
}

export interface PlanningContext {
  readonly model: ProtectionModel;
  readonly options: ResolvedOptions;
  readonly hmcs: ReadonlyMap<string, Hmc>;
  readonly systems: ReadonlyMap<string, ResolvedManagedSystem>;
  /** Managed system ids in id order. */
  readonly systemIds: readonly string[];
  readonly lpars: ReadonlyMap<string, ResolvedLpar>;
  readonly volumes: ReadonlyMap<string, Volume>;
  readonly storageSystems: ReadonlyMap<string, ResolvedStorageSystem>;
  readonly consistencyGroups: ReadonlyMap<string, ResolvedConsistencyGroup>;
  readonly mappingsByVolume: ReadonlyMap<string, readonly HostMapping[]>;
  /** LPAR ids using each volume. */
  readonly lparsByVolume: ReadonlyMap<string, readonly string[]>;
  /** Processor units and memory of the LPARs running on each system now. */
  readonly used: ReadonlyMap<string, { pu: number; mem: number }>;
  readonly targets: ReadonlyMap<string, RecoveryTargetSpec>;
  readonly storageMappings: ReadonlyMap<string, StorageMappingSpec>;
  /** Protected LPARs in model order (group, then VM). */
  readonly protectedVms: readonly ProtectedEntry[];
  readonly byLpar: ReadonlyMap<string, ProtectedEntry>;
  readonly antiAffinitySets: readonly (readonly string[])[];
  /** Remote restarts each system accepts at once as a target (the targets' override, else the system's). */
  readonly restartLimits: ReadonlyMap<string, number>;
  /** Per group name: volume id -> the other side of its pair, in either direction. */
  readonly counterparts: ReadonlyMap<string, ReadonlyMap<string, Counterpart>>;
  /** Per protected LPAR: its home as the stack recorded it (its group's `homes`), when it has one. */
  readonly homes: ReadonlyMap<string, VmHome>;
}

/** LPAR states that hold capacity on their system. */
export const HOLDS_CAPACITY: ReadonlySet<string> = new Set(["Running", "Starting", "Shutting Down"]);

export function resolveOptions(options: PlanOptions = {}): ResolvedOptions {
  return {
    latencies: resolveLatencies({ ...(options.latencies ?? {}) }),
    slaMode: options.slaMode ?? "strict",
    limits: options.limits ?? {},
    hookEstimateSeconds: options.hookEstimateSeconds ?? 10,
    requireRemoteRestartCapable: options.requireRemoteRestartCapable ?? true,
    drillNetwork: options.drillNetwork ?? "vmr-drill",
    drillStopsNonCritical: options.drillStopsNonCritical ?? false,
    ...(options.stoppedNonCritical !== undefined ? { stoppedNonCritical: new Set(options.stoppedNonCritical) } : {}),
  };
}

function byId<T>(items: readonly T[], key: (t: T) => string): Map<string, T> {
  const map = new Map<string, T>();
  for (const item of items) map.set(key(item), item);
  return map;
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** Builds the indexes; throws a ValidationError listing every broken reference of the model. */
export function buildContext(model: ProtectionModel, inventory: Inventory, options: PlanOptions = {}): PlanningContext {
  const { compute, storage } = inventory;
  const systems = byId(compute.managedSystems, (s) => s.id);
  const lpars = byId(compute.lpars, (l) => l.id);
  const used = new Map<string, { pu: number; mem: number }>();
  const lparsByVolume = new Map<string, string[]>();
  for (const lpar of compute.lpars) {
    for (const v of lpar.volumes) push(lparsByVolume, v, lpar.id);
    if (!HOLDS_CAPACITY.has(lpar.state)) continue;
    const u = used.get(lpar.host) ?? { pu: 0, mem: 0 };
    // Started below its size (flexible capacity): it holds what it was started with.
    u.pu += lpar.allocated?.processorUnits ?? lpar.processorUnits;
    u.mem += lpar.allocated?.memoryGb ?? lpar.memoryGb;
    used.set(lpar.host, u);
  }
  const mappingsByVolume = new Map<string, HostMapping[]>();
  for (const m of storage.hostMappings) push(mappingsByVolume, m.volume, m);

  const issues: ValidationIssue[] = [];
  const targets = byId(model.targets, (t) => t.name);
  const storageMappings = byId(model.storageMappings, (m) => m.name);
  const protectedVms: ProtectedEntry[] = [];
  const byLpar = new Map<string, ProtectedEntry>();
  const antiAffinitySets: string[][] = [];
  const counterparts = new Map<string, Map<string, Counterpart>>();

  model.groups.forEach((group, gi) => {
    const target = targets.get(group.recoveryTarget);
    if (!target) {
      issues.push({
        path: `groups[${gi}].recoveryTarget`,
        message: `\`groups[${gi}].recoveryTarget\` of group ${JSON.stringify(group.name)} names ${JSON.stringify(group.recoveryTarget)}, which is not a RecoveryTarget; use one of ${[...targets.keys()].map((k) => JSON.stringify(k)).join(", ") || "(none declared)"}`,
      });
    }
    const sides = new Map<string, Counterpart>();
    group.storageMappings.forEach((name, mi) => {
      const mapping = storageMappings.get(name);
      if (!mapping) {
        issues.push({
          path: `groups[${gi}].storageMappings[${mi}]`,
          message: `\`groups[${gi}].storageMappings[${mi}]\` names ${JSON.stringify(name)}, which is not a StorageMapping: declare it or remove the name`,
        });
        return;
      }
      const via = mapping.presentation.via;
      for (const pair of mapping.pairs) {
        sides.set(pair.source, { volume: pair.replica, consistencyGroup: mapping.consistencyGroup, via });
        sides.set(pair.replica, { volume: pair.source, consistencyGroup: mapping.consistencyGroup, via });
      }
    });
    counterparts.set(group.name, sides);
    const sets: number[][] = group.vms.map(() => []);
    const indexInGroup = new Map(group.vms.map((vm, i) => [vm.lpar, i]));
    group.antiAffinity.forEach((set, si) => {
      set.forEach((lpar, k) => {
        const i = indexInGroup.get(lpar);
        if (i === undefined) {
          issues.push({
            path: `groups[${gi}].antiAffinity[${si}][${k}]`,
            message: `\`groups[${gi}].antiAffinity[${si}][${k}]\` names LPAR ${JSON.stringify(lpar)}, which is not a VM of group ${JSON.stringify(group.name)}: anti-affinity sets list the group's own VMs`,
          });
        } else sets[i].push(antiAffinitySets.length);
      });
      antiAffinitySets.push([...set]);
    });
    group.vms.forEach((vm, vi) => {
      const previous = byLpar.get(vm.lpar);
      if (previous) {
        issues.push({
          path: `groups[${gi}].vms[${vi}].lpar`,
          message: `\`groups[${gi}].vms[${vi}].lpar\` ${JSON.stringify(vm.lpar)} is already protected by group ${JSON.stringify(previous.group.name)}: an LPAR belongs to one group`,
        });
        return;
      }
      if (!target) return;
      const entry: ProtectedEntry = {
        lpar: vm.lpar,
        vm,
        group,
        groupIndex: gi,
        vmIndex: vi,
        target,
        slaLevel: vm.slaLevel ?? group.slaLevel,
        antiAffinity: sets[vi],
      };
      protectedVms.push(entry);
      byLpar.set(vm.lpar, entry);
    });
  });
  for (const entry of protectedVms) {
    (entry.vm.after ?? []).forEach((dep, k) => {
      const path = `groups[${entry.groupIndex}].vms[${entry.vmIndex}].after[${k}]`;
      if (dep === entry.lpar) issues.push({ path, message: `\`${path}\`: LPAR ${JSON.stringify(dep)} cannot wait for itself: remove it` });
      else if (!byLpar.has(dep)) {
        issues.push({
          path,
          message: `\`${path}\` names LPAR ${JSON.stringify(dep)}, which no ProtectionGroup protects: protect it or remove the dependency`,
        });
      }
    });
  }
  if (issues.length === 0) issues.push(...dependencyCycles(protectedVms, byLpar));
  // A group records homes of its own VMs only: a record left by a VM's former group is not its home.
  const homes = new Map<string, VmHome>();
  for (const group of model.groups) for (const h of group.homes ?? []) if (byLpar.get(h.lpar)?.group === group) homes.set(h.lpar, h);
  if (issues.length > 0) throw new ValidationError("protection model", issues);

  return {
    model,
    options: resolveOptions(options),
    hmcs: byId(compute.hmcs, (h) => h.name),
    systems,
    systemIds: [...systems.keys()].sort(),
    lpars,
    volumes: byId(storage.volumes, (v) => v.id),
    storageSystems: byId(storage.storageSystems, (s) => s.id),
    consistencyGroups: byId(storage.consistencyGroups, (c) => c.id),
    mappingsByVolume,
    lparsByVolume,
    used,
    targets,
    storageMappings,
    protectedVms,
    byLpar,
    antiAffinitySets,
    counterparts,
    homes,
    restartLimits: restartLimits(model.targets, compute.managedSystems),
  };
}

function restartLimits(targets: readonly RecoveryTargetSpec[], systems: readonly ResolvedManagedSystem[]): Map<string, number> {
  const limits = new Map(systems.map((s) => [s.id, s.maxRemoteRestarts]));
  const overridden = new Set<string>();
  for (const t of targets) {
    if (t.maxConcurrentRestarts === undefined) continue;
    for (const id of t.systems) {
      // Two targets sharing a system: the stricter limit holds.
      const current = overridden.has(id) ? (limits.get(id) as number) : Infinity;
      limits.set(id, Math.min(current, t.maxConcurrentRestarts));
      overridden.add(id);
    }
  }
  return limits;
}

/** One issue per dependency cycle among `after` declarations, naming its VMs in order. */
function dependencyCycles(entries: readonly ProtectedEntry[], byLpar: ReadonlyMap<string, ProtectedEntry>): ValidationIssue[] {
  const WHITE = 0;
  const GREY = 1;
  const BLACK = 2;
  const colour = new Map<string, number>();
  const issues: ValidationIssue[] = [];
  for (const start of entries) {
    if ((colour.get(start.lpar) ?? WHITE) !== WHITE) continue;
    // Iterative depth-first search: dependency chains can be long.
    const stack: { lpar: string; next: number }[] = [{ lpar: start.lpar, next: 0 }];
    colour.set(start.lpar, GREY);
    while (stack.length > 0) {
      const top = stack[stack.length - 1];
      const deps = byLpar.get(top.lpar)?.vm.after ?? [];
      if (top.next >= deps.length) {
        colour.set(top.lpar, BLACK);
        stack.pop();
        continue;
      }
      const dep = deps[top.next++];
      const c = colour.get(dep) ?? WHITE;
      if (c === WHITE) {
        colour.set(dep, GREY);
        stack.push({ lpar: dep, next: 0 });
      } else if (c === GREY) {
        const from = stack.findIndex((f) => f.lpar === dep);
        const cycle = [...stack.slice(from).map((f) => f.lpar), dep];
        const entry = byLpar.get(top.lpar) as ProtectedEntry;
        const path = `groups[${entry.groupIndex}].vms[${entry.vmIndex}].after`;
        issues.push({
          path,
          message: `\`${path}\` closes a dependency cycle ${cycle.map((l) => JSON.stringify(l)).join(" -> ")}: no order can satisfy it; remove one of these \`after\` entries`,
        });
      }
    }
  }
  return issues;
}
