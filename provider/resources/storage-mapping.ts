// StorageMapping: a remote-copy consistency group's volume pairs and how the replicas are
// presented at the recovery site. Thin: logic in runtime/storage-mapping.ts, required at run time.

import * as pulumi from "@pulumi/pulumi";
import type { AdapterSettings } from "../generated/adapter-settings";
import { protectCredentials } from "./credentials";
import { DYNAMIC_MODULE } from "../tokens";

type Runtime = typeof import("./runtime/storage-mapping");

/** The serialized provider: every method requires the runtime inside itself (never captured). */
export class StorageMappingProvider implements pulumi.dynamic.ResourceProvider {
  async check(olds: Record<string, unknown>, news: Record<string, unknown>) {
    return (require("pulumi-vm-recovery/runtime/storage-mapping") as Runtime).ops.check(olds, news);
  }
  async diff(id: string, olds: Record<string, unknown>, news: Record<string, unknown>) {
    return (require("pulumi-vm-recovery/runtime/storage-mapping") as Runtime).ops.diff(id, olds, news);
  }
  async create(inputs: Record<string, unknown>) {
    return (require("pulumi-vm-recovery/runtime/storage-mapping") as Runtime).ops.create(inputs);
  }
  async read(id: string, props: Record<string, unknown>) {
    return (require("pulumi-vm-recovery/runtime/storage-mapping") as Runtime).ops.read(id, props);
  }
  async update(id: string, olds: Record<string, unknown>, news: Record<string, unknown>) {
    return (require("pulumi-vm-recovery/runtime/storage-mapping") as Runtime).ops.update(id, olds, news);
  }
  async delete(id: string, props: Record<string, unknown>) {
    return (require("pulumi-vm-recovery/runtime/storage-mapping") as Runtime).ops.delete(id, props);
  }
}

const provider = new StorageMappingProvider();

export interface VolumePairArgs {
  /** Volume the protected VM uses (master side). */
  source: pulumi.Input<string>;
  /** Its copy at the recovery site (auxiliary side). */
  replica: pulumi.Input<string>;
}

export interface StorageMappingArgs {
  /**
   * Name by which protection groups refer to this mapping.
   * @default the Pulumi resource name
   */
  name?: pulumi.Input<string>;
  /** Id of the remote-copy (Metro / Global Mirror) consistency group. Changing it replaces the mapping. */
  consistencyGroup: pulumi.Input<string>;
  /** Source volume -> replica volume, replicated together. */
  pairs: pulumi.Input<pulumi.Input<VolumePairArgs>[]>;
  /**
   * How replicas are presented to the target hosts: vSCSI through the VIOS, or NPIV.
   * @default { via: "vscsi" }
   */
  presentation?: pulumi.Input<{ via?: pulumi.Input<"vscsi" | "npiv"> }>;
  /**
   * Metro Mirror (sync) or Global Mirror (async).
   * @default "sync"
   */
  mode?: pulumi.Input<"sync" | "async">;
  /**
   * Largest replication lag tolerated; a larger lag makes `withinRpo` false.
   * @default none (no lag check)
   */
  rpoSeconds?: pulumi.Input<number>;
  /**
   * Managed systems the replicas may be presented to; each must exist in discovery.
   * @default []
   */
  targetHosts?: pulumi.Input<pulumi.Input<string>[]>;
  /**
   * How to reach the SAN storage. Give passwords as Pulumi secrets.
   * @default { type: "simulator" }
   */
  adapter?: pulumi.Input<AdapterSettings>;
  /**
   * Check the consistency group and volumes against the storage at preview and create; false
   * records the declaration only.
   * @default true
   */
  verify?: pulumi.Input<boolean>;
}

/** The mapping as declared, known during preview. */
export interface StorageMappingDeclaration {
  name: string;
  consistencyGroup: string;
}

/**
 * Which source volumes replicate to which replicas (one consistency group), how the replicas are
 * presented to the target hosts, and the replication mode and RPO. Deleting it stops nothing.
 */
export class StorageMapping extends pulumi.dynamic.Resource {
  declare readonly name: pulumi.Output<string>;
  declare readonly consistencyGroup: pulumi.Output<string>;
  declare readonly pairs: pulumi.Output<{ source: string; replica: string }[]>;
  declare readonly presentation: pulumi.Output<{ via: "vscsi" | "npiv" }>;
  declare readonly mode: pulumi.Output<"sync" | "async">;
  declare readonly rpoSeconds: pulumi.Output<number | undefined>;
  declare readonly targetHosts: pulumi.Output<string[]>;
  declare readonly adapter: pulumi.Output<AdapterSettings>;
  declare readonly verify: pulumi.Output<boolean>;
  /** The consistency group's state, "missing" when it is gone, "unverified" when not contacted. */
  declare readonly replicationState: pulumi.Output<string>;
  /** Which side is the copy source now: "aux" after a failover or switch. */
  declare readonly primary: pulumi.Output<"master" | "aux" | "unknown">;
  /** True after a failover made the replicas writable. */
  declare readonly auxWritable: pulumi.Output<boolean>;
  /** Replication lag in seconds. */
  declare readonly lagSeconds: pulumi.Output<number>;
  /** False when the lag exceeds `rpoSeconds` or replication is not running. */
  declare readonly withinRpo: pulumi.Output<boolean>;
  /** Differences between the declaration and the storage, found at create or refresh. */
  declare readonly drift: pulumi.Output<string[]>;
  /** The declaration, known during preview: ProtectionGroups read it. */
  readonly declaration: pulumi.Output<StorageMappingDeclaration>;

  constructor(name: string, args: StorageMappingArgs, opts?: pulumi.CustomResourceOptions) {
    const mappingName = args.name ?? name;
    const adapter = protectCredentials(args.adapter);
    super(
      provider,
      name,
      {
        name: mappingName,
        consistencyGroup: args.consistencyGroup,
        pairs: args.pairs,
        presentation: args.presentation,
        mode: args.mode,
        rpoSeconds: args.rpoSeconds,
        targetHosts: args.targetHosts,
        adapter,
        verify: args.verify,
        replicationState: undefined,
        primary: undefined,
        auxWritable: undefined,
        lagSeconds: undefined,
        withinRpo: undefined,
        drift: undefined,
      },
      opts,
      DYNAMIC_MODULE,
      "StorageMapping",
    );
    this.declaration = pulumi.output({ name: mappingName, consistencyGroup: args.consistencyGroup });
  }
}
