// Type tokens of the three resources: `pulumi-nodejs:dynamic/vmr:<Type>`. The state loader finds
// the resources in a stack by these, so they never change.

/** Module part of the tokens, passed to pulumi.dynamic.Resource. */
export const TOKEN_MODULE = "vmr";

export const RESOURCE_TYPES = {
  recoveryTarget: "RecoveryTarget",
  storageMapping: "StorageMapping",
  protectionGroup: "ProtectionGroup",
} as const;

export function typeToken(type: string): string {
  return `pulumi-nodejs:dynamic/${TOKEN_MODULE}:${type}`;
}

export const TYPE_TOKENS = {
  recoveryTarget: typeToken(RESOURCE_TYPES.recoveryTarget),
  storageMapping: typeToken(RESOURCE_TYPES.storageMapping),
  protectionGroup: typeToken(RESOURCE_TYPES.protectionGroup),
} as const;
