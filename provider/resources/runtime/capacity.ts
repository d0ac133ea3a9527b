// Capacity of recovery targets and the survivability check: could the target's systems hold a
// group's VMs after their reserve? Pure functions over discovered inventory.

import type { ResolvedLpar, ResolvedManagedSystem } from "../../model";

export interface Capacity {
  readonly processorUnits: number;
  readonly memoryGb: number;
}

export interface SystemStatus {
  readonly id: string;
  /** Managed-system state as discovered, or "Unknown" when discovery does not list it. */
  readonly state: string;
  readonly processorUnits: number;
  readonly memoryGb: number;
  /** What is left for recovered VMs: capacity minus active LPARs minus the reserve (never below 0). */
  readonly freeProcessorUnits: number;
  readonly freeMemoryGb: number;
}

/** LPARs that hold processor and memory: an LPAR never activated holds nothing. */
export function holdsResources(lpar: ResolvedLpar): boolean {
  return lpar.state !== "Not Activated";
}

/** Rounds away binary noise (0.1 + 0.2) so outputs and messages stay readable and stable. */
export function round(n: number): number {
  return Math.round(n * 1000) / 1000;
}

export function systemStatuses(
  systemIds: readonly string[],
  systems: readonly ResolvedManagedSystem[],
  lpars: readonly ResolvedLpar[],
  reserve: Capacity,
): SystemStatus[] {
  const byId = new Map(systems.map((s) => [s.id, s]));
  const used = new Map<string, { pu: number; mem: number }>();
  for (const l of lpars) {
    if (!holdsResources(l)) continue;
    const u = used.get(l.host) ?? { pu: 0, mem: 0 };
    u.pu += l.processorUnits;
    u.mem += l.memoryGb;
    used.set(l.host, u);
  }
  return systemIds.map((id) => {
    const s = byId.get(id);
    if (!s) return { id, state: "Unknown", processorUnits: 0, memoryGb: 0, freeProcessorUnits: 0, freeMemoryGb: 0 };
    const u = used.get(id) ?? { pu: 0, mem: 0 };
    const usable = s.state === "Operating";
    return {
      id,
      state: s.state,
      processorUnits: s.processorUnits,
      memoryGb: s.memoryGb,
      freeProcessorUnits: usable ? round(Math.max(0, s.processorUnits - u.pu - reserve.processorUnits)) : 0,
      freeMemoryGb: usable ? round(Math.max(0, s.memoryGb - u.mem - reserve.memoryGb)) : 0,
    };
  });
}

export interface Placement {
  /** LPAR id -> system id, for the VMs that fit. */
  readonly placed: ReadonlyMap<string, string>;
  /** VMs that fit nowhere. */
  readonly unplaced: readonly ResolvedLpar[];
  /** What the unplaced VMs need beyond the free capacity in total (0 when only fragmentation blocks them). */
  readonly missing: Capacity;
}

/**
 * First-fit decreasing by memory onto the system with the most free memory that holds both
 * dimensions. An estimate of survivability, not the failover plan: the planner places at
 * failover time from the live state.
 */
export function placeOnto(vms: readonly ResolvedLpar[], statuses: readonly SystemStatus[]): Placement {
  const free = statuses
    .filter((s) => s.state === "Operating")
    .map((s) => ({ id: s.id, pu: s.freeProcessorUnits, mem: s.freeMemoryGb }));
  const placed = new Map<string, string>();
  const unplaced: ResolvedLpar[] = [];
  const order = [...vms].sort((a, b) => b.memoryGb - a.memoryGb || b.processorUnits - a.processorUnits || a.id.localeCompare(b.id));
  for (const vm of order) {
    let best: (typeof free)[number] | undefined;
    for (const s of free) {
      if (s.pu + 1e-9 >= vm.processorUnits && s.mem + 1e-9 >= vm.memoryGb && (!best || s.mem > best.mem)) best = s;
    }
    if (!best) {
      unplaced.push(vm);
      continue;
    }
    best.pu -= vm.processorUnits;
    best.mem -= vm.memoryGb;
    placed.set(vm.id, best.id);
  }
  const needPu = unplaced.reduce((n, v) => n + v.processorUnits, 0);
  const needMem = unplaced.reduce((n, v) => n + v.memoryGb, 0);
  const leftPu = free.reduce((n, s) => n + Math.max(0, s.pu), 0);
  const leftMem = free.reduce((n, s) => n + Math.max(0, s.mem), 0);
  return {
    placed,
    unplaced,
    missing: { processorUnits: round(Math.max(0, needPu - leftPu)), memoryGb: round(Math.max(0, needMem - leftMem)) },
  };
}
