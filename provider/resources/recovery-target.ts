// RecoveryTarget: the managed systems at a site that may receive VMs. Thin: the provider's
// logic lives in runtime/recovery-target.ts and is required at run time from the consumer's
// node_modules, so the provider text serialized into state stays tiny and upgrade-safe.

import * as pulumi from "@pulumi/pulumi";
import type { AdapterSettings } from "../generated/adapter-settings";
import type { NonCriticalVm } from "../generated/recovery-target";
import { protectCredentials } from "./credentials";
import type { Capacity, SystemStatus } from "./runtime/capacity";
import type { TargetHealth } from "./runtime/recovery-target";
import { DYNAMIC_MODULE } from "../tokens";

type Runtime = typeof import("./runtime/recovery-target");

/** The serialized provider: every method requires the runtime inside itself (never captured). */
export class RecoveryTargetProvider implements pulumi.dynamic.ResourceProvider {
  async check(olds: Record<string, unknown>, news: Record<string, unknown>) {
    return (require("pulumi-vm-recovery/runtime/recovery-target") as Runtime).ops.check(olds, news);
  }
  async diff(id: string, olds: Record<string, unknown>, news: Record<string, unknown>) {
    return (require("pulumi-vm-recovery/runtime/recovery-target") as Runtime).ops.diff(id, olds, news);
  }
  async create(inputs: Record<string, unknown>) {
    return (require("pulumi-vm-recovery/runtime/recovery-target") as Runtime).ops.create(inputs);
  }
  async read(id: string, props: Record<string, unknown>) {
    return (require("pulumi-vm-recovery/runtime/recovery-target") as Runtime).ops.read(id, props);
  }
  async update(id: string, olds: Record<string, unknown>, news: Record<string, unknown>) {
    return (require("pulumi-vm-recovery/runtime/recovery-target") as Runtime).ops.update(id, olds, news);
  }
  async delete(id: string, props: Record<string, unknown>) {
    return (require("pulumi-vm-recovery/runtime/recovery-target") as Runtime).ops.delete(id, props);
  }
}

const provider = new RecoveryTargetProvider();

export interface RecoveryTargetArgs {
  /**
   * Name by which protection groups and `vmr` commands refer to this target.
   * @default the Pulumi resource name
   */
  name?: pulumi.Input<string>;
  /** Site the systems are at. Changing it replaces the target. */
  site: pulumi.Input<string>;
  /** Ids of the managed systems (POWER servers) at `site` that may receive VMs. */
  systems: pulumi.Input<pulumi.Input<string>[]>;
  /**
   * Capacity each system keeps free: recovery never places VMs into it.
   * @default { processorUnits: 0, memoryGb: 0 }
   */
  reserve?: pulumi.Input<{ processorUnits?: pulumi.Input<number>; memoryGb?: pulumi.Input<number> }>;
  /**
   * Remote restarts each system takes at once; lowers the adapter's limit (MAX_NUM_RR, 32).
   * @default the adapter's limit
   */
  maxConcurrentRestarts?: pulumi.Input<number>;
  /**
   * LPARs on the target's systems that may be stopped or suspended to free room for recovered
   * VMs (test, development), each yielding only to VMs of a higher SLA level than its own.
   * @default []
   */
  nonCritical?: pulumi.Input<pulumi.Input<NonCriticalVm>[]>;
  /**
   * How to reach the HMC and the SAN storage. Give passwords as Pulumi secrets (`pulumi.secret`,
   * or `config.requireSecret`): they are then encrypted in the stack state.
   * @default { type: "simulator" } (state directory from $VMR_SIM_STATE, then ./.vmr/sim)
   */
  adapter?: pulumi.Input<AdapterSettings>;
  /**
   * Check the systems against discovery at preview and read their capacity at create; false
   * records the declaration without contacting the adapter.
   * @default true
   */
  verify?: pulumi.Input<boolean>;
}

/** The target as declared, known during preview: what a ProtectionGroup needs of it. */
export interface RecoveryTargetDeclaration {
  name: string;
  site: string;
  systems: string[];
  reserve?: { processorUnits?: number; memoryGb?: number };
  adapter?: AdapterSettings;
  verify?: boolean;
  nonCritical?: NonCriticalVm[];
}

/**
 * Managed systems at a site that may receive VMs, the capacity they keep in reserve, their
 * restart concurrency, and the adapter connection. Creating it changes nothing on the hardware.
 */
export class RecoveryTarget extends pulumi.dynamic.Resource {
  declare readonly name: pulumi.Output<string>;
  declare readonly site: pulumi.Output<string>;
  declare readonly systems: pulumi.Output<string[]>;
  declare readonly reserve: pulumi.Output<Capacity>;
  declare readonly maxConcurrentRestarts: pulumi.Output<number | undefined>;
  declare readonly adapter: pulumi.Output<AdapterSettings>;
  declare readonly verify: pulumi.Output<boolean>;
  /** Processor units and memory of the target's operating systems, as discovered. */
  declare readonly capacity: pulumi.Output<Capacity>;
  /** What recovered VMs may still use: capacity minus active LPARs minus the reserve. */
  declare readonly free: pulumi.Output<Capacity>;
  /** healthy: every system operating; degraded: some; down: none; unverified: not contacted. */
  declare readonly health: pulumi.Output<TargetHealth>;
  /** Per system: state, capacity and free capacity. */
  declare readonly systemStatus: pulumi.Output<SystemStatus[]>;
  /** The declaration (inputs), known during preview: ProtectionGroups read it. */
  readonly declaration: pulumi.Output<RecoveryTargetDeclaration>;

  constructor(name: string, args: RecoveryTargetArgs, opts?: pulumi.CustomResourceOptions) {
    const targetName = args.name ?? name;
    const adapter = protectCredentials(args.adapter);
    super(
      provider,
      name,
      {
        name: targetName,
        site: args.site,
        systems: args.systems,
        reserve: args.reserve,
        maxConcurrentRestarts: args.maxConcurrentRestarts,
        nonCritical: args.nonCritical,
        adapter,
        verify: args.verify,
        capacity: undefined,
        free: undefined,
        health: undefined,
        systemStatus: undefined,
      },
      opts,
      DYNAMIC_MODULE,
      "RecoveryTarget",
    );
    this.declaration = pulumi.output({
      name: targetName,
      site: args.site,
      systems: args.systems,
      reserve: args.reserve,
      adapter,
      verify: args.verify,
      nonCritical: args.nonCritical,
    }) as pulumi.Output<RecoveryTargetDeclaration>;
  }
}
