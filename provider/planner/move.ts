// Steps of a planned move and of a failback: the sources are up, so LPARs are shut down
// gracefully and nothing is lost.
//   ShutdownLpar -> UnmapSourceVolume -> MapReplicaVolume -> MoveLpar -> StartLpar -> VerifyLpar
//   ShutdownLpar(s) -> SwitchConsistencyGroup -> MapReplicaVolume      (other side of the pair)
// Switching a consistency group's direction needs it synchronized, and the writers stopped:
// that is the final sync. A failback first restarts replication towards home when it is not
// running (ReverseReplication; the switch then waits for the copy to catch up).

import type { ResolvedConsistencyGroup } from "../model";
import type { PlanningContext } from "./context";
import { addAfterDependencies, addPostHooks, addPresentSteps, addPreHooks, addUnmapSteps, hostDown, stepId, type PlacedVm } from "./placed";
import { bystandersOf, staleMappings } from "./storage";
import type { StepGraph, StepRef } from "./steps";

/** The side of a consistency group a volume is on. */
function sideOf(cg: ResolvedConsistencyGroup, volume: string): "master" | "aux" {
  return cg.pairs.some((p) => p.aux === volume) ? "aux" : "master";
}

const REPLICATING: ReadonlySet<string> = new Set(["consistent_synchronized", "inconsistent_copying"]);

export function addMoveSteps(ctx: PlanningContext, g: StepGraph, placed: readonly PlacedVm[], failback: boolean, warnings: string[]): void {
  const hooks = addPreHooks(g, placed);
  const placedIds = new Set(placed.map((p) => p.vm.lpar.id));

  const shutdowns = placed.map((p) => {
    const lpar = p.vm.lpar.id;
    const group = p.vm.entry.group.name;
    const pre = hooks.lastPre.get(group);
    return g.add({
      id: stepId("ShutdownLpar", lpar),
      kind: "ShutdownLpar",
      slaLevel: p.vm.slaLevel,
      lpar,
      group,
      params: { host: p.vm.source },
      resources: g.holdsHmcOf(p.vm.source),
      dependsOn: pre !== undefined ? [pre] : [],
    });
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
    const group = p.vm.entry.group.name;
    const level = p.vm.slaLevel;
    const shutdown = shutdowns[k];
    const storageSteps: StepRef[] = [];
    p.choices.forEach((c, i) => {
      const action = p.actions[i];
      const base = () => ({ slaLevel: level, lpar, group, dependsOn: [shutdown] });
      const unmapsOfAttach: StepRef[] = [];
      if (c.sourceMapping) {
        const unmap = addUnmapSteps(g, [lpar, c.source], base(), c.sourceSystem, c.sourceMapping, hostDown(ctx, p.vm.source));
        storageSteps.push(unmap);
        if (c.consistencyGroup === undefined) unmapsOfAttach.push(unmap);
      }
      // Mappings an earlier recovery left behind (a lost site): gone before the LPAR starts, so
      // that its volumes are mapped once, to the host it runs on.
      for (const m of staleMappings(ctx, lpar, c, p.vm.source, p.target)) {
        const unmap = addUnmapSteps(g, [lpar, m.volume, m.host], base(), m.volume === c.source ? c.sourceSystem : c.attachSystem, m, hostDown(ctx, m.host));
        storageSteps.push(unmap);
        if (m.volume === c.attach) unmapsOfAttach.push(unmap);
      }
      const dependsOn = [shutdown, ...unmapsOfAttach];
      if (c.consistencyGroup !== undefined) dependsOn.push(switchSteps.get(c.consistencyGroup) as StepRef);
      storageSteps.push(
        addPresentSteps(g, { lpar, group, slaLevel: level, volume: c.attach, storageSystem: c.attachSystem, host: p.target, via: action.via, vios: action.vios, dependsOn }),
      );
    });
    const move = g.add({
      id: stepId("MoveLpar", lpar),
      kind: "MoveLpar",
      slaLevel: level,
      lpar,
      group,
      params: { source: p.vm.source, target: p.target, volumes: p.actions.map((a) => a.attach) },
      resources: g.holdsHmcOf(p.target),
      dependsOn: [shutdown, ...storageSteps],
    });
    moves.push(move);
    const start = g.add({
      id: stepId("StartLpar", lpar),
      kind: "StartLpar",
      slaLevel: level,
      lpar,
      group,
      params: { target: p.target },
      resources: g.holdsHmcOf(p.target),
      dependsOn: [move],
    });
    verifies.push(g.add({ id: stepId("VerifyLpar", lpar), kind: "VerifyLpar", slaLevel: level, lpar, group, params: { target: p.target }, dependsOn: [start] }));
  });
  addAfterDependencies(g, placed, moves, verifies);
  addPostHooks(g, placed, verifies);
}
