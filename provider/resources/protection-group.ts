// ProtectionGroup: VMs recovered together. Thin: logic in runtime/protection-group.ts, required
// at run time. The class resolves the RecoveryTarget and StorageMappings it references into its
// `context` input (from their declarations, so previews know them), and notices a VM listed by
// two groups of the same program.

import * as pulumi from "@pulumi/pulumi";
import type { FlexibleCapacity, Hook } from "../generated/protection-group";
import type { MemberStatus, Readiness } from "./runtime/protection-group";
import type { LparHome } from "./runtime/homes";
import type { RecoveryTarget } from "./recovery-target";
import type { StorageMapping } from "./storage-mapping";
import type { NetworkMapping } from "./network-mapping";
import { DYNAMIC_MODULE } from "../tokens";

type Runtime = typeof import("./runtime/protection-group");

/** The serialized provider: every method requires the runtime inside itself (never captured). */
export class ProtectionGroupProvider implements pulumi.dynamic.ResourceProvider {
  async check(olds: Record<string, unknown>, news: Record<string, unknown>) {
    return (require("pulumi-vm-recovery/runtime/protection-group") as Runtime).ops.check(olds, news);
  }
  async diff(id: string, olds: Record<string, unknown>, news: Record<string, unknown>) {
    return (require("pulumi-vm-recovery/runtime/protection-group") as Runtime).ops.diff(id, olds, news);
  }
  async create(inputs: Record<string, unknown>) {
    return (require("pulumi-vm-recovery/runtime/protection-group") as Runtime).ops.create(inputs);
  }
  async read(id: string, props: Record<string, unknown>) {
    return (require("pulumi-vm-recovery/runtime/protection-group") as Runtime).ops.read(id, props);
  }
  async update(id: string, olds: Record<string, unknown>, news: Record<string, unknown>) {
    return (require("pulumi-vm-recovery/runtime/protection-group") as Runtime).ops.update(id, olds, news);
  }
  async delete(id: string, props: Record<string, unknown>) {
    return (require("pulumi-vm-recovery/runtime/protection-group") as Runtime).ops.delete(id, props);
  }
}

const provider = new ProtectionGroupProvider();

export interface ProtectedVmArgs {
  /** LPAR id as discovery reports it. */
  lpar: pulumi.Input<string>;
  /**
   * Overrides the group's SLA level for this VM (0-9, higher restarts first).
   * @default the group's slaLevel
   */
  slaLevel?: pulumi.Input<number>;
  /**
   * LPARs of this group that must be running before this one starts.
   * @default []
   */
  after?: pulumi.Input<pulumi.Input<string>[]>;
}

export interface ProtectionGroupArgs {
  /**
   * Name of the group in plans and reports. Changing it replaces the group.
   * @default the Pulumi resource name
   */
  name?: pulumi.Input<string>;
  /**
   * Restart priority (0-9): higher restarts first. A change is an update, never a replacement.
   * @default 1
   */
  slaLevel?: pulumi.Input<number>;
  /** The protected VMs: LPAR ids, or objects with per-VM SLA level and dependencies. Sizes come from discovery. */
  vms: pulumi.Input<pulumi.Input<string | ProtectedVmArgs>[]>;
  /**
   * Sets of LPARs of this group that must not restart on the same managed system.
   * @default []
   */
  antiAffinity?: pulumi.Input<pulumi.Input<pulumi.Input<string>[]>[]>;
  /**
   * Recovery time objective of the group in seconds; plans that exceed it say so.
   * @default none
   */
  rtoBudgetSeconds?: pulumi.Input<number>;
  /**
   * Lets the VMs start with a share of their processor units and memory at the recovery site
   * when it is short, never below each LPAR's minimum; for a failover, a drill or both.
   * @default none (VMs start at full size or wait)
   */
  flexibleCapacity?: pulumi.Input<FlexibleCapacity>;
  /** The RecoveryTarget the VMs restart on. */
  recoveryTarget: RecoveryTarget;
  /**
   * The StorageMappings that carry the VMs' volumes.
   * @default []
   */
  storageMappings?: StorageMapping[];
  /**
   * The NetworkMapping the VMs' adapters follow (switches, VLANs, IP re-addressing); the post
   * hooks receive each VM's new addresses as JSON.
   * @default none (the network is not managed)
   */
  networkMapping?: NetworkMapping;
  /**
   * Commands run before the group's first restart and after its last (argument arrays, no shell).
   * @default none
   */
  hooks?: pulumi.Input<{ pre?: pulumi.Input<Hook[]>; post?: pulumi.Input<Hook[]> }>;
}

interface Claim {
  readonly group: pulumi.Output<string>;
  readonly lpars: pulumi.Output<string[]>;
}

/** Groups constructed so far in this program: a VM listed by two of them is reported by the later one's check. */
const programClaims: Claim[] = [];

/** Forgets the groups of this process (tests that build several programs in one process). */
export function resetProgramClaims(): void {
  programClaims.length = 0;
}

function normalizeVm(vm: string | { lpar: string; slaLevel?: number; after?: string[] }) {
  return typeof vm === "string" ? { lpar: vm } : vm;
}

