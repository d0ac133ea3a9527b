/* Generated from schemas/ by scripts/gen-types.js: do not edit. Run `npm run gen`. */

/**
 * An IPv4 address: 10.2.0.17.
 *
 * This interface was referenced by `NetworkMappingInputs`'s JSON-Schema
 * via the `definition` "Ipv4".
 */
export type Ipv4 = string;
/**
 * An identifier: letters, digits, '.', '_' and '-', starting with a letter or digit.
 *
 * This interface was referenced by `NetworkMappingInputs`'s JSON-Schema
 * via the `definition` "Id".
 */
export type Id = string;
/**
 * An IEEE 802.1Q VLAN ID, 1-4094.
 *
 * This interface was referenced by `NetworkMappingInputs`'s JSON-Schema
 * via the `definition` "VlanId".
 */
export type VlanId = number;
/**
 * An IPv4 subnet in CIDR notation, host bits zero: 10.1.0.0/24.
 *
 * This interface was referenced by `NetworkMappingInputs`'s JSON-Schema
 * via the `definition` "Cidr".
 */
export type Cidr = string;

/**
 * How the network of the VMs follows them from one site to the other: virtual switches and VLANs for a failover (production) and, separately, for drills (isolated), and optional IP re-addressing rules.
 */
export interface NetworkMappingInputs {
  /**
   * Name by which protection groups refer to this mapping.
   * @default the Pulumi resource name
   */
  name: string;
  /**
   * Site the VMs run at in production. Changing it replaces the mapping.
   */
  sourceSite: string;
  /**
   * Site they recover to. Changing it replaces the mapping.
   */
  targetSite: string;
  /**
   * Source virtual switch -> target virtual switch. Every switch a protected VM's adapter is on must be listed (list it onto itself to keep its name).
   * @default []
   */
  switches?: SwitchPair[];
  /**
   * Production VLAN map for a failover, planned move and (reversed) failback: source VLAN ID -> target VLAN ID.
   * @default []
   */
  vlans?: VlanPair[];
  /**
   * VLAN map for drills: source VLAN ID -> an isolated VLAN at the target site, never one of its production VLANs (`vlans[].target`).
   * @default []
   */
  drillVlans?: VlanPair[];
  ipRules?: IpRules;
}
/**
 * This interface was referenced by `NetworkMappingInputs`'s JSON-Schema
 * via the `definition` "SwitchPair".
 */
export interface SwitchPair {
  /**
   * Virtual switch name at the source site (ETHERNET0, say).
   */
  source: string;
  /**
   * Virtual switch name at the target site.
   */
  target: string;
}
/**
 * This interface was referenced by `NetworkMappingInputs`'s JSON-Schema
 * via the `definition` "VlanPair".
 */
export interface VlanPair {
  /**
   * VLAN ID at the source site.
   */
  source: number;
  /**
   * VLAN ID at the target site.
   */
  target: number;
}
/**
 * IP re-addressing at the target site, handed to the guest by the group's post-restart hook.
 * @default none (addresses are kept)
 */
export interface IpRules {
  /**
   * Subnet to subnet, keeping the host part.
   * @default []
   */
  subnets?: SubnetRule[];
  /**
   * Explicit per-VM addresses; they win over the subnet rules.
   * @default []
   */
  addresses?: AddressRule[];
}
/**
 * This interface was referenced by `NetworkMappingInputs`'s JSON-Schema
 * via the `definition` "SubnetRule".
 */
export interface SubnetRule {
  /**
   * Subnet of the addresses at the source site.
   */
  source: string;
  /**
   * Subnet at the target site, of the same prefix length: an address keeps its host part.
   */
  target: string;
  /**
   * Default gateway in the target subnet.
   * @default none
   */
  gateway?: string;
  /**
   * DNS servers for VMs in the target subnet.
   * @default []
   */
  dns?: Ipv4[];
  /**
   * An IPv4 address: 10.2.0.17.
   */
  sourceGateway?: string;
  /**
   * DNS servers for VMs in the source subnet, handed back by a failback.
   * @default []
   */
  sourceDns?: Ipv4[];
}
/**
 * This interface was referenced by `NetworkMappingInputs`'s JSON-Schema
 * via the `definition` "AddressRule".
 */
export interface AddressRule {
  /**
   * LPAR id.
   */
  lpar: string;
  /**
   * Index of the LPAR's client network adapter.
   * @default 0
   */
  adapter?: number;
  /**
   * An IPv4 address: 10.2.0.17.
   */
  address: string;
}
/**
 * This interface was referenced by `NetworkMappingInputs`'s JSON-Schema
 * via the `definition` "IpRules".
 */
export interface IpRules1 {
  /**
   * Subnet to subnet, keeping the host part.
   * @default []
   */
  subnets?: SubnetRule[];
  /**
   * Explicit per-VM addresses; they win over the subnet rules.
   * @default []
   */
  addresses?: AddressRule[];
}
