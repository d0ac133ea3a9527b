// Where each LPAR may go: the placement pools of a plan kind, one per (allowed systems, site),
// in order of preference, and the reasons when there are none.

import type { AffectedVm } from "./affected";
import type { PlanningContext } from "./context";
import type { Pool } from "./place";
import { volumesAt, type VolumeChoice } from "./storage";
import type { PlanKind } from "./types";

export interface Destinations {
  readonly pools: readonly Pool[];
  /** Why no pool is listed, when none is. */
  readonly reason?: string;
  /** How the volumes reach each site a pool is at. */
  readonly volumesBySite: ReadonlyMap<string, readonly VolumeChoice[]>;
}

/** Operating systems not treated as failed, grouped by site, for a list of allowed systems. */
export class SystemsBySite {
  private readonly cache = new Map<string, Map<string, string[]>>();
  constructor(
    private readonly ctx: PlanningContext,
    private readonly failedHosts: ReadonlySet<string>,
  ) {}

  of(key: string, systems: readonly string[]): Map<string, string[]> {
    let bySite = this.cache.get(key);
    if (bySite) return bySite;
    bySite = new Map();
    for (const id of [...new Set(systems)].sort()) {
      const s = this.ctx.systems.get(id);
      if (!s || s.state !== "Operating" || this.failedHosts.has(id)) continue;
      const list = bySite.get(s.site);
      if (list) list.push(id);
      else bySite.set(s.site, [id]);
    }
    this.cache.set(key, bySite);
    return bySite;
  }
}

export function destinationsOf(ctx: PlanningContext, kind: PlanKind, vm: AffectedVm, sites: SystemsBySite): Destinations {
  const target = vm.entry.target;
  const sourceSite = ctx.systems.get(vm.source)?.site;
  const fromTarget = kind !== "failback";
  const bySite = fromTarget ? sites.of(`target:${target.name}`, target.systems) : sites.of("all", ctx.systemIds);
  const reserve = fromTarget ? target.reserve : { processorUnits: 0, memoryGb: 0 };
  if (bySite.size === 0) {
    return {
      pools: [],
      reason: fromTarget ? `no system of recovery target ${JSON.stringify(target.name)} is operating` : "no other system is operating",
      volumesBySite: new Map(),
    };
  }
  // A drill and a failback go to another site; a failover or planned move prefers its own site.
  const candidates = [...bySite.keys()]
    .filter((site) => (kind === "drill" || kind === "failback" ? site !== sourceSite : true))
    .sort((a, b) => (a === sourceSite ? -1 : b === sourceSite ? 1 : a < b ? -1 : a > b ? 1 : 0));
  const pools: Pool[] = [];
  const refused: string[] = [];
  const volumesBySite = new Map<string, readonly VolumeChoice[]>();
  for (const site of candidates) {
    const volumes = volumesAt(ctx, vm, site, kind);
    if (!volumes.ok) {
      refused.push(`site ${JSON.stringify(site)}: ${volumes.reason}`);
      continue;
    }
    volumesBySite.set(site, volumes.volumes);
    pools.push({
      key: `${fromTarget ? target.name : "(home)"}@${site}`,
      systems: bySite.get(site) as string[],
      reservePu: reserve.processorUnits,
      reserveMem: reserve.memoryGb,
    });
  }
  if (pools.length > 0) return { pools, volumesBySite };
  if (candidates.length === 0) {
    return { pools: [], reason: `no operating system of recovery target ${JSON.stringify(target.name)} is at another site`, volumesBySite };
  }
  return { pools: [], reason: `its volumes cannot reach any allowed site (${refused.join("; ")})`, volumesBySite };
}
