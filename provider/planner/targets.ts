// Where each LPAR may go: the placement pools of a plan kind, one per (allowed systems, site),
// in order of preference, and the reasons when there are none.

import type { AffectedVm } from "./affected";
import type { PlanningContext } from "./context";
import type { Pool } from "./place";
import { volumesAt, type VolumeChoice, type VolumePlan } from "./storage";
import type { PlanKind } from "./types";

export interface Destinations {
  readonly pools: readonly Pool[];
  /** Why no pool is listed, when none is. */
  readonly reason?: string;
  /** How the volumes reach each site a pool is at. */
  readonly volumesBySite: ReadonlyMap<string, readonly VolumeChoice[]>;
}

/**
 * Operating systems not treated as failed, grouped by site, for a list of allowed systems; and
 * the pools they make. Each is made once and shared by every LPAR of a target: a site failure
 * asks for them ten thousand times.
 */
export class SystemsBySite {
  private readonly cache = new Map<string, Map<string, string[]>>();
  /** By owner (a target's name, or HOME), then site. */
  private readonly pools = new Map<string, Map<string, Pool>>();
  constructor(
    private readonly ctx: PlanningContext,
    private readonly failedHosts: ReadonlySet<string>,
  ) {}

  /** The pool of `owner` at `site`. */
  pool(owner: string, site: string, systems: readonly string[], reserve: { processorUnits: number; memoryGb: number }): Pool {
    let bySite = this.pools.get(owner);
    if (bySite === undefined) this.pools.set(owner, (bySite = new Map()));
    let pool = bySite.get(site);
    if (pool === undefined) {
      pool = { key: `${owner}@${site}`, systems, reservePu: reserve.processorUnits, reserveMem: reserve.memoryGb };
      bySite.set(site, pool);
    }
    return pool;
  }

  /** `key` names the list: the lists of one key are the same. */
  of(key: string, systems: readonly string[]): Map<string, string[]> {
    let bySite = this.cache.get(key);
    if (bySite) return bySite;
    bySite = new Map();
    // The operating systems by site are the same for every plan of a context (the N-1 check makes
    // a thousand): only the failed ones are taken out here, and a site without any keeps its list.
    for (const [site, list] of operatingBySite(this.ctx, key, systems)) {
      const left = list.some((id) => this.failedHosts.has(id)) ? list.filter((id) => !this.failedHosts.has(id)) : list;
      if (left.length > 0) bySite.set(site, left as string[]);
    }
    this.cache.set(key, bySite);
    return bySite;
  }
}

const operatingOf = new WeakMap<PlanningContext, Map<string, ReadonlyMap<string, readonly string[]>>>();

/** The operating systems of a list `key`, sorted, by site: made once per context. */
function operatingBySite(ctx: PlanningContext, key: string, systems: readonly string[]): ReadonlyMap<string, readonly string[]> {
  let byKey = operatingOf.get(ctx);
  if (byKey === undefined) operatingOf.set(ctx, (byKey = new Map()));
  let bySite = byKey.get(key);
  if (bySite === undefined) {
    const made = new Map<string, string[]>();
    for (const id of [...new Set(systems)].sort()) {
      const s = ctx.systems.get(id);
      if (!s || s.state !== "Operating") continue;
      const list = made.get(s.site);
      if (list) list.push(id);
      else made.set(s.site, [id]);
    }
    byKey.set(key, (bySite = made));
  }
  return bySite;
}

const volumePlansOf = new WeakMap<PlanningContext, Map<string, VolumePlan>>();

/** volumesAt, once per context for each LPAR, source, site and kind: its host's and its site's failure ask for the same. */
function volumesOnce(ctx: PlanningContext, vm: AffectedVm, site: string, kind: PlanKind): VolumePlan {
  let plans = volumePlansOf.get(ctx);
  if (plans === undefined) volumePlansOf.set(ctx, (plans = new Map()));
  const key = `${vm.lpar.id}\u0000${vm.source}\u0000${site}\u0000${kind}`;
  let plan = plans.get(key);
  if (plan === undefined) plans.set(key, (plan = volumesAt(ctx, vm, site, kind)));
  return plan;
}

/** The owner of the pools of a failback: any system of the LPAR's home site (no target name has parentheses). */
const HOME = "(home)";

export function destinationsOf(ctx: PlanningContext, kind: PlanKind, vm: AffectedVm, sites: SystemsBySite): Destinations {
  const target = vm.entry.target;
  const sourceSite = ctx.systems.get(vm.source)?.site;
  const fromTarget = kind !== "failback";
  const bySite = fromTarget ? sites.of(target.name, target.systems) : sites.of(HOME, ctx.systemIds);
  const reserve = fromTarget ? target.reserve : { processorUnits: 0, memoryGb: 0 };
  if (bySite.size === 0) {
    return {
      pools: [],
      reason: fromTarget ? `no system of recovery target ${JSON.stringify(target.name)} is operating` : "no other system is operating",
      volumesBySite: new Map(),
    };
  }
  // A drill and a failback go to another site; a failover or planned move prefers its own site,
  // but an LPAR moving with a consistency group's switch goes where the switch sends its replicas.
  const leaves = kind === "drill" || kind === "failback" || vm.movesWith !== undefined;
  const candidates = [...bySite.keys()]
    .filter((site) => (leaves ? site !== sourceSite : true))
    .sort((a, b) => (a === sourceSite ? -1 : b === sourceSite ? 1 : a < b ? -1 : a > b ? 1 : 0));
  const pools: Pool[] = [];
  const refused: string[] = [];
  const volumesBySite = new Map<string, readonly VolumeChoice[]>();
  for (const site of candidates) {
    const volumes = volumesOnce(ctx, vm, site, kind);
    if (!volumes.ok) {
      refused.push(`site ${JSON.stringify(site)}: ${volumes.reason}`);
      continue;
    }
    volumesBySite.set(site, volumes.volumes);
    pools.push(sites.pool(fromTarget ? target.name : HOME, site, bySite.get(site) as string[], reserve));
  }
  if (pools.length > 0) return { pools, volumesBySite };
  if (candidates.length === 0) {
    return { pools: [], reason: `no operating system of recovery target ${JSON.stringify(target.name)} is at another site`, volumesBySite };
  }
  return { pools: [], reason: `its volumes cannot reach any allowed site (${refused.join("; ")})`, volumesBySite };
}
