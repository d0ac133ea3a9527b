// Steps of an unplanned failover: the sources are down.
//   FenceSourceLpar -> UnmapSourceVolume -> MapReplicaVolume -> RestartLpar -> VerifyLpar
//   FenceSourceLpar(s) -> FailoverConsistencyGroup -> MapReplicaVolume   (replica at another site)
// The same volume is unmapped from the failed host before it is mapped to the target (the
// split-brain guard of PowerVC). A replica is mapped once its consistency group failed over,
// which happens after every LPAR writing to it is fenced; unmapping the old volume is then best
// effort (its storage may be lost with the site). A group's writers on servers that are up
// move with it (co-move.ts): ShutdownLpar -> ... -> MoveLpar -> StartLpar -> VerifyLpar, so that
// the group is never split between sites (its way back, the failback, then reverses it whole).

import type { SplitGroup } from "../generated/plan";
import type { PlanningContext } from "./context";
import { addAfterDependencies, addPostHooks, addPresentSteps, addPreHooks, addUnmapSteps, hostDown, scopeOf, stepId, type PlacedVm } from "./placed";
import { bystandersOf, staleMappings } from "./storage";
import type { StepGraph, StepRef } from "./steps";

const NO_STOPS: ReadonlyMap<string, readonly StepRef[]> = new Map();