/**
 * VMs protected together: SLA level, dependencies, anti-affinity, RTO budget, the RecoveryTarget
 * and StorageMappings they use, and hooks. Creating it marks the LPARs remote-restart capable and
 * checks that the target could hold them; `readiness` says what is wrong, without failing `up`.
 */
export class ProtectionGroup extends pulumi.dynamic.Resource {
  declare readonly name: pulumi.Output<string>;
  declare readonly slaLevel: pulumi.Output<number>;
  declare readonly vms: pulumi.Output<{ lpar: string; slaLevel?: number; after: string[] }[]>;
  declare readonly antiAffinity: pulumi.Output<string[][]>;
  declare readonly rtoBudgetSeconds: pulumi.Output<number | undefined>;
  /** The share of their size the VMs may start with at the recovery site, when declared. */
  declare readonly flexibleCapacity: pulumi.Output<FlexibleCapacity | undefined>;
  /** Name of the RecoveryTarget. */
  declare readonly recoveryTarget: pulumi.Output<string>;
  /** Names of the StorageMappings. */
  declare readonly storageMappings: pulumi.Output<string[]>;
  /** Name of the NetworkMapping, when the group has one. */
  declare readonly networkMapping: pulumi.Output<string | undefined>;
  declare readonly hooks: pulumi.Output<{ pre: Hook[]; post: Hook[] } | undefined>;
  /** Per VM, as discovered: host and site it runs at now, size, volumes, remote-restart capability. */
  declare readonly members: pulumi.Output<MemberStatus[]>;
  /** ready, or what is wrong: missing capacity and how much, a volume not replicated, an LPAR gone. */
  declare readonly readiness: pulumi.Output<Readiness>;
  /** Sites the group's VMs run at now: after a failover, the recovery site. */
  declare readonly currentSites: pulumi.Output<string[]>;
  /** What differs from the declaration and the next `pulumi up` repairs. */
  declare readonly drift: pulumi.Output<string[]>;
  /** Per VM, the system and volume mappings it runs on at home, kept while it runs on replicas: where `vmr failback` returns it. */
  declare readonly homes: pulumi.Output<LparHome[] | undefined>;

  constructor(name: string, args: ProtectionGroupArgs, opts?: pulumi.CustomResourceOptions) {
    const groupName = pulumi.output(args.name ?? name);
    const vms = pulumi.output(args.vms).apply((list) => list.map(normalizeVm));
    const lpars = vms.apply((list) => list.map((v) => v.lpar));
    const earlier = programClaims.slice();
    programClaims.push({ group: groupName, lpars });
    const claimedElsewhere = pulumi
      .all([lpars, pulumi.all(earlier.map((c) => pulumi.all([c.group, c.lpars])))])
      .apply(([mine, others]) => {
        const wanted = new Set(mine);
        return others.flatMap(([group, theirs]) => theirs.filter((l) => wanted.has(l)).map((lpar) => ({ lpar, group })));
      });
    const mappings = args.storageMappings ?? [];
    const network = args.networkMapping;
    const target = args.recoveryTarget.declaration;
    const context = pulumi
      .all([target, pulumi.all(mappings.map((m) => m.declaration)), claimedElsewhere, network?.declaration])
      .apply(([t, ms, claims, net]) => ({
        target: { site: t.site, systems: t.systems, reserve: t.reserve, adapter: t.adapter, verify: t.verify, ...(t.nonCritical ? { nonCritical: t.nonCritical } : {}) },
        consistencyGroups: ms.map((m) => m.consistencyGroup),
        claimedElsewhere: claims,
        ...(net ? { network: net } : {}),
        stack: pulumi.getStack(),
      }));
    super(
      provider,
      name,
      {
        name: groupName,
        slaLevel: args.slaLevel,
        vms,
        antiAffinity: args.antiAffinity,
        rtoBudgetSeconds: args.rtoBudgetSeconds,
        flexibleCapacity: args.flexibleCapacity,
        recoveryTarget: target.apply((t) => t.name),
        storageMappings: pulumi.all(mappings.map((m) => m.declaration.apply((d) => d.name))),
        networkMapping: network?.declaration.apply((d) => d.name),
        hooks: args.hooks,
        context,
        members: undefined,
        readiness: undefined,
        currentSites: undefined,
        drift: undefined,
        homes: undefined,
      },
      { ...opts, dependsOn: dependencies(opts?.dependsOn, [args.recoveryTarget, ...mappings, ...(network ? [network] : [])]) },
      DYNAMIC_MODULE,
      "ProtectionGroup",
    );
    // A readiness problem is a warning in `pulumi up`, never a failure.
    this.readiness.apply((r) => {
      if (r && r.status === "notReady") {
        pulumi.log.warn(`protection group not ready:\n${r.issues.map((i) => `  - ${i.message}`).join("\n")}`, this);
      }
      if (r?.notes && r.notes.length > 0) pulumi.log.warn(`before a failover, know that:\n${r.notes.map((i) => `  - ${i.message}`).join("\n")}`, this);
    });
  }
}

function dependencies(
  given: pulumi.CustomResourceOptions["dependsOn"],
  referenced: pulumi.Resource[],
): pulumi.Input<pulumi.Input<pulumi.Resource>[]> {
  if (!given) return referenced;
  return pulumi.output(given).apply((g) => [...(Array.isArray(g) ? g : [g]), ...referenced]);
}
