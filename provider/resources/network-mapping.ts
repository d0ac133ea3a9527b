// NetworkMapping: how the VMs' network follows them from one site to the other (virtual switches,
// production VLANs, drill VLANs, IP re-addressing). Thin: logic in runtime/network-mapping.ts,
// required at run time.

import * as pulumi from "@pulumi/pulumi";
import { DYNAMIC_MODULE } from "../tokens";
import type { ResolvedNetworkMapping } from "./runtime/network-mapping";

type Runtime = typeof import("./runtime/network-mapping");

/** The serialized provider: every method requires the runtime inside itself (never captured). */
export class NetworkMappingProvider implements pulumi.dynamic.ResourceProvider {
  async check(olds: Record<string, unknown>, news: Record<string, unknown>) {
    return (require("pulumi-vm-recovery/runtime/network-mapping") as Runtime).ops.check(olds, news);
  }
  async diff(id: string, olds: Record<string, unknown>, news: Record<string, unknown>) {
    return (require("pulumi-vm-recovery/runtime/network-mapping") as Runtime).ops.diff(id, olds, news);
  }
  async create(inputs: Record<string, unknown>) {
    return (require("pulumi-vm-recovery/runtime/network-mapping") as Runtime).ops.create(inputs);
  }
  async read(id: string, props: Record<string, unknown>) {
    return (require("pulumi-vm-recovery/runtime/network-mapping") as Runtime).ops.read(id, props);
  }
  async update(id: string, olds: Record<string, unknown>, news: Record<string, unknown>) {
    return (require("pulumi-vm-recovery/runtime/network-mapping") as Runtime).ops.update(id, olds, news);
  }
  async delete(id: string, props: Record<string, unknown>) {
    return (require("pulumi-vm-recovery/runtime/network-mapping") as Runtime).ops.delete(id, props);
  }
}

const provider = new NetworkMappingProvider();

export interface SwitchPairArgs {
  /** Virtual switch at the source site (ETHERNET0, say). */
  source: pulumi.Input<string>;
  /** Virtual switch at the target site. */
  target: pulumi.Input<string>;
}

export interface VlanPairArgs {
  /** VLAN ID at the source site, 1-4094. */
  source: pulumi.Input<number>;
  /** VLAN ID at the target site, 1-4094. */
  target: pulumi.Input<number>;
}

export interface SubnetRuleArgs {
  /** Source subnet, CIDR (10.1.0.0/24). */
  source: pulumi.Input<string>;
  /** Target subnet of the same prefix length: addresses keep their host part. */
  target: pulumi.Input<string>;
  /** Default gateway in the target subnet. @default none */
  gateway?: pulumi.Input<string>;
  /** DNS servers in the target subnet. @default [] */
  dns?: pulumi.Input<pulumi.Input<string>[]>;
  /** Default gateway in the source subnet, handed back by a failback. @default none */
  sourceGateway?: pulumi.Input<string>;
  /** DNS servers in the source subnet, handed back by a failback. @default [] */
  sourceDns?: pulumi.Input<pulumi.Input<string>[]>;
}

export interface AddressRuleArgs {
  /** LPAR id. */
  lpar: pulumi.Input<string>;
  /** Index of the LPAR's client network adapter. @default 0 */
  adapter?: pulumi.Input<number>;
  /** Address at the target site, inside one of the target subnets. */
  address: pulumi.Input<string>;
}

export interface NetworkMappingArgs {
  /**
   * Name by which protection groups refer to this mapping.
   * @default the Pulumi resource name
   */
  name?: pulumi.Input<string>;
  /** Site the VMs run at in production. Changing it replaces the mapping. */
  sourceSite: pulumi.Input<string>;
  /** Site they recover to. Changing it replaces the mapping. */
  targetSite: pulumi.Input<string>;
  /**
   * Source virtual switch -> target virtual switch; every switch of a protected VM must be listed.
   * @default []
   */
  switches?: pulumi.Input<pulumi.Input<SwitchPairArgs>[]>;
  /**
   * Production VLAN map (failover, planned move; reversed by failback).
   * @default []
   */
  vlans?: pulumi.Input<pulumi.Input<VlanPairArgs>[]>;
  /**
   * VLAN map for drills: isolated VLANs, never a target of `vlans`.
   * @default []
   */
  drillVlans?: pulumi.Input<pulumi.Input<VlanPairArgs>[]>;
  /**
   * IP re-addressing at the target: subnet to subnet keeping the host part, or explicit addresses.
   * @default none (addresses are kept)
   */
  ipRules?: pulumi.Input<{ subnets?: pulumi.Input<pulumi.Input<SubnetRuleArgs>[]>; addresses?: pulumi.Input<pulumi.Input<AddressRuleArgs>[]> }>;
}

/**
 * The virtual-switch and VLAN maps for one pair of sites (production and drill, kept apart) and
 * the IP re-addressing rules. A declaration: creating or deleting it changes nothing on the
 * hardware; the groups that reference it recover their VMs onto the mapped networks.
 */
export class NetworkMapping extends pulumi.dynamic.Resource {
  declare readonly name: pulumi.Output<string>;
  declare readonly sourceSite: pulumi.Output<string>;
  declare readonly targetSite: pulumi.Output<string>;
  declare readonly switches: pulumi.Output<{ source: string; target: string }[]>;
  declare readonly vlans: pulumi.Output<{ source: number; target: number }[]>;
  declare readonly drillVlans: pulumi.Output<{ source: number; target: number }[]>;
  declare readonly ipRules: pulumi.Output<ResolvedNetworkMapping["ipRules"]>;
  /** The production maps reversed (target -> source): what a failback applies. */
  declare readonly failback: pulumi.Output<{ switches: { source: string; target: string }[]; vlans: { source: number; target: number }[] }>;
  /** The declaration, known during preview: ProtectionGroups copy it into their context. */
  readonly declaration: pulumi.Output<ResolvedNetworkMapping>;

  constructor(name: string, args: NetworkMappingArgs, opts?: pulumi.CustomResourceOptions) {
    const mappingName = args.name ?? name;
    super(
      provider,
      name,
      {
        name: mappingName,
        sourceSite: args.sourceSite,
        targetSite: args.targetSite,
        switches: args.switches,
        vlans: args.vlans,
        drillVlans: args.drillVlans,
        ipRules: args.ipRules,
        failback: undefined,
      },
      opts,
      DYNAMIC_MODULE,
      "NetworkMapping",
    );
    this.declaration = pulumi.output({
      name: mappingName,
      sourceSite: args.sourceSite,
      targetSite: args.targetSite,
      switches: args.switches ?? [],
      vlans: args.vlans ?? [],
      drillVlans: args.drillVlans ?? [],
      ipRules: args.ipRules,
    }) as pulumi.Output<ResolvedNetworkMapping>;
  }
}
