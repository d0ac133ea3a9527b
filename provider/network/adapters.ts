// How an LPAR's client network adapters look at another site under a NetworkMapping, and whether
// a managed system can carry them. Pure functions shared by the group's readiness (pulumi up),
// the planner's placement constraint and the executor's restart steps, so the three never differ.
//
// Vocabulary:
// - use: which map applies. "production" (failover, planned move: sourceSite -> targetSite with
//   `vlans`), "failback" (targetSite -> sourceSite, `vlans` reversed), "drill" (sourceSite ->
//   targetSite with `drillVlans`), "same" (a move inside one site: nothing is mapped).
// - carried: a system carries a (switch, VLAN) when it has the switch and at least one of its
//   VIOSes bridges the VLAN on it (a shared Ethernet adapter); a VLAN no VIOS bridges reaches no
//   other system, so a VM on it would come up on a dead network.

import type { ClientNetworkAdapter, ResolvedLpar, ResolvedManagedSystem } from "../model";
import type { NetworkMappingSpec } from "../model/protection";

export type MappingUse = "production" | "failback" | "drill" | "same";

export interface NetworkProblem {
  readonly lpar: string;
  /** Index of the adapter in the LPAR's `adapters`. */
  readonly adapter: number;
  readonly code: "switch" | "vlan" | "sriov";
  readonly message: string;
}

/** The LPAR's client adapters; none when its network is not modelled. */
export function adaptersOf(lpar: Pick<ResolvedLpar, "adapters">): readonly ClientNetworkAdapter[] {
  return lpar.adapters ?? [];
}

/** Every VLAN an adapter carries: its PVID, then its tagged VLANs. */
export function vlansOf(a: ClientNetworkAdapter): number[] {
  return [a.pvid, ...(a.taggedVlans ?? [])];
}

/** Which map a move from `fromSite` to `toSite` uses, or undefined when the mapping does not cover that pair. */
export function useFor(m: NetworkMappingSpec, fromSite: string, toSite: string, drill: boolean): MappingUse | undefined {
  if (fromSite === toSite) return drill ? undefined : "same";
  if (fromSite === m.sourceSite && toSite === m.targetSite) return drill ? "drill" : "production";
  if (!drill && fromSite === m.targetSite && toSite === m.sourceSite) return "failback";
  return undefined;
}

/** Per mapping object, its maps by use: a site failure maps ten thousand LPARs with the same ones. */
const mapsCache = new WeakMap<NetworkMappingSpec, Map<MappingUse, { vlans?: ReadonlyMap<number, number>; switches?: ReadonlyMap<string, string> }>>();

function mapsOf(m: NetworkMappingSpec, use: MappingUse): { vlans?: ReadonlyMap<number, number>; switches?: ReadonlyMap<string, string> } {
  let byUse = mapsCache.get(m);
  if (!byUse) mapsCache.set(m, (byUse = new Map()));
  let maps = byUse.get(use);
  if (!maps) byUse.set(use, (maps = { vlans: vlanMap(m, use), switches: switchMap(m, use) }));
  return maps;
}

function vlanMap(m: NetworkMappingSpec, use: MappingUse): ReadonlyMap<number, number> | undefined {
  if (use === "same") return undefined;
  if (use === "drill") return new Map(m.drillVlans.map((v) => [v.source, v.target]));
  if (use === "failback") return new Map(m.vlans.map((v) => [v.target, v.source]));
  return new Map(m.vlans.map((v) => [v.source, v.target]));
}

function switchMap(m: NetworkMappingSpec, use: MappingUse): ReadonlyMap<string, string> | undefined {
  if (use === "same") return undefined;
  if (use === "failback") return new Map(m.switches.map((s) => [s.target, s.source]));
  return new Map(m.switches.map((s) => [s.source, s.target]));
}

const MAP_FIELD: Record<MappingUse, string> = { production: "vlans", failback: "vlans (reversed)", drill: "drillVlans", same: "" };

/**
 * The LPAR's adapters as they must be at the destination, and what the mapping cannot map. An
 * SR-IOV logical port is a problem for every move to another system: a remote restart cannot
 * take it along. The MAC address is kept (the HMC keeps it on a remote restart).
 */
