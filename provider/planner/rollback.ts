// After a planned move failed part way: bring the VMs it shut down back up where they were.
// Made from the live inventory once the move's run has ended, and run as a run of its own
// (journaled, resumable like any other). An LPAR is started again at its source when it is still
// defined there, Not Activated, and its group's replication was not switched; each of its own
// volumes that the move had unmapped there is mapped again first (SAN, then VIOS, as it was).
// An LPAR past that point (moved, or switched) is left for `vmr failover --resume` to finish,
// and the rollback says so.

import type { HostMapping } from "../model";
import type { Plan, Step } from "../generated/plan";
import type { RunResult } from "../executor/types";
import type { Inventory } from "./index";
import { sideOf } from "./storage";

export interface LeftDown {
  readonly lpar: string;
  readonly reason: string;
}

export interface Rollback {
  /** Absent when no LPAR can be started where it was. */
  readonly plan?: Plan;
  /** LPARs the move left down that the rollback does not start, and why. */
  readonly leftDown: readonly LeftDown[];
}

export function planRollback(moved: Plan, result: RunResult, inventory: Inventory): Rollback {
  const lpars = new Map(inventory.compute.lpars.map((l) => [l.id, l]));
  const groups = new Map(inventory.storage.consistencyGroups.map((g) => [g.id, g]));
  const mapped = new Set(inventory.storage.hostMappings.map((m) => `${m.volume}@${m.host}`));
  const byId = new Map(moved.steps.map((s) => [s.id, s]));
  const recovered = new Set(result.vms.filter((v) => v.status === "recovered").map((v) => v.lpar));
  const steps: Step[] = [];
  const placements: Plan["placements"] = [];
  const leftDown: LeftDown[] = [];
  for (const p of moved.placements) {
    if (p.target === null || recovered.has(p.lpar)) continue;
    const l = lpars.get(p.lpar);
    if (l === undefined) continue;
    if (l.state !== "Not Activated") continue; // never shut down, or running again
    if (l.host !== p.source) {
      leftDown.push({ lpar: p.lpar, reason: `it is defined on ${l.host} already (the move got past MoveLpar): finish the move with \`vmr failover --resume ${result.runId}\`` });
      continue;
    }
    // Switched: the group's primary is no longer the side of the volumes the LPAR ran on.
    const switched = p.volumes.find((v) => {
      const group = v.consistencyGroup === undefined ? undefined : groups.get(v.consistencyGroup);
      return group !== undefined && group.primary !== sideOf(group, v.source);
    });
    if (switched !== undefined) {
      leftDown.push({ lpar: p.lpar, reason: `consistency group ${switched.consistencyGroup} was switched: its volumes at ${p.source} are read-only now; finish the move with \`vmr failover --resume ${result.runId}\`` });
      continue;
    }
    const shutdown = byId.get(`ShutdownLpar:${p.lpar}`);
    const hmcHold = shutdown?.resources ?? [];
    // Already off there (alreadyDone): the step proves, when it acts, that the LPAR is at its
    // source and not running, as every start is proven (the executor's fencing rule).
    const stop: Step = { id: `ShutdownLpar:${p.lpar}`, kind: "ShutdownLpar", lpar: p.lpar, group: p.group, slaLevel: p.slaLevel, params: { host: p.source }, dependsOn: [], resources: [...hmcHold], estimateSeconds: shutdown?.estimateSeconds ?? 1 };
    steps.push(stop);
    const ids: string[] = [stop.id];
    for (const v of p.volumes) {
      if (mapped.has(`${v.source}@${p.source}`)) continue;
      // How the move found it mapped: its unmap step's parameters.
      const unmap = byId.get(`UnmapSourceVolume:${p.lpar}:${v.source}`);
      const was = unmap?.params as HostMapping | undefined;
      if (unmap === undefined || was === undefined) continue;
      const map: Step = { id: `MapReplicaVolume:${p.lpar}:${v.source}`, kind: "MapReplicaVolume", lpar: p.lpar, group: p.group, slaLevel: p.slaLevel, params: { ...was }, dependsOn: [stop.id], resources: [...unmap.resources], estimateSeconds: unmap.estimateSeconds };
      steps.push(map);
      ids.push(map.id);
      const detach = byId.get(`DetachVirtualDisk:${p.lpar}:${v.source}`);
      if (was.via === "vscsi" && detach !== undefined) {
        const attach: Step = { id: `AttachVirtualDisk:${p.lpar}:${v.source}`, kind: "AttachVirtualDisk", lpar: p.lpar, group: p.group, slaLevel: p.slaLevel, params: { ...was }, dependsOn: [map.id], resources: [...detach.resources], estimateSeconds: detach.estimateSeconds };
        steps.push(attach);
        ids.push(attach.id);
      }
    }
    const start: Step = { id: `StartLpar:${p.lpar}`, kind: "StartLpar", lpar: p.lpar, group: p.group, slaLevel: p.slaLevel, params: { target: p.source }, dependsOn: ids, resources: [...hmcHold], estimateSeconds: byId.get(`StartLpar:${p.lpar}`)?.estimateSeconds ?? 1 };
    const verify: Step = { id: `VerifyLpar:${p.lpar}`, kind: "VerifyLpar", lpar: p.lpar, group: p.group, slaLevel: p.slaLevel, params: { target: p.source }, dependsOn: [start.id], resources: [], estimateSeconds: byId.get(`VerifyLpar:${p.lpar}`)?.estimateSeconds ?? 1 };
    steps.push(start, verify);
    placements.push({ ...p, target: p.source, volumes: p.volumes.map((v) => ({ ...v, attach: v.source })) });
  }
  if (placements.length === 0) return { leftDown };
  // Steps in an order where each follows what it depends on (the plan format's rule).
  const resources: Record<string, number> = {};
  for (const s of steps) for (const r of s.resources) resources[r] = moved.resources[r] ?? 1;
  const serial = steps.reduce((sum, s) => sum + s.estimateSeconds, 0);
  const plan: Plan = {
    version: 1,
    kind: "planned",
    failure: { failedHosts: [] },
    placements,
    steps,
    resources,
    groups: [...new Set(placements.map((p) => p.group))].map((name) => ({ name, lpars: placements.filter((p) => p.group === name).map((p) => p.lpar).sort(), estimatedRtoSeconds: 0, verdict: "no-budget" })),
    estimate: { makespanSeconds: serial, lowerBoundSeconds: 0, criticalPathSeconds: 0, slaMode: moved.estimate.slaMode, serialSeconds: serial },
    warnings: [`rollback of planned move ${result.runId}: starts again where they were the LPARs it shut down and did not move`],
  };
  if (moved.stack !== undefined) plan.stack = moved.stack;
  return { plan, leftDown };
}
