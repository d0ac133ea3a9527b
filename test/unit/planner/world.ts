// Small hand-sized datacenters for planner tests: described in a few numbers, built into a
// protection model and an inventory with every field filled as the validator would leave it.

import type { Inventory } from "../../../provider/planner";
import type { HostMapping, ResolvedConsistencyGroup, ResolvedLpar, ResolvedManagedSystem, Volume } from "../../../provider/model";
import type { FlexibleCapacitySpec, ProtectionGroupSpec, ProtectionModel, StorageMappingSpec } from "../../../provider/model/protection";

export interface HostSpec {
  readonly site: "A" | "B";
  readonly pu: number;
  readonly mem: number;
  readonly state?: ResolvedManagedSystem["state"];
  readonly vioses?: string[];
}

export interface VmSpec {
  readonly host: number;
  readonly pu: number;
  readonly mem: number;
  readonly level: number;
  /** Group index. @default 0 */
  readonly group?: number;
  /** Indexes of VMs it waits for. */
  readonly after?: readonly number[];
  /** @default 2 */
  readonly volumes?: number;
  readonly via?: "vscsi" | "npiv";
  readonly capable?: boolean;
  /** Runs there but is not protected. */
  readonly unprotected?: boolean;
  /** Its minimum (flexible capacity never starts it below). @default its size */
  readonly min?: { readonly pu: number; readonly mem: number };
}

export interface WorldSpec {
  readonly hosts: readonly HostSpec[];
  readonly vms: readonly VmSpec[];
  /** Sets of VM indexes that must not share a system (each inside one group). */
  readonly antiAffinity?: readonly (readonly number[])[];
  readonly reserve?: { processorUnits: number; memoryGb: number };
  readonly maxConcurrentRestarts?: number;
  readonly rtoBudgetSeconds?: number;
  /** Systems the target allows (host indexes). @default all */
  readonly allowed?: readonly number[];
  readonly groups?: number;
  /** Flexible capacity of every group. @default none */
  readonly flexible?: FlexibleCapacitySpec;
}

export const hostId = (i: number): string => `sys${i}`;
export const lparId = (i: number): string => `lpar${i}`;

export function buildWorld(spec: WorldSpec): { model: ProtectionModel; inventory: Inventory } {
  const managedSystems: ResolvedManagedSystem[] = spec.hosts.map((h, i) => ({
    id: hostId(i),
    name: hostId(i),
    site: h.site,
    hmc: `hmc-${h.site}`,
    processorUnits: h.pu,
    memoryGb: h.mem,
    state: h.state ?? "Operating",
    maxRemoteRestarts: 4,
    vioses: (h.vioses && h.vioses.length > 0 ? h.vioses : ["vios1", "vios2"]) as [string, ...string[]],
  }));
  const volumes: Volume[] = [];
  const hostMappings: HostMapping[] = [];
  const groupsCount = spec.groups ?? Math.max(1, ...spec.vms.map((v) => (v.group ?? 0) + 1));
  const pairs: { source: string; replica: string }[][] = Array.from({ length: groupsCount }, () => []);
  const lpars: ResolvedLpar[] = spec.vms.map((vm, i) => {
    const site = spec.hosts[vm.host].site;
    const other = site === "A" ? "B" : "A";
    const vols: string[] = [];
    for (let k = 0; k < (vm.volumes ?? 2); k++) {
      const v = `v${i}-${k}`;
      const r = `r${i}-${k}`;
      volumes.push({ id: v, name: v, storageSystem: `svc-${site}`, capacityGb: 10 });
      volumes.push({ id: r, name: r, storageSystem: `svc-${other}`, capacityGb: 10 });
      hostMappings.push(
        vm.via === "npiv" ? { volume: v, host: hostId(vm.host), via: "npiv" } : { volume: v, host: hostId(vm.host), via: "vscsi", vios: k % 2 ? "vios2" : "vios1" },
      );
      if (!vm.unprotected) pairs[vm.group ?? 0].push({ source: v, replica: r });
      vols.push(v);
    }
    return {
      id: lparId(i),
      name: `vm ${i}`,
      host: hostId(vm.host),
      processorUnits: vm.pu,
      memoryGb: vm.mem,
      slaLevel: vm.level,
      remoteRestartCapable: vm.capable ?? true,
      volumes: vols,
      state: "Running",
      network: "production",
      ...(vm.min ? { minimum: { processorUnits: vm.min.pu, memoryGb: vm.min.mem } } : {}),
    };
  });
  const consistencyGroups: ResolvedConsistencyGroup[] = pairs.map((ps, g) => ({
    id: `cg${g}`,
    name: `cg${g}`,
    masterSystem: "svc-A",
    auxSystem: "svc-B",
    mode: "sync",
    state: "consistent_synchronized",
    primary: "master",
    auxWritable: false,
    lagSeconds: 0,
    pairs: ps.map((p) => (p.source.startsWith("v") && volumes.find((v) => v.id === p.source)?.storageSystem === "svc-A" ? { master: p.source, aux: p.replica } : { master: p.replica, aux: p.source })),
  }));
  const storageMappings: StorageMappingSpec[] = pairs.map((ps, g) => ({
    name: `sm${g}`,
    consistencyGroup: `cg${g}`,
    pairs: ps,
    presentation: { via: "vscsi" },
    mode: "sync",
  }));
  const groups: ProtectionGroupSpec[] = pairs.map((_, g) => ({
    name: `pg${g}`,
    slaLevel: 1,
    vms: spec.vms
      .map((vm, i) => ({ vm, i }))
      .filter(({ vm }) => (vm.group ?? 0) === g && !vm.unprotected)
      .map(({ vm, i }) => ({ lpar: lparId(i), slaLevel: vm.level, ...(vm.after && vm.after.length > 0 ? { after: vm.after.map(lparId) } : {}) })),
    antiAffinity: (spec.antiAffinity ?? []).filter((set) => (spec.vms[set[0]].group ?? 0) === g).map((set) => set.map(lparId)),
    ...(spec.rtoBudgetSeconds !== undefined ? { rtoBudgetSeconds: spec.rtoBudgetSeconds } : {}),
    recoveryTarget: "dr",
    storageMappings: [`sm${g}`],
    ...(spec.flexible ? { flexibleCapacity: spec.flexible } : {}),
  }));
  const model: ProtectionModel = {
    stack: "test",
    groups,
    targets: [
      {
        name: "dr",
        site: "B",
        systems: (spec.allowed ?? spec.hosts.map((_, i) => i)).map(hostId),
        reserve: spec.reserve ?? { processorUnits: 0, memoryGb: 0 },
        ...(spec.maxConcurrentRestarts !== undefined ? { maxConcurrentRestarts: spec.maxConcurrentRestarts } : {}),
        adapter: { type: "simulator" },
      },
    ],
    storageMappings,
  };
  return {
    model,
    inventory: {
      compute: { hmcs: [{ name: "hmc-A", site: "A", maxConcurrentJobs: 8 }, { name: "hmc-B", site: "B", maxConcurrentJobs: 8 }], managedSystems, lpars },
      storage: {
        storageSystems: [
          { id: "svc-A", name: "svc-A", site: "A", maxConcurrentConfigOps: 1 },
          { id: "svc-B", name: "svc-B", site: "B", maxConcurrentConfigOps: 2 },
        ],
        volumes,
        hostMappings,
        consistencyGroups,
        flashCopyGroups: [],
      },
    },
  };
}