export function mapAdapters(lpar: Pick<ResolvedLpar, "id" | "adapters">, m: NetworkMappingSpec, use: MappingUse): { adapters: ClientNetworkAdapter[]; problems: NetworkProblem[] } {
  const { vlans, switches } = mapsOf(m, use);
  const problems: NetworkProblem[] = [];
  const adapters = adaptersOf(lpar).map((a, i) => {
    if ((a.kind ?? "virtual") === "sriov") {
      problems.push({ lpar: lpar.id, adapter: i, code: "sriov", message: `LPAR ${lpar.id} adapter ${i} is an SR-IOV logical port, which a remote restart cannot move: replace it by a virtual Ethernet adapter (or a vNIC backed at both sites)` });
      return a;
    }
    if (!vlans || !switches) return a;
    const sw = switches.get(a.switch);
    if (sw === undefined) {
      problems.push({ lpar: lpar.id, adapter: i, code: "switch", message: `LPAR ${lpar.id} adapter ${i} is on virtual switch ${a.switch}, which NetworkMapping ${m.name} does not map: add it to \`switches\`` });
    }
    const unmapped = vlansOf(a).filter((v) => !vlans.has(v));
    if (unmapped.length > 0) {
      problems.push({ lpar: lpar.id, adapter: i, code: "vlan", message: `LPAR ${lpar.id} adapter ${i} carries VLAN ${unmapped.join(", ")}, which NetworkMapping ${m.name} does not map in \`${MAP_FIELD[use]}\`: add it there` });
    }
    const mapped: ClientNetworkAdapter = { ...a, switch: sw ?? a.switch, pvid: vlans.get(a.pvid) ?? a.pvid, taggedVlans: (a.taggedVlans ?? []).map((v: number) => vlans.get(v) ?? v) };
    return mapped;
  });
  return { adapters, problems };
}

/** Per system object, its bridged VLANs and the failedVioses they were computed with (a VIOS may fail later). */
const bridgedCache = new WeakMap<object, { failed: unknown; map: ReadonlyMap<string, ReadonlySet<number>> }>();

/**
 * Per virtual switch of the system, the VLANs at least one of its surviving VIOSes bridges: a
 * VIOS in `failedVioses` bridges nothing (its shared Ethernet adapter is gone with it), so a VLAN
 * only it bridged is carried no more.
 */
export function bridgedVlans(system: Pick<ResolvedManagedSystem, "virtualSwitches" | "failedVioses">): ReadonlyMap<string, ReadonlySet<number>> {
  const cached = bridgedCache.get(system);
  if (cached && cached.failed === system.failedVioses) return cached.map;
  const failed = new Set(system.failedVioses ?? []);
  const map = new Map<string, Set<number>>();
  for (const sw of system.virtualSwitches ?? []) {
    const set = map.get(sw.name) ?? new Set<number>();
    for (const b of sw.bridges ?? []) if (!failed.has(b.vios)) for (const v of b.vlans) set.add(v);
    map.set(sw.name, set);
  }
  bridgedCache.set(system, { failed: system.failedVioses, map });
  return map;
}

/** Does the system model its network at all? One that does not is not held to the constraint. */
export function modelsNetwork(system: Pick<ResolvedManagedSystem, "virtualSwitches">): boolean {
  return (system.virtualSwitches ?? []).length > 0;
}

/** " (bridged only by failed VIOS x)" when the VLAN was lost with a VIOS, so the reason says why. */
function lostWith(system: Pick<ResolvedManagedSystem, "virtualSwitches" | "failedVioses">, sw: string, vlan: number): string {
  const failed = new Set(system.failedVioses ?? []);
  if (failed.size === 0) return "";
  const by = (system.virtualSwitches ?? []).filter((s) => s.name === sw).flatMap((s) => (s.bridges ?? []).filter((b) => failed.has(b.vios) && b.vlans.includes(vlan)).map((b) => b.vios));
  return by.length > 0 ? ` (bridged only by failed VIOS ${by.join(", ")})` : "";
}

/** (switch, VLAN) pairs as `switch/vlan` keys: the network a set of adapters needs. */
export function needs(adapters: readonly ClientNetworkAdapter[]): string[] {
  const out = new Set<string>();
  for (const a of adapters) if ((a.kind ?? "virtual") === "virtual") for (const v of vlansOf(a)) out.add(`${a.switch}/${v}`);
  return [...out].sort();
}

/** Why `system` cannot carry `adapters`, or undefined when it can (or does not model its network). */
export function missingOn(system: Pick<ResolvedManagedSystem, "id" | "virtualSwitches" | "failedVioses">, adapters: readonly ClientNetworkAdapter[]): string | undefined {
  if (!modelsNetwork(system)) return undefined;
  const bridged = bridgedVlans(system);
  const missing: string[] = [];
  for (const key of needs(adapters)) {
    const [sw, v] = key.split("/");
    const on = bridged.get(sw);
    if (!on) missing.push(`switch ${sw}`);
    else if (!on.has(Number(v))) missing.push(`VLAN ${v} on ${sw}${lostWith(system, sw, Number(v))}`);
  }
  return missing.length > 0 ? `${system.id} lacks ${[...new Set(missing)].join(", ")}` : undefined;
}
