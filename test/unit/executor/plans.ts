// Small hand-made plans for executor tests: a step builder and a plan wrapper, so each test states
// only what it is about.

import type { Placement, Plan, Step } from "../../../provider/generated/plan";

export function step(id: string, fields: Partial<Step> = {}): Step {
  return { id, kind: "RunHook", dependsOn: [], resources: [], estimateSeconds: 1, slaLevel: 1, ...fields };
}

export function plan(steps: Step[], fields: Partial<Plan> = {}): Plan {
  return {
    version: 1,
    kind: "failover",
    failure: { failedHosts: [] },
    placements: [],
    steps,
    resources: {},
    groups: [],
    estimate: { makespanSeconds: 0, lowerBoundSeconds: 0, criticalPathSeconds: 0 },
    ...fields,
  };
}

/** The steps of one LPAR's unplanned failover, in the order the planner makes them. */
export function lparFailoverSteps(p: Placement, options: { slaLevel?: number; viosLimitKey?: boolean } = {}): Step[] {
  const level = options.slaLevel ?? p.slaLevel;
  const base = { lpar: p.lpar, group: p.group, slaLevel: level };
  const fence = step(`fence:${p.lpar}`, { ...base, kind: "FenceSourceLpar", resources: [`system:${p.source}`] });
  const unmaps = p.volumes.map((v) =>
    step(`unmap:${p.lpar}:${v.source}`, { ...base, kind: "UnmapSourceVolume", params: { volume: v.source, host: p.source }, dependsOn: [fence.id] }),
  );
  // The SAN map holds nothing here (tests set no storage limit); a vSCSI disk's VIOS attach follows it.
  const maps = p.volumes.map((v, i) => {
    const params = { volume: v.attach, host: p.target!, via: v.via, ...(v.vios ? { vios: v.vios } : {}) };
    const map = step(`map:${p.lpar}:${v.attach}`, { ...base, kind: "MapReplicaVolume", params, dependsOn: [unmaps[i].id] });
    if (v.via !== "vscsi" || !v.vios) return [map];
    const attach = step(`attach:${p.lpar}:${v.attach}`, {
      ...base,
      kind: "AttachVirtualDisk",
      params,
      dependsOn: [map.id],
      resources: options.viosLimitKey !== false ? [`vios:${p.target}/${v.vios}`] : [],
    });
    return [map, attach];
  });
  const restart = step(`restart:${p.lpar}`, {
    ...base,
    kind: "RestartLpar",
    params: { target: p.target!, volumes: p.volumes.map((v) => v.attach) },
    dependsOn: [fence.id, ...maps.map((m) => m[m.length - 1].id)],
    resources: [`system:${p.target}`],
  });
  const verify = step(`verify:${p.lpar}`, { ...base, kind: "VerifyLpar", dependsOn: [restart.id] });
  return [fence, ...unmaps, ...maps.flat(), restart, verify];
}

/**
 * A hand-made unplanned failover of every LPAR of `failedHost` onto the systems `targets` (round
 * robin), shared SAN (the same volumes are unmapped then mapped), in the planner's step shapes.
 */
export function hostFailoverPlan(
  topology: { lpars: readonly { id: string; name: string; host: string; slaLevel: number; volumes: readonly string[] }[] },
  failedHost: string,
  targets: readonly string[],
  fields: Partial<Plan> = {},
): Plan {
  const lpars = topology.lpars.filter((l) => l.host === failedHost);
  const placements: Placement[] = lpars.map((l, i) => ({
    lpar: l.id,
    name: l.name,
    group: "g1",
    slaLevel: l.slaLevel,
    source: failedHost,
    target: targets[i % targets.length],
    volumes: l.volumes.map((v) => ({ source: v, attach: v, via: "vscsi" as const, vios: "vios1" })),
  }));
  const steps = placements.flatMap((p) => lparFailoverSteps(p));
  const resources: Record<string, number> = {};
  for (const t of targets) {
    resources[`system:${t}`] = 32;
    resources[`vios:${t}/vios1`] = 1;
  }
  resources[`system:${failedHost}`] = 32;
  return plan(steps, { placements, resources, failure: { failedHosts: [failedHost] }, ...fields });
}
