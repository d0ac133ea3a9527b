// The network constraint of placement: a VM whose group has a NetworkMapping may only go to a
// system that bridges every VLAN of its mapped adapters on the mapped switch (a VLAN no VIOS
// bridges there would bring it up on a dead network). Applied to the placement pools before
// placement (place.ts packs capacity only); the reason is in the plan when no system qualifies.
// A system that models no virtual switch is not held to it (its network is unknown, not absent).
//
// Cost: per pool, the (switch, VLAN) pairs every system of it carries are computed once; a VM
// whose needs are all among them keeps the pool as it is (the common case: a site's systems all
// bridge the site's VLANs), so a site failure of ten thousand VMs builds no new pools.

import type { Placement } from "../generated/plan";
import type { NetworkMappingSpec } from "../model/protection";
import { adaptersOf, bridgedVlans, mapAdapters, missingOn, modelsNetwork, needs, useFor } from "../network/adapters";
import { readdress } from "../network/readdress";
import type { AffectedVm } from "./affected";
import type { PlanningContext } from "./context";
import type { Pool } from "./place";
import type { Destinations } from "./targets";
import type { PlanKind } from "./types";

export class NetworkConstraint {
  private readonly mappings: ReadonlyMap<string, NetworkMappingSpec>;
  /** Per pool key: the `switch/vlan` pairs all its systems carry (systems that model no network carry all). */
  private readonly carried = new Map<string, ReadonlySet<string>>();
  /** Per pool key and needs: the pool cut down to the systems that carry them. */
  private readonly narrowed = new Map<string, Pool | string>();

  constructor(
    private readonly ctx: PlanningContext,
    private readonly kind: PlanKind,
  ) {
    this.mappings = new Map((ctx.model.networkMappings ?? []).map((m) => [m.name, m]));
  }

  private mappingOf(vm: AffectedVm): NetworkMappingSpec | string | undefined {
    const name = vm.entry.group.networkMapping;
    if (name === undefined || adaptersOf(vm.lpar).length === 0) return undefined;
    return this.mappings.get(name) ?? `its group's NetworkMapping ${JSON.stringify(name)} is not declared: declare it or remove \`networkMapping\``;
  }

  private siteOf(system: string): string | undefined {
    return this.ctx.systems.get(system)?.site;
  }

  /** `dest` with each pool cut down to the systems that carry the VM's mapped network. */
  restrict(vm: AffectedVm, dest: Destinations): Destinations {
    const mapping = this.mappingOf(vm);
    if (mapping === undefined || dest.pools.length === 0) return dest;
    if (typeof mapping === "string") return { ...dest, pools: [], reason: mapping };
    const from = this.siteOf(vm.source) as string;
    const pools: Pool[] = [];
    const refused: string[] = [];
    for (const pool of dest.pools) {
      const site = this.siteOf(pool.systems[0]) as string;
      const use = useFor(mapping, from, site, this.kind === "drill");
      if (use === undefined) {
        refused.push(`site ${site}: NetworkMapping ${mapping.name} maps ${mapping.sourceSite} -> ${mapping.targetSite}, not ${from} -> ${site}`);
        continue;
      }
      const { adapters, problems } = mapAdapters(vm.lpar, mapping, use);
      if (problems.length > 0) {
        refused.push(`site ${site}: ${problems.map((p) => p.message).join("; ")}`);
        continue;
      }
      const narrowed = this.narrow(pool, needs(adapters), adapters);
      if (typeof narrowed === "string") refused.push(`site ${site}: ${narrowed}`);
      else pools.push(narrowed);
    }
    if (pools.length > 0) return { ...dest, pools };
    return { ...dest, pools: [], reason: `no system qualifies for its network (${refused.join("; ")})` };
  }

  private carriedBy(pool: Pool): ReadonlySet<string> {
    let set = this.carried.get(pool.key);
    if (set) return set;
    let common: Set<string> | undefined;
    for (const id of pool.systems) {
      const s = this.ctx.systems.get(id);
      if (!s || !modelsNetwork(s)) continue;
      const here = new Set<string>();
      for (const [sw, vlans] of bridgedVlans(s)) for (const v of vlans) here.add(`${sw}/${v}`);
      common = common === undefined ? here : new Set([...common].filter((k) => here.has(k)));
    }
    set = common ?? ALL;
    this.carried.set(pool.key, set);
    return set;
  }

  private narrow(pool: Pool, need: readonly string[], adapters: Parameters<typeof missingOn>[1]): Pool | string {
    const carried = this.carriedBy(pool);
    if (carried === ALL || need.every((k) => carried.has(k))) return pool;
    const key = `${pool.key}#net:${need.join(",")}`;
    let out = this.narrowed.get(key);
    if (out !== undefined) return out;
    const reasons: string[] = [];
    const systems = pool.systems.filter((id) => {
      const why = missingOn(this.ctx.systems.get(id) as NonNullable<ReturnType<PlanningContext["systems"]["get"]>>, adapters);
      if (why !== undefined) reasons.push(why);
      return why === undefined;
    });
    out =
      systems.length > 0
        ? { ...pool, key, systems }
        : `no system bridges its mapped VLANs on the mapped switch (${reasons.slice(0, 3).join("; ")}${reasons.length > 3 ? `; and ${reasons.length - 3} more` : ""})`;
    this.narrowed.set(key, out);
    return out;
  }

  /** The adapters and addresses a placed VM gets at `target`, for the plan. */
  placementNetwork(vm: AffectedVm, target: string): Placement["network"] {
    const mapping = this.mappingOf(vm);
    if (mapping === undefined || typeof mapping === "string") return undefined;
    const use = useFor(mapping, this.siteOf(vm.source) as string, this.siteOf(target) as string, this.kind === "drill");
    if (use === undefined) return undefined;
    const out: NonNullable<Placement["network"]> = { mapping: mapping.name, use, adapters: mapAdapters(vm.lpar, mapping, use).adapters, addresses: readdress(vm.lpar, mapping, use) };
    if (use === "drill") out.productionVlans = mapping.vlans.map((v) => v.target);
    return out;
  }
}

/** Stands for "every pair": a pool none of whose systems models its network. */
const ALL: ReadonlySet<string> = new Set<string>();
