// Stack state -> ProtectionModel: finds the four resource types in an exported deployment and
// maps their outputs (which hold the declaration, with defaults filled in by check) to the specs
// the planner reads. One mapping, here, so resources and planner never disagree about it.

import { ValidationError } from "../errors";
import type {
  AddressRuleSpec,
  FlexibleCapacitySpec,
  NonCriticalSpec,
  HookSpec,
  NetworkMappingSpec,
  ProtectionGroupSpec,
  ProtectionModel,
  RecoveryTargetSpec,
  StorageMappingSpec,
  SubnetRuleSpec,
} from "../model/protection";
import type { AdapterSettings } from "../generated/adapter-settings";
import { resourceKindOf, type ResourceKind } from "../tokens";
import { homesOf } from "../resources/runtime/homes";
import { revealSecrets } from "./secrets";
import { settleMembership, type GroupInState } from "./membership";

/** One resource as `pulumi stack export` writes it (the fields we read). */
export interface ExportedResource {
  readonly urn: string;
  readonly type: string;
  readonly id?: string;
  readonly custom?: boolean;
  readonly delete?: boolean;
  readonly inputs?: Record<string, unknown>;
  readonly outputs?: Record<string, unknown>;
  /** When the engine last wrote the resource (ISO 8601; recent engines record it). */
  readonly modified?: string;
}

export interface ExportedDeployment {
  readonly resources?: readonly ExportedResource[];
}

/** A protection resource found in the stack, outputs decoded, `__provider` dropped. */
export interface LoadedResource {
  readonly urn: string;
  readonly type: ResourceKind;
  readonly id: string;
  /** Name in the model (the resource's `name` output). */
  readonly name: string;
  /** Every output: the declaration plus what discovery observed (members, readiness, capacity, replication). */
  readonly outputs: Record<string, unknown>;
}

export interface LoadedProtection {
  readonly model: ProtectionModel;
  /** Stack and project, from the resources' URNs (undefined for an empty stack). */
  readonly stack?: string;
  readonly project?: string;
  readonly resources: readonly LoadedResource[];
}

type Props = Record<string, unknown>;

function str(p: Props, key: string, urn: string): string {
  const v = p[key];
  if (typeof v !== "string") {
    throw new ValidationError("stack state", [{ path: `${urn}.${key}`, message: `\`${key}\` of ${urn} is ${JSON.stringify(v)}, not a string: the state was not written by this package; refresh or re-create the resource` }]);
  }
  return v;
}

function strings(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((s): s is string => typeof s === "string") : [];
}

function num(v: unknown): number | undefined {
  return typeof v === "number" ? v : undefined;
}

function hooks(v: unknown): HookSpec[] | undefined {
  if (!Array.isArray(v)) return undefined;
  return v.map((h: Props) => ({ command: strings(h.command), ...(num(h.timeoutSeconds) !== undefined ? { timeoutSeconds: num(h.timeoutSeconds) } : {}) }));
}

function nonCriticalOf(n: Props, urn: string): NonCriticalSpec {
  return { lpar: str(n, "lpar", urn), action: n.action === "suspend" ? "suspend" : "stop", slaLevel: num(n.slaLevel) ?? 0 };
}

/** The group's flexible capacity as stored (the provider validated it), when it declares one. */
function flexibleOf(v: unknown): { flexibleCapacity?: FlexibleCapacitySpec } {
  if (typeof v !== "object" || v === null) return {};
  const f = v as Props;
  const processorPercent = num(f.processorPercent);
  const memoryPercent = num(f.memoryPercent);
  if (processorPercent === undefined || memoryPercent === undefined) return {};
  const appliesTo = f.appliesTo === "failover" || f.appliesTo === "drill" ? f.appliesTo : "both";
  return { flexibleCapacity: { processorPercent, memoryPercent, appliesTo } };
}

export function groupSpec(p: Props, urn: string): ProtectionGroupSpec {
  const vms = (Array.isArray(p.vms) ? p.vms : []).map((v: Props) => ({
    lpar: str(v, "lpar", urn),
    ...(num(v.slaLevel) !== undefined ? { slaLevel: num(v.slaLevel) } : {}),
    after: strings(v.after),
  }));
  const h = p.hooks as Props | undefined;
  const homes = homesOf(p);
  return {
    name: str(p, "name", urn),
    slaLevel: num(p.slaLevel) ?? 1,
    vms,
    antiAffinity: (Array.isArray(p.antiAffinity) ? p.antiAffinity : []).map(strings),
    ...(num(p.rtoBudgetSeconds) !== undefined ? { rtoBudgetSeconds: num(p.rtoBudgetSeconds) } : {}),
    recoveryTarget: str(p, "recoveryTarget", urn),
    storageMappings: strings(p.storageMappings),
    ...(typeof p.networkMapping === "string" ? { networkMapping: p.networkMapping } : {}),
    ...(h ? { hooks: { pre: hooks(h.pre) ?? [], post: hooks(h.post) ?? [] } } : {}),
    ...flexibleOf(p.flexibleCapacity),
    ...(homes !== undefined ? { homes } : {}),
  };
}

