// A small simulated datacenter (the simulator's `small` preset: 2 sites x 3 systems x 4 LPARs,
// each LPAR's 2 LUNs replicated to site B) and a protection model declaring site A's LPARs in
// three groups by SLA level, recovering to site B.

import { presetTopology } from "../../../provider/adapters/simulator/presets";
import type { ResolvedTopology } from "../../../provider/model";
import { dynamicToken } from "../../../provider/tokens";
import type { ProtectionGroupSpec, ProtectionModel, StorageMappingSpec } from "../../../provider/model/protection";

export const GROUPS: Readonly<Record<number, string>> = { 3: "databases", 2: "apps", 1: "web" };

export function smallWorld(budgets: Partial<Record<string, number>> = { databases: 3600, apps: 5400, web: 7200 }): { topology: ResolvedTopology; model: ProtectionModel } {
  const topology = presetTopology("small");
  const siteA = new Set(topology.managedSystems.filter((m) => m.site === "site-a").map((m) => m.id));
  const protectedLpars = topology.lpars.filter((l) => siteA.has(l.host));
  const storageMappings: StorageMappingSpec[] = topology.consistencyGroups
    .filter((cg) => protectedLpars.some((l) => l.volumes.includes(cg.pairs[0].master)))
    .map((cg) => ({
      name: `sm-${cg.id}`,
      consistencyGroup: cg.id,
      pairs: cg.pairs.map((p) => ({ source: p.master, replica: p.aux })),
      presentation: { via: "vscsi" as const },
      mode: cg.mode,
    }));
  const mappingOf = (lparVolumes: readonly string[]): string[] =>
    storageMappings.filter((m) => m.pairs.some((p) => lparVolumes.includes(p.source))).map((m) => m.name);
  const groups: ProtectionGroupSpec[] = Object.entries(GROUPS)
    .map(([level, name]) => {
      const lpars = protectedLpars.filter((l) => l.slaLevel === Number(level));
      return {
        name,
        slaLevel: Number(level),
        vms: lpars.map((l) => ({ lpar: l.id })),
        antiAffinity: [],
        recoveryTarget: "site-b",
        storageMappings: lpars.flatMap((l) => mappingOf(l.volumes)),
        ...(budgets[name] !== undefined ? { rtoBudgetSeconds: budgets[name] } : {}),
      };
    })
    .filter((g) => g.vms.length > 0);
  const model: ProtectionModel = {
    stack: "drill-test",
    groups,
    targets: [
      {
        name: "site-b",
        site: "site-b",
        systems: topology.managedSystems.filter((m) => m.site === "site-b").map((m) => m.id),
        reserve: { processorUnits: 0, memoryGb: 0 },
        adapter: { type: "simulator" },
      },
    ],
    storageMappings,
  };
  return { topology, model };
}

/** The model as `pulumi stack export --show-secrets` would hold it (dynamic-resource tokens). */
export function stackExportOf(model: ProtectionModel, stack = "drill-test", project = "basic"): object {
  const resource = (kind: "ProtectionGroup" | "RecoveryTarget" | "StorageMapping", name: string, outputs: object) => ({
    urn: `urn:pulumi:${stack}::${project}::${dynamicToken(kind)}::${name}`,
    custom: true,
    id: name,
    type: dynamicToken(kind),
    outputs,
  });
  return {
    version: 3,
    deployment: {
      resources: [
        ...model.targets.map((t) => resource("RecoveryTarget", t.name, t)),
        ...model.storageMappings.map((m) => resource("StorageMapping", m.name, m)),
        ...model.groups.map((g) => resource("ProtectionGroup", g.name, g)),
      ],
    },
  };
}
