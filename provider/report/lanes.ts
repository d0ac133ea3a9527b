// Which Gantt lane a step belongs to. A lane is where the work happened: the target system a VM
// restarts on (its fencing, mappings, restart and checks), or the storage system a replication or
// FlashCopy step ran on. Per-target lanes keep a 1,000-VM failover to a few dozen lanes while still
// showing what the paper's method is about: parallel work across targets and storage.

import type { Placement, Step, StepParams } from "../generated/plan";

/** Order of lane families, top to bottom: storage work comes first in a failover. */
export const LANE_FAMILIES = ["storage", "replication", "system", "hooks", "other"] as const;
export type LaneFamily = (typeof LANE_FAMILIES)[number];

export interface Lane {
  readonly family: LaneFamily;
  readonly name: string;
}

// Resource keys as the plan names them: storage:<id>, system:<id>, vios:<system>/<vios>, hmc:<name>.
const STORAGE_RESOURCE = /^(storage):(.+)$/;
const SYSTEM_RESOURCE = /^(system|vios):([^/]+)/;

function stringParam(step: Step, key: keyof StepParams): string | undefined {
  const v = step.params?.[key];
  return typeof v === "string" && v.length > 0 ? v : undefined;
}

export function laneOf(step: Step, placements: ReadonlyMap<string, Placement>): Lane {
  if (step.kind === "RunHook") return { family: "hooks", name: step.group ? `hooks ${step.group}` : "hooks" };
  const placement = step.lpar ? placements.get(step.lpar) : undefined;
  if (placement?.target) return { family: "system", name: placement.target };
  const target = stringParam(step, "target") ?? stringParam(step, "host");
  if (target && step.lpar) return { family: "system", name: target };
  const storage = stringParam(step, "storageSystem");
  if (storage) return { family: "storage", name: storage };
  for (const r of step.resources) {
    const m = STORAGE_RESOURCE.exec(r);
    if (m) return { family: "storage", name: m[2] };
  }
  if (stringParam(step, "consistencyGroup")) return { family: "replication", name: "replication" };
  for (const r of step.resources) {
    const m = SYSTEM_RESOURCE.exec(r);
    if (m) return { family: "system", name: m[2] };
  }
  if (target) return { family: "system", name: target };
  return { family: "other", name: "other" };
}

export function laneKey(lane: Lane): string {
  return `${lane.family}:${lane.name}`;
}

export function compareLanes(a: Lane, b: Lane): number {
  const fa = LANE_FAMILIES.indexOf(a.family);
  const fb = LANE_FAMILIES.indexOf(b.family);
  if (fa !== fb) return fa - fb;
  return a.name.localeCompare(b.name, "en", { numeric: true });
}

/** "system:sys-b1" -> the lane; the inverse of laneKey for the keys the report stores. */
export function parseLaneKey(key: string): Lane {
  const i = key.indexOf(":");
  const family = key.slice(0, i) as LaneFamily;
  return { family: LANE_FAMILIES.includes(family) ? family : "other", name: key.slice(i + 1) };
}