export function targetSpec(p: Props, urn: string): RecoveryTargetSpec {
  const reserve = (p.reserve ?? {}) as Props;
  return {
    name: str(p, "name", urn),
    site: str(p, "site", urn),
    systems: strings(p.systems),
    reserve: { processorUnits: num(reserve.processorUnits) ?? 0, memoryGb: num(reserve.memoryGb) ?? 0 },
    ...(num(p.maxConcurrentRestarts) !== undefined ? { maxConcurrentRestarts: num(p.maxConcurrentRestarts) } : {}),
    ...(Array.isArray(p.nonCritical) && p.nonCritical.length > 0 ? { nonCritical: p.nonCritical.map((n: Props) => nonCriticalOf(n, urn)) } : {}),
    adapter: (p.adapter as AdapterSettings | undefined) ?? { type: "simulator" },
  };
}

export function mappingSpec(p: Props, urn: string): StorageMappingSpec {
  const presentation = (p.presentation ?? {}) as Props;
  return {
    name: str(p, "name", urn),
    consistencyGroup: str(p, "consistencyGroup", urn),
    pairs: (Array.isArray(p.pairs) ? p.pairs : []).map((x: Props) => ({ source: str(x, "source", urn), replica: str(x, "replica", urn) })),
    presentation: { via: presentation.via === "npiv" ? "npiv" : "vscsi" },
    mode: p.mode === "async" ? "async" : "sync",
    ...(num(p.rpoSeconds) !== undefined ? { rpoSeconds: num(p.rpoSeconds) } : {}),
    targetHosts: strings(p.targetHosts),
  };
}

/** A NetworkMapping's outputs: validated by its `check`, so only the defaults are filled in here. */
export function networkMappingSpec(p: Props, urn: string): NetworkMappingSpec {
  const pairs = <T>(v: unknown): T[] => (Array.isArray(v) ? (v as T[]) : []);
  const rules = p.ipRules as Props | undefined;
  return {
    name: str(p, "name", urn),
    sourceSite: str(p, "sourceSite", urn),
    targetSite: str(p, "targetSite", urn),
    switches: pairs(p.switches),
    vlans: pairs(p.vlans),
    drillVlans: pairs(p.drillVlans),
    ...(rules
      ? {
          ipRules: {
            subnets: pairs<Props>(rules.subnets).map((r) => ({ ...(r as unknown as SubnetRuleSpec), dns: strings(r.dns), sourceDns: strings(r.sourceDns) })),
            addresses: pairs<Props>(rules.addresses).map((a) => ({ ...(a as unknown as AddressRuleSpec), adapter: num(a.adapter) ?? 0 })),
          },
        }
      : {}),
  };
}

/** `urn:pulumi:<stack>::<project>::<type>::<name>` -> stack and project. */
export function parseUrn(urn: string): { stack: string; project: string } | undefined {
  const m = /^urn:pulumi:([^:]+)::([^:]+)::/.exec(urn);
  return m ? { stack: m[1], project: m[2] } : undefined;
}

/** Builds the model from a deployment (`exportStack().deployment`, or a file's `deployment`). */
export function protectionModelFromDeployment(deployment: ExportedDeployment): LoadedProtection {
  const groups: GroupInState[] = [];
  const oldGroupCopies: GroupInState[] = [];
  const targets: RecoveryTargetSpec[] = [];
  const storageMappings: StorageMappingSpec[] = [];
  const networkMappings: NetworkMappingSpec[] = [];
  const resources: LoadedResource[] = [];
  let where: { stack: string; project: string } | undefined;
  for (const r of deployment.resources ?? []) {
    where ??= parseUrn(r.urn);
    // Both token families: dynamic resources of TypeScript programs and the provider plugin's.
    const kind = resourceKindOf(r.type);
    if (!kind) continue;
    // A resource marked `delete` is an old copy awaiting deletion after a replacement: only a
    // group's still counts, for the VMs no live group lists yet (membership.ts says why).
    if (r.delete && kind !== "ProtectionGroup") continue;
    const outputs = revealSecrets({ ...(r.outputs ?? r.inputs ?? {}) }, r.urn) as Props;
    delete outputs.__provider;
    let name: string;
    if (kind === "ProtectionGroup") {
      const spec = groupSpec(outputs, r.urn);
      const inState = { urn: r.urn, spec, ...(r.modified !== undefined ? { modified: r.modified } : {}) };
      if (r.delete) {
        oldGroupCopies.push(inState);
        continue;
      }
      groups.push(inState);
      name = spec.name;
    } else if (kind === "RecoveryTarget") {
      const spec = targetSpec(outputs, r.urn);
      targets.push(spec);
      name = spec.name;
    } else if (kind === "NetworkMapping") {
      const spec = networkMappingSpec(outputs, r.urn);
      networkMappings.push(spec);
      name = spec.name;
    } else {
      const spec = mappingSpec(outputs, r.urn);
      storageMappings.push(spec);
      name = spec.name;
    }
    resources.push({ urn: r.urn, type: kind, id: r.id ?? name, name, outputs });
  }
  const membership = settleMembership(groups, oldGroupCopies);
  return {
    model: {
      stack: where?.stack,
      groups: membership.groups,
      targets,
      storageMappings,
      networkMappings,
      ...(membership.warnings.length > 0 ? { stateWarnings: membership.warnings } : {}),
    },
    stack: where?.stack,
    project: where?.project,
    resources,
  };
}
