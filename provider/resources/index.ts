// The Pulumi resources of pulumi-vm-recovery.
export { ProtectionGroup, type ProtectionGroupArgs, type ProtectedVmArgs } from "./protection-group";
export { RecoveryTarget, type RecoveryTargetArgs, type RecoveryTargetDeclaration } from "./recovery-target";
export { NetworkMapping, type NetworkMappingArgs, type SwitchPairArgs, type VlanPairArgs, type SubnetRuleArgs, type AddressRuleArgs } from "./network-mapping";
export { StorageMapping, type StorageMappingArgs, type StorageMappingDeclaration, type VolumePairArgs } from "./storage-mapping";
export type { MemberStatus, Readiness, ReadinessIssue } from "./runtime/protection-group";
export type { Capacity, SystemStatus } from "./runtime/capacity";
export { dynamicToken, packageToken, resourceKindOf, type ResourceKind } from "../tokens";
export type { AdapterSettings, HardwareSettings, SimulatorSettings } from "../generated/adapter-settings";
