// What the user declared in Pulumi: the protection model. The resources (provider/resources/)
// write it into stack state; the state loader (provider/stack/) reads it back; the planner plans
// from it plus live discovery. Plain data, no behaviour.

import type { AdapterSettings } from "../generated/adapter-settings";
import type { LparHome } from "../generated/resource-outputs";

export interface HookSpec {
  /** Executable and arguments (spawned with an argument array, never through a shell). */
  readonly command: readonly string[];
  /** @default 300 */
  readonly timeoutSeconds?: number;
}

export interface ProtectedVm {
  /** LPAR id. */
  readonly lpar: string;
  /** Overrides the group's SLA level. */
  readonly slaLevel?: number;
  /** LPAR ids that must be running before this one starts. */
  readonly after?: readonly string[];
}

export interface ProtectionGroupSpec {
  readonly name: string;
  /** Higher restarts first. */
  readonly slaLevel: number;
  readonly vms: readonly ProtectedVm[];
  /** Sets of LPAR ids that must not restart on the same managed system. */
  readonly antiAffinity: readonly (readonly string[])[];
  readonly rtoBudgetSeconds?: number;
  /** Name of the RecoveryTarget. */
  readonly recoveryTarget: string;
  /** Names of the StorageMappings that carry the group's volumes. */
  readonly storageMappings: readonly string[];
  /** Name of the NetworkMapping its VMs' adapters follow; absent: the network is not managed. */
  readonly networkMapping?: string;
  readonly hooks?: { readonly pre?: readonly HookSpec[]; readonly post?: readonly HookSpec[] };
  /** May its VMs start smaller at the recovery site (schemas/protection-group.schema.json, FlexibleCapacity)? Absent: full size only. */
  readonly flexibleCapacity?: FlexibleCapacitySpec;
  /**
   * Not declared: where each VM lives at home, as the stack recorded it (the group's `homes`
   * output, provider/resources/runtime/homes.ts). A failback returns each VM there.
   */
  readonly homes?: readonly VmHome[];
}

/** A non-critical LPAR at the recovery site (schemas/recovery-target.schema.json, NonCriticalVm), defaults filled in. */
export interface NonCriticalSpec {
  readonly lpar: string;
  readonly action: "stop" | "suspend";
  /** It yields only to VMs of a higher level. */
  readonly slaLevel: number;
}

/** A share of each VM's processor units and memory it may start with, for the plan kinds it applies to. */
export interface FlexibleCapacitySpec {
  /** 0 < percent <= 100. */
  readonly processorPercent: number;
  /** 0 < percent <= 100. */
  readonly memoryPercent: number;
  readonly appliesTo: "failover" | "drill" | "both";
}

/** A VM's home system and how its own volumes were mapped there (schemas/resource-outputs.schema.json, LparHome). */
export type VmHome = LparHome;

export interface RecoveryTargetSpec {
  readonly name: string;
  /** Site the target's systems are at. */
  readonly site: string;
  /** Managed system ids that may receive VMs. */
  readonly systems: readonly string[];
  /** Capacity each system keeps free, never used by recovery. */
  readonly reserve: { readonly processorUnits: number; readonly memoryGb: number };
  /** Overrides the adapter's concurrent remote-restart limit per system. */
  readonly maxConcurrentRestarts?: number;
  /** LPARs on its systems that may be stopped or suspended for VMs of a higher SLA level. @default [] */
  readonly nonCritical?: readonly NonCriticalSpec[];
  /** Connection settings; secrets are decoded by the state loader. */
  readonly adapter: AdapterSettings;
}

export interface StorageMappingSpec {
  readonly name: string;
  /** Remote-copy consistency group id. */
  readonly consistencyGroup: string;
  /** Source volume id -> replica volume id. */
  readonly pairs: readonly { readonly source: string; readonly replica: string }[];
  /** How replicas are presented at the target. */
  readonly presentation: { readonly via: "vscsi" | "npiv" };
  readonly mode: "sync" | "async";
  readonly rpoSeconds?: number;
  /** Managed systems the replicas may be presented to (empty: any system of the recovery target). */
  readonly targetHosts?: readonly string[];
}

export interface SwitchPairSpec {
  readonly source: string;
  readonly target: string;
}

export interface VlanPairSpec {
  readonly source: number;
  readonly target: number;
}

export interface SubnetRuleSpec {
  /** CIDR at the source site. */
  readonly source: string;
  /** CIDR at the target site, same prefix length. */
  readonly target: string;
  readonly gateway?: string;
  readonly dns: readonly string[];
  /** Gateway and DNS of the source subnet: what a failback hands back (absent: none). */
  readonly sourceGateway?: string;
  readonly sourceDns?: readonly string[];
}

export interface AddressRuleSpec {
  readonly lpar: string;
  /** Index of the LPAR's client network adapter. */
  readonly adapter: number;
  readonly address: string;
}

/** A NetworkMapping as declared, defaults filled in (schemas/network-mapping.schema.json). */
export interface NetworkMappingSpec {
  readonly name: string;
  readonly sourceSite: string;
  readonly targetSite: string;
  readonly switches: readonly SwitchPairSpec[];
  /** Production VLAN map. */
  readonly vlans: readonly VlanPairSpec[];
  /** Drill VLAN map: isolated VLANs at the target site. */
  readonly drillVlans: readonly VlanPairSpec[];
  readonly ipRules?: { readonly subnets: readonly SubnetRuleSpec[]; readonly addresses: readonly AddressRuleSpec[] };
}

export interface ProtectionModel {
  readonly stack?: string;
  readonly groups: readonly ProtectionGroupSpec[];
  readonly targets: readonly RecoveryTargetSpec[];
  readonly storageMappings: readonly StorageMappingSpec[];
  /** @default [] */
  readonly networkMappings?: readonly NetworkMappingSpec[];
  /** What the state loader settled and plans repeat: a VM listed by two groups, or only by a replaced group's old copy, mid-`up`. */
  readonly stateWarnings?: readonly string[];
}