/** `stopsOn`: per target system, the StopNonCriticalLpar steps every start onto it waits for (non-critical.ts). */
export function addFailoverSteps(
  ctx: PlanningContext,
  g: StepGraph,
  placed: readonly PlacedVm[],
  failedHosts: ReadonlySet<string>,
  warnings: string[],
  split: SplitGroup[],
  stopsOn: ReadonlyMap<string, readonly StepRef[]> = NO_STOPS,
): void {
  const hooks = addPreHooks(g, placed);
  const placedIds = new Set(placed.map((p) => p.vm.lpar.id));

  // Consistency groups to fail over, each once, after all their writers (indexes in `placed`) are fenced.
  const writers = new Map<string, { level: number; members: Set<number>; system: string }>();
  placed.forEach((p, i) => {
    for (const c of p.choices) {
      if (c.consistencyGroup === undefined) continue;
      const w = writers.get(c.consistencyGroup) ?? { level: -Infinity, members: new Set<number>(), system: c.attachSystem };
      w.level = Math.max(w.level, p.vm.slaLevel);
      w.members.add(i);
      writers.set(c.consistencyGroup, w);
    }
  });
  const scopes = placed.map(scopeOf);
  // An LPAR that moves with a failed-over consistency group (co-move.ts) runs on a server that is
  // up: it is shut down cleanly and moved (as in a planned move), not fenced and remote-restarted.
  const joins = placed.map((p) => p.vm.movesWith !== undefined && !hostDown(ctx, p.vm.source, failedHosts));
  const fences = placed.map((p, k) =>
    joins[k]
      ? g.addFor(scopes[k], "ShutdownLpar", stepId("ShutdownLpar", p.vm.lpar.id), { host: p.vm.source }, g.holdsHmcOf(p.vm.source), [])
      : g.addFor(scopes[k], "FenceSourceLpar", stepId("FenceSourceLpar", p.vm.lpar.id), { host: p.vm.source }, undefined, []),
  );
  const failovers = new Map<string, StepRef>();
  for (const cg of [...writers.keys()].sort()) {
    const w = writers.get(cg) as { level: number; members: Set<number>; system: string };
    failovers.set(
      cg,
      g.add({
        id: stepId("FailoverConsistencyGroup", cg),
        kind: "FailoverConsistencyGroup",
        slaLevel: w.level,
        params: { consistencyGroup: cg, storageSystem: w.system },
        resources: g.holdsStorage(w.system),
        dependsOn: [...w.members].map((i) => fences[i]),
      }),
    );
    const stillRunning = bystandersOf(ctx, cg, placedIds).filter((l) => {
      const at = ctx.lpars.get(l);
      return at !== undefined && !failedHosts.has(at.host) && at.state === "Running";
    });
    if (stillRunning.length > 0) {
      split.push({ consistencyGroup: cg, lpars: stillRunning });
      warnings.push(
        `failing over consistency group ${JSON.stringify(cg)} stops its replication for LPARs that keep running at the source, unprotected (they cannot move with it: not protected, or no room): ${stillRunning.slice(0, 5).join(", ")}${stillRunning.length > 5 ? ", ..." : ""}`,
      );
    }
  }
  const restarts: StepRef[] = [];
  const verifies: StepRef[] = [];
  placed.forEach((p, k) => {
    const lpar = p.vm.lpar.id;
    const scope = scopes[k];
    const fence = fences[k];
    const sourceDown = hostDown(ctx, p.vm.source);
    // The restart waits for the maps, and through them for every unmap that must succeed.
    const maps: StepRef[] = [];
    for (let i = 0; i < p.choices.length; i++) {
      const c = p.choices[i];
      const action = p.actions[i];
      const replica = c.consistencyGroup !== undefined;
      // Unmapping the attached volume elsewhere must succeed (its storage is the one mapped
      // now); the other side of a replicated pair may be lost with its site: best effort.
      const dependsOn = [fence];
      if (c.sourceMapping) {
        const how = { dependsOn: [fence], bestEffort: replica, detachBestEffort: true };
        const unmap = addUnmapSteps(g, scope, [lpar, c.source], c.sourceSystem, c.sourceMapping, sourceDown, how);
        if (!replica && unmap !== undefined) dependsOn.push(unmap);
      }
      for (const m of staleMappings(ctx, lpar, c, p.vm.source, p.target)) {
        const ofAttach = m.volume === c.attach;
        const how = { dependsOn: [fence], bestEffort: !ofAttach, detachBestEffort: true };
        const unmap = addUnmapSteps(g, scope, [lpar, m.volume, m.host], m.volume === c.source ? c.sourceSystem : c.attachSystem, m, hostDown(ctx, m.host), how);
        if (ofAttach && unmap !== undefined) dependsOn.push(unmap);
      }
      if (replica) dependsOn.push(failovers.get(c.consistencyGroup as string) as StepRef);
      const present = { volume: c.attach, storageSystem: c.attachSystem, host: p.target, via: action.via, vios: action.vios, dependsOn, flashCopyGroup: undefined };
      maps.push(addPresentSteps(g, scope, present));
    }
    const pre = hooks.lastPre.get(scope.group);
    const params = { source: p.vm.source, target: p.target, volumes: p.actions.map((a) => a.attach) };
    const waits = pre !== undefined ? [fence, ...maps, pre] : [fence, ...maps];
    if (joins[k]) {
      const move = g.addFor(scope, "MoveLpar", stepId("MoveLpar", lpar), params, g.holdsHmcOf(p.target), waits);
      const start = g.addFor(scope, "StartLpar", stepId("StartLpar", lpar), { target: p.target }, g.holdsHmcOf(p.target), [move, ...(stopsOn.get(p.target) ?? [])]);
      restarts.push(move);
      verifies.push(g.addFor(scope, "VerifyLpar", stepId("VerifyLpar", lpar), { target: p.target }, undefined, [start]));
      return;
    }
    const restart = g.addFor(scope, "RestartLpar", stepId("RestartLpar", lpar), params, g.holdsRestartOn(p.target), [...waits, ...(stopsOn.get(p.target) ?? [])]);
    restarts.push(restart);
    verifies.push(g.addFor(scope, "VerifyLpar", stepId("VerifyLpar", lpar), { target: p.target }, undefined, [restart]));
  });
  addAfterDependencies(g, placed, restarts, verifies);
  addPostHooks(g, placed, verifies);
}
