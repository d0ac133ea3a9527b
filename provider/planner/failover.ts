// Steps of an unplanned failover: the sources are down.
//   FenceSourceLpar -> UnmapSourceVolume -> MapReplicaVolume -> RestartLpar -> VerifyLpar
//   FenceSourceLpar(s) -> FailoverConsistencyGroup -> MapReplicaVolume   (replica at another site)
// The same volume is unmapped from the failed host before it is mapped to the target (the
// split-brain guard of PowerVC). A replica is mapped once its consistency group failed over,
// which happens after every LPAR writing to it is fenced; unmapping the old volume is then best
// effort (its storage may be lost with the site).

import type { PlanningContext } from "./context";
import { addPostHooks, addPresentSteps, addPreHooks, addUnmapSteps, afterDependencies, hmcOf, hostDown, stepId, type PlacedVm } from "./placed";
import { bystandersOf, staleMappings } from "./storage";
import { hmcKey, storageKey, systemKey, type StepGraph } from "./steps";

const DETACH_BEST_EFFORT = { detachBestEffort: true } as const;

function storageSystemOf(ctx: PlanningContext, volume: string, fallback: string): string {
  return ctx.volumes.get(volume)?.storageSystem ?? fallback;
}

export function addFailoverSteps(ctx: PlanningContext, g: StepGraph, placed: readonly PlacedVm[], failedHosts: ReadonlySet<string>, warnings: string[]): void {
  const hooks = addPreHooks(g, placed);
  const placedIds = new Set(placed.map((p) => p.vm.lpar.id));
  const verifyId = (lpar: string): string => stepId("VerifyLpar", lpar);
  const fenceId = (lpar: string): string => stepId("FenceSourceLpar", lpar);

  // Consistency groups to fail over, each once, after all their writers are fenced.
  const writers = new Map<string, { level: number; lpars: Set<string>; system: string }>();
  for (const p of placed) {
    for (const c of p.choices) {
      if (c.consistencyGroup === undefined) continue;
      const w = writers.get(c.consistencyGroup) ?? { level: -Infinity, lpars: new Set<string>(), system: c.attachSystem };
      w.level = Math.max(w.level, p.vm.slaLevel);
      w.lpars.add(p.vm.lpar.id);
      writers.set(c.consistencyGroup, w);
    }
  }
  for (const p of placed) {
    const lpar = p.vm.lpar.id;
    g.add({ id: fenceId(lpar), kind: "FenceSourceLpar", slaLevel: p.vm.slaLevel, lpar, group: p.vm.entry.group.name, params: { host: p.vm.source } });
  }
  for (const cg of [...writers.keys()].sort()) {
    const w = writers.get(cg) as { level: number; lpars: Set<string>; system: string };
    g.add({
      id: stepId("FailoverConsistencyGroup", cg),
      kind: "FailoverConsistencyGroup",
      slaLevel: w.level,
      params: { consistencyGroup: cg, storageSystem: w.system },
      resources: [storageKey(w.system)],
      dependsOn: [...w.lpars].map(fenceId),
    });
    const stillRunning = bystandersOf(ctx, cg, placedIds).filter((l) => {
      const at = ctx.lpars.get(l);
      return at !== undefined && !failedHosts.has(at.host) && at.state === "Running";
    });
    if (stillRunning.length > 0) {
      warnings.push(
        `failing over consistency group ${JSON.stringify(cg)} stops its replication for LPARs that keep running at the source: ${stillRunning.slice(0, 5).join(", ")}${stillRunning.length > 5 ? ", ..." : ""}`,
      );
    }
  }
  for (const p of placed) {
    const lpar = p.vm.lpar.id;
    const group = p.vm.entry.group.name;
    const level = p.vm.slaLevel;
    // One id string per LPAR, not one per use: the graph hashes every dependency it resolves.
    const fence = fenceId(lpar);
    const sourceDown = hostDown(ctx, p.vm.source);
    // The restart waits for the maps, and through them for every unmap that must succeed.
    const maps: string[] = [];
    for (let i = 0; i < p.choices.length; i++) {
      const c = p.choices[i];
      const action = p.actions[i];
      const replica = c.consistencyGroup !== undefined;
      // Unmapping the attached volume elsewhere must succeed (its storage is the one mapped
      // now); the other side of a replicated pair may be lost with its site: best effort.
      const dependsOn = [fence];
      if (c.sourceMapping) {
        const base = { slaLevel: level, lpar, group, bestEffort: replica, dependsOn: [fence] };
        const unmap = addUnmapSteps(g, [lpar, c.source], base, storageSystemOf(ctx, c.source, c.attachSystem), c.sourceMapping, sourceDown, DETACH_BEST_EFFORT);
        if (!replica) dependsOn.push(unmap);
      }
      for (const m of staleMappings(ctx, lpar, c, p.vm.source, p.target)) {
        const ofAttach = m.volume === c.attach;
        const base = { slaLevel: level, lpar, group, bestEffort: !ofAttach, dependsOn: [fence] };
        const unmap = addUnmapSteps(g, [lpar, m.volume, m.host], base, storageSystemOf(ctx, m.volume, c.attachSystem), m, hostDown(ctx, m.host), DETACH_BEST_EFFORT);
        if (ofAttach) dependsOn.push(unmap);
      }
      if (replica) dependsOn.push(stepId("FailoverConsistencyGroup", c.consistencyGroup as string));
      maps.push(
        addPresentSteps(g, { lpar, group, slaLevel: level, volume: c.attach, storageSystem: c.attachSystem, host: p.target, via: action.via, vios: action.vios, dependsOn }),
      );
    }
    const pre = hooks.lastPre.get(group);
    const restart = g.add({
      id: stepId("RestartLpar", lpar),
      kind: "RestartLpar",
      slaLevel: level,
      lpar,
      group,
      params: { source: p.vm.source, target: p.target, volumes: p.actions.map((a) => a.attach) },
      resources: [hmcKey(hmcOf(ctx, p.target)), systemKey(p.target)],
      dependsOn: [fence, ...maps, ...(pre ? [pre] : []), ...afterDependencies(p.vm, placedIds, verifyId)],
    });
    g.add({ id: verifyId(lpar), kind: "VerifyLpar", slaLevel: level, lpar, group, params: { target: p.target }, dependsOn: [restart] });
  }
  addPostHooks(g, placed, verifyId);
}
