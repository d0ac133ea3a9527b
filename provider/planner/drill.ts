// Steps of a drill: the protected LPARs keep running and replication keeps going. The replicas
// are copied with FlashCopy at the target site, the copies are mapped to the target systems and
// started in an isolated network, verified, and then removed.
//   CreateFlashCopyGroup -> MapReplicaVolume (its FlashCopy target) -> AttachVirtualDisk (vSCSI)
//     -> StartDrillLpar -> VerifyLpar
//   cleanup phase: VerifyLpar -> DeleteDrillLpar -> DeleteFlashCopyGroup
// A drill told to stop non-critical LPARs for its copies' room (options.drillStopsNonCritical)
// starts each copy after the StopNonCriticalLpar steps of its system, and brings them back in
// its cleanup phase (ResumeNonCriticalLpar, best effort) once the copies there are deleted; the
// sweep after the run (provider/drill/cleanup.ts) brings back any the run did not.
// Cleanup steps carry the plan's lowest SLA level, so with strict barriers they run once every
// copy is up. Hooks do not run in a drill: they act on production (DNS, load balancers).

import type { NonCriticalAction } from "../generated/plan";
import type { PlanningContext } from "./context";
import type { FreedSet } from "./non-critical";
import { addAfterDependencies, addPresentSteps, scopeOf, stepId, type PlacedVm } from "./placed";
import type { StepGraph, StepRef } from "./steps";

/** Name of the FlashCopy group a drill makes of a consistency group's replicas. */
export const drillFlashCopyName = (consistencyGroup: string): string => `vmr-drill-${consistencyGroup}`;

/**
 * The drill's steps; `freed` and `stopsOn` are the non-critical LPARs its placement stopped and
 * their stop steps per system (non-critical.ts addStopSteps). Returns the resume of each.
 */
export function addDrillSteps(ctx: PlanningContext, g: StepGraph, placed: readonly PlacedVm[], freed: FreedSet, stopsOn: ReadonlyMap<string, readonly StepRef[]>): NonCriticalAction[] {
  const network = ctx.options.drillNetwork;
  const lowest = Math.min(...placed.map((p) => p.vm.slaLevel));

  // FlashCopy groups, each made once; `users` are indexes in `placed`.
  const copies = new Map<string, { level: number; system: string; volumes: Set<string>; users: number[] }>();
  placed.forEach((p, i) => {
    for (const c of p.choices) {
      const name = drillFlashCopyName(c.consistencyGroup as string);
      const copy = copies.get(name) ?? { level: -Infinity, system: c.attachSystem, volumes: new Set<string>(), users: [] };
      copy.level = Math.max(copy.level, p.vm.slaLevel);
      copy.volumes.add(c.attach);
      if (copy.users[copy.users.length - 1] !== i) copy.users.push(i);
      copies.set(name, copy);
    }
  });
  const creates = new Map<string, StepRef>();
  for (const name of [...copies.keys()].sort()) {
    const copy = copies.get(name) as { level: number; system: string; volumes: Set<string> };
    creates.set(name, g.add({
      id: stepId("CreateFlashCopyGroup", name),
      kind: "CreateFlashCopyGroup",
      slaLevel: copy.level,
      params: { flashCopyGroup: name, storageSystem: copy.system, volumes: [...copy.volumes].sort() },
      resources: g.holdsStorage(copy.system),
    }));
  }
  const starts: StepRef[] = [];
  const verifies: StepRef[] = [];
  const deletes: StepRef[] = [];
  const deletesOn = new Map<string, StepRef[]>();
  for (const p of placed) {
    const lpar = p.vm.lpar.id;
    const group = p.vm.entry.group.name;
    const hmc = g.holdsHmcOf(p.target);
    const scope = scopeOf(p);
    const maps = p.choices.map((c, i) => {
      const flashCopyGroup = drillFlashCopyName(c.consistencyGroup as string);
      return addPresentSteps(g, scope, {
        volume: c.attach,
        storageSystem: c.attachSystem,
        host: p.target,
        via: c.via,
        vios: p.actions[i].vios,
        flashCopyGroup,
        dependsOn: [creates.get(flashCopyGroup) as StepRef],
      });
    });
    const params = { target: p.target, volumes: p.actions.map((a) => a.attach), flashCopyGroup: drillFlashCopyName(p.choices[0]?.consistencyGroup as string), network };
    const start = g.addFor(scope, "StartDrillLpar", stepId("StartDrillLpar", lpar), params, hmc, [...maps, ...(stopsOn.get(p.target) ?? [])]);
    const verify = g.addFor(scope, "VerifyLpar", stepId("VerifyLpar", lpar), { target: p.target, network }, undefined, [start]);
    starts.push(start);
    verifies.push(verify);
    const deleteStep = g.add({
      id: stepId("DeleteDrillLpar", lpar),
      kind: "DeleteDrillLpar",
      slaLevel: lowest,
      lpar,
      group,
      phase: "cleanup",
      params: { target: p.target, network },
      resources: hmc,
      dependsOn: [verify],
    });
    deletes.push(deleteStep);
    const onSystem = deletesOn.get(p.target);
    if (onSystem) onSystem.push(deleteStep);
    else deletesOn.set(p.target, [deleteStep]);
  }
  addAfterDependencies(g, placed, starts, verifies);
  for (const name of [...copies.keys()].sort()) {
    const copy = copies.get(name) as { system: string; users: number[] };
    g.add({
      id: stepId("DeleteFlashCopyGroup", name),
      kind: "DeleteFlashCopyGroup",
      slaLevel: lowest,
      phase: "cleanup",
      params: { flashCopyGroup: name, storageSystem: copy.system },
      resources: g.holdsStorage(copy.system),
      dependsOn: copy.users.map((i) => deletes[i]),
    });
  }
  return addDrillResumeSteps(g, freed, stopsOn, deletesOn, lowest);
}

/**
 * A ResumeNonCriticalLpar per freed LPAR, in the cleanup phase (it runs whether the drill passed
 * or not) and best effort, after its system's stops and copy deletions: its room is free again.
 */
function addDrillResumeSteps(g: StepGraph, freed: FreedSet, stopsOn: ReadonlyMap<string, readonly StepRef[]>, deletesOn: ReadonlyMap<string, readonly StepRef[]>, level: number): NonCriticalAction[] {
  const actions: NonCriticalAction[] = [];
  for (const f of [...freed.values()].sort((a, b) => (a.lpar < b.lpar ? -1 : a.lpar > b.lpar ? 1 : 0))) {
    const id = stepId("ResumeNonCriticalLpar", f.lpar);
    g.add({
      id,
      kind: "ResumeNonCriticalLpar",
      lpar: f.lpar,
      slaLevel: level,
      bestEffort: true,
      phase: "cleanup",
      params: { host: f.system, action: f.action },
      resources: g.holdsHmcOf(f.system),
      dependsOn: [...(stopsOn.get(f.system) ?? []), ...(deletesOn.get(f.system) ?? [])],
    });
    actions.push({ lpar: f.lpar, system: f.system, action: f.action, slaLevel: f.slaLevel, resume: true, step: id });
  }
  return actions;
}
