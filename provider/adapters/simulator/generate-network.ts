// The network of a generated topology: each site has its own VLAN IDs (site 1: 101-1xx, site 2:
// 201-2xx, ...) and its own 10.<site>.0.0/16 subnet, so that a failover must map both. Every
// system has one virtual switch, ETHERNET0, whose VLANs both VIOSes bridge (a shared Ethernet
// adapter failover pair), the site's own and the isolated drill range 3001-30xx; each LPAR has
// one virtual Ethernet adapter with a PVID and tagged VLANs.

import type { ClientNetworkAdapter, VirtualSwitch } from "../../model";
import type { NetworkMappingSpec } from "../../model/protection";

export interface NetworkOptions {
  /** VLANs each site carries. */
  readonly vlansPerSite: number;
  /** VLANs of each LPAR's adapter (PVID and tagged), at most `vlansPerSite`. */
  readonly vlansPerLpar: number;
}

export const GENERATED_SWITCH = "ETHERNET0";
/** First VLAN of the drill range at every site: isolated, never a production VLAN. */
const DRILL_BASE = 3000;

/** The production VLANs of site number `s` (0-based). */
export function siteVlans(s: number, o: NetworkOptions): number[] {
  return Array.from({ length: o.vlansPerSite }, (_, k) => (s + 1) * 100 + k + 1);
}

export function siteSubnet(s: number): string {
  return `10.${s + 1}.0.0/16`;
}

/** The isolated drill VLANs every site also bridges (to a network of their own, not the production one). */
export function drillVlans(o: NetworkOptions): number[] {
  return Array.from({ length: o.vlansPerSite }, (_, k) => DRILL_BASE + k + 1);
}

export function systemSwitches(s: number, o: NetworkOptions, vioses: readonly string[]): VirtualSwitch[] {
  const vlans = [...siteVlans(s, o), ...drillVlans(o)];
  return [{ name: GENERATED_SWITCH, bridges: vioses.map((vios) => ({ vios, vlans: [...vlans] })) }];
}

/** The adapter of the `n`th LPAR (1-based, over all sites) at site `s`. */
export function lparAdapter(s: number, n: number, o: NetworkOptions): ClientNetworkAdapter {
  const vlans = siteVlans(s, o);
  const count = Math.max(1, Math.min(o.vlansPerLpar, vlans.length));
  const picked = Array.from({ length: count }, (_, k) => vlans[(n + k) % vlans.length]);
  const hex = n.toString(16).padStart(8, "0");
  return {
    switch: GENERATED_SWITCH,
    pvid: picked[0],
    taggedVlans: picked.slice(1),
    mac: `02${(s + 1).toString(16).padStart(2, "0")}${hex}`.toUpperCase(),
    kind: "virtual",
    ipAddress: `10.${s + 1}.${Math.floor(n / 250) % 256}.${(n % 250) + 1}`,
  };
}

/** The NetworkMapping from generated site `from` to `to`: VLAN k to VLAN k, subnet to subnet, drill VLANs apart. */
export function generatedMapping(from: number, to: number, o: NetworkOptions, names: { from: string; to: string }): NetworkMappingSpec {
  const a = siteVlans(from, o);
  const b = siteVlans(to, o);
  return {
    name: `${names.from}-to-${names.to}`,
    sourceSite: names.from,
    targetSite: names.to,
    switches: [{ source: GENERATED_SWITCH, target: GENERATED_SWITCH }],
    vlans: a.map((v, k) => ({ source: v, target: b[k] })),
    drillVlans: a.map((v, k) => ({ source: v, target: drillVlans(o)[k] })),
    ipRules: {
      subnets: [{ source: siteSubnet(from), target: siteSubnet(to), gateway: `10.${to + 1}.0.1`, dns: [`10.${to + 1}.0.53`], sourceGateway: `10.${from + 1}.0.1`, sourceDns: [`10.${from + 1}.0.53`] }],
      addresses: [],
    },
  };
}
