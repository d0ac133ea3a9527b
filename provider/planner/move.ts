// Steps of a planned move and of a failback: the sources are up, so LPARs are shut down
// gracefully and nothing is lost.
//   ShutdownLpar -> UnmapSourceVolume -> MapReplicaVolume -> MoveLpar -> StartLpar -> VerifyLpar
//   ShutdownLpar(s) -> SwitchConsistencyGroup -> MapReplicaVolume      (other side of the pair)
// Switching a consistency group's direction needs it synchronized, and the writers stopped:
// that is the final sync. A failback first restarts replication towards home when it is not
// running (ReverseReplication; the switch then waits for the copy to catch up).

import type { ResolvedConsistencyGroup } from "../model";
import type { PlanningContext } from "./context";
import { addAfterDependencies, addPostHooks, addPresentSteps, addPreHooks, addUnmapSteps, hostDown, scopeOf, stepId, type PlacedVm } from "./placed";
import { bystandersOf, sideOf, staleMappings } from "./storage";
import type { StepGraph, StepRef } from "./steps";


const REPLICATING: ReadonlySet<string> = new Set(["consistent_synchronized", "inconsistent_copying"]);

/**
 * `stopsOn`: per target system, the StopNonCriticalLpar steps every start onto it waits for
 * (non-critical.ts). Returns, per source system, the shutdowns of the LPARs leaving it.
 */
export function addMoveSteps(
  ctx: PlanningContext,
  g: StepGraph,
  placed: readonly PlacedVm[],
  failback: boolean,
  warnings: string[],
  stopsOn: ReadonlyMap<string, readonly StepRef[]> = new Map(),
): Map<string, StepRef[]> {
  const hooks = addPreHooks(g, placed);
  const placedIds = new Set(placed.map((p) => p.vm.lpar.id));

  const scopes = placed.map(scopeOf);
  const shutdowns = placed.map((p, k) => {
    const pre = hooks.lastPre.get(scopes[k].group);
    return g.addFor(scopes[k], "ShutdownLpar", stepId("ShutdownLpar", p.vm.lpar.id), { host: p.vm.source }, g.holdsHmcOf(p.vm.source), pre !== undefined ? [pre] : []);
  });
  // Consistency groups to switch, each once, after all their writers (indexes in `placed`) are down.
  const switches = new Map<string, { level: number; members: Set<number>; system: string; primary: "master" | "aux" }>();
  placed.forEach((p, i) => {
    for (const c of p.choices) {
      if (c.consistencyGroup === undefined) continue;
      const cg = ctx.consistencyGroups.get(c.consistencyGroup) as ResolvedConsistencyGroup;
      const s = switches.get(cg.id) ?? { level: -Infinity, members: new Set<number>(), system: c.attachSystem, primary: sideOf(cg, c.attach) };
      s.level = Math.max(s.level, p.vm.slaLevel);
      s.members.add(i);
      switches.set(cg.id, s);
    }
  });
  const switchSteps = new Map<string, StepRef>();
  for (const id of [...switches.keys()].sort()) {
    const s = switches.get(id) as { level: number; members: Set<number>; system: string; primary: "master" | "aux" };
    const cg = ctx.consistencyGroups.get(id) as ResolvedConsistencyGroup;
    const dependsOn = [...s.members].map((i) => shutdowns[i]);
    const current = s.primary === "aux" ? "master" : "aux";
    if (failback && (!REPLICATING.has(cg.state) || cg.primary !== current)) {
      dependsOn.push(
        g.add({
          id: stepId("ReverseReplication", id),
          kind: "ReverseReplication",
          slaLevel: s.level,
          params: { consistencyGroup: id, primary: current, force: true },
          resources: g.holdsStorage(current === "master" ? cg.masterSystem : cg.auxSystem),
        }),
      );
      warnings.push(`consistency group ${JSON.stringify(id)} does not replicate towards home now: replication restarts from ${current}, and switching it back waits until it is synchronized`);
    }
    switchSteps.set(id, g.add({
      id: stepId("SwitchConsistencyGroup", id),
      kind: "SwitchConsistencyGroup",
      slaLevel: s.level,
      params: { consistencyGroup: id, primary: s.primary, storageSystem: s.system },
      resources: g.holdsStorage(s.system),
      dependsOn,
    }));
    const left = bystandersOf(ctx, id, placedIds).filter((l) => ctx.lpars.get(l)?.state === "Running");
    if (left.length > 0) {
      warnings.push(`switching consistency group ${JSON.stringify(id)} reverses replication under LPARs that are not moved: ${left.slice(0, 5).join(", ")}${left.length > 5 ? ", ..." : ""}`);
    }
  }
  const moves: StepRef[] = [];
  const verifies: StepRef[] = [];
  placed.forEach((p, k) => {
    const lpar = p.vm.lpar.id;
    const scope = scopes[k];
    const shutdown = shutdowns[k];
    const storageSteps: StepRef[] = [];
    p.choices.forEach((c, i) => {
      const action = p.actions[i];
      const how = { dependsOn: [shutdown], bestEffort: false, detachBestEffort: false };
      const unmapsOfAttach: StepRef[] = [];
      if (c.sourceMapping) {
        // Not best effort: always a step.
        const unmap = addUnmapSteps(g, scope, [lpar, c.source], c.sourceSystem, c.sourceMapping, hostDown(ctx, p.vm.source), how) as StepRef;
        storageSteps.push(unmap);
        if (c.consistencyGroup === undefined) unmapsOfAttach.push(unmap);
      }
      // Mappings an earlier recovery left behind (a lost site): gone before the LPAR starts, so
      // that its volumes are mapped once, to the host it runs on.
      for (const m of staleMappings(ctx, lpar, c, p.vm.source, p.target)) {
        const unmap = addUnmapSteps(g, scope, [lpar, m.volume, m.host], m.volume === c.source ? c.sourceSystem : c.attachSystem, m, hostDown(ctx, m.host), how) as StepRef;
        storageSteps.push(unmap);
        if (m.volume === c.attach) unmapsOfAttach.push(unmap);
      }
      const dependsOn = [shutdown, ...unmapsOfAttach];
      if (c.consistencyGroup !== undefined) dependsOn.push(switchSteps.get(c.consistencyGroup) as StepRef);
      const present = { volume: c.attach, storageSystem: c.attachSystem, host: p.target, via: action.via, vios: action.vios, dependsOn, flashCopyGroup: undefined };
      storageSteps.push(addPresentSteps(g, scope, present));
    });
    const params = { source: p.vm.source, target: p.target, volumes: p.actions.map((a) => a.attach) };
    const move = g.addFor(scope, "MoveLpar", stepId("MoveLpar", lpar), params, g.holdsHmcOf(p.target), [shutdown, ...storageSteps]);
    moves.push(move);
    const start = g.addFor(scope, "StartLpar", stepId("StartLpar", lpar), { target: p.target }, g.holdsHmcOf(p.target), [move, ...(stopsOn.get(p.target) ?? [])]);
    verifies.push(g.addFor(scope, "VerifyLpar", stepId("VerifyLpar", lpar), { target: p.target }, undefined, [start]));
  });
  addAfterDependencies(g, placed, moves, verifies);
  addPostHooks(g, placed, verifies);
  const shutdownsOn = new Map<string, StepRef[]>();
  placed.forEach((p, k) => {
    const list = shutdownsOn.get(p.vm.source);
    if (list) list.push(shutdowns[k]);
    else shutdownsOn.set(p.vm.source, [shutdowns[k]]);
  });
  return shutdownsOn;
}
