// The Pulumi type tokens of the four protection resources, in one place. A resource reaches the
// stack through one of two front doors, and each door names it with its own token family:
// - the dynamic providers of TypeScript programs (provider/resources/):
//   `pulumi-nodejs:dynamic/vmr:<Kind>` (the `module` and `type` arguments of dynamic.Resource);
// - the provider plugin that programs in every Pulumi language use (provider/plugin/):
//   `vmr:index:<Kind>`.
// The stack loader must read both into the same ProtectionModel, so it asks `resourceKindOf`.

/** The protection resources, named as both token families name them. */
export const RESOURCE_KINDS = ["ProtectionGroup", "RecoveryTarget", "StorageMapping", "NetworkMapping"] as const;
export type ResourceKind = (typeof RESOURCE_KINDS)[number];

/** The Pulumi package name of the provider plugin (`pulumi-resource-vmr`, `pulumi:providers:vmr`). */
export const PACKAGE_NAME = "vmr";

/** The `module` argument the dynamic resources pass to `dynamic.Resource`. */
export const DYNAMIC_MODULE = "vmr";

/** `vmr:index:ProtectionGroup`: the token of the provider plugin's resource. */
export function packageToken(kind: ResourceKind): string {
  return `${PACKAGE_NAME}:index:${kind}`;
}

/** `pulumi-nodejs:dynamic/vmr:ProtectionGroup`: the token of the dynamic resource. */
export function dynamicToken(kind: ResourceKind): string {
  return `pulumi-nodejs:dynamic/${DYNAMIC_MODULE}:${kind}`;
}

const KIND_BY_TOKEN: ReadonlyMap<string, ResourceKind> = new Map(
  RESOURCE_KINDS.flatMap((kind) => [
    [packageToken(kind), kind] as const,
    [dynamicToken(kind), kind] as const,
  ]),
);

/** Every token that names a protection resource, from either front door. */
export const RESOURCE_TOKENS: readonly string[] = [...KIND_BY_TOKEN.keys()];

/** The kind a stack resource's `type` names, or undefined when it is not one of ours. */
export function resourceKindOf(type: string): ResourceKind | undefined {
  return KIND_BY_TOKEN.get(type);
}
