// The second front door: the protection resources served through the full Pulumi provider
// protocol (`@pulumi/pulumi/provider`), so programs in YAML, Go, Python, .NET and Java can declare
// them as `vmr:index:<Kind>`. Every lifecycle call goes to the same resource logic the dynamic
// providers of TypeScript programs use; this class only routes by type token, fills in the inputs
// a program may leave out, and translates values at the protocol boundary (wire.ts).

import type * as dynamic from "@pulumi/pulumi/dynamic";
import type * as provider from "@pulumi/pulumi/provider";
import { packageToken, resourceKindOf, type ResourceKind } from "../tokens";
import { markSecrets, plain, toWire, UNKNOWN } from "./wire";

/** One resource's lifecycle, exactly as its dynamic provider implements it. */
export type ResourceLogic = dynamic.ResourceProvider;

export interface VmrProviderOptions {
  /** The lifecycle of each resource kind. */
  readonly logic: Readonly<Record<ResourceKind, ResourceLogic>>;
  /** The package schema text (package-schema.ts). */
  readonly schema: () => string;
  /** The secret fields of each kind (package-schema.ts `secretPaths`). */
  readonly secretPaths: (kind: ResourceKind) => readonly (readonly string[])[];
  /** Semver of the plugin. */
  readonly version: string;
}

/**
 * What this door asks of a program that the TypeScript classes fill in themselves: a
 * ProtectionGroup class copies its RecoveryTarget's declaration into `context.target`; a program
 * in another language must pass it, or the group would check itself against the default simulator.
 */
const FRONT_DOOR_RULES: Readonly<Record<ResourceKind, (given: Record<string, unknown>) => provider.CheckFailure[]>> = {
  ProtectionGroup: (given) => {
    const context = given.context;
    if (context === UNKNOWN || (context !== null && typeof context === "object" && (context as Record<string, unknown>).target !== undefined)) return [];
    return [
      {
        property: "context.target",
        reason:
          "`context.target` is missing: pass the RecoveryTarget's declaration from its outputs, e.g. in YAML " +
          "`context: { target: { site: ${t.site}, systems: ${t.systems}, reserve: ${t.reserve}, adapter: ${t.adapter}, verify: ${t.verify} } }` " +
          "(the TypeScript ProtectionGroup class fills it in; see docs/other-languages.md)",
      },
    ];
  },
  RecoveryTarget: () => [],
  StorageMapping: () => [],
  NetworkMapping: () => [],
};

/** The parts of a resource URN this provider needs: `urn:pulumi:<stack>::<project>::<type>::<name>`. */
export function parseUrn(urn: string): { stack: string; type: string; name: string } {
  const parts = urn.split("::");
  if (parts.length < 4) throw new Error(`not a resource URN: ${JSON.stringify(urn)}`);
  const qualifiedType = parts[2];
  return { stack: parts[0].replace(/^urn:pulumi:/, ""), type: qualifiedType.slice(qualifiedType.lastIndexOf("$") + 1), name: parts.slice(3).join("::") };
}

export class VmrProvider implements provider.Provider {
  readonly version: string;

  constructor(private readonly options: VmrProviderOptions) {
    this.version = options.version;
  }

  async getSchema(): Promise<string> {
    return this.options.schema();
  }

  async check(urn: string, olds: unknown, news: unknown): Promise<provider.CheckResult> {
    const { kind, logic } = this.route(urn);
    const given = plain(news) as Record<string, unknown>;
    const inputs: Record<string, unknown> = { ...given };
    // The one input in DEFAULTED_BY_PROVIDER: the name defaults to the Pulumi resource name.
    if (inputs.name === undefined) inputs.name = parseUrn(urn).name;
    // A group's stack (its readiness reads the stack's latency profile), as the TypeScript class fills it in.
    const context = inputs.context;
    if (kind === "ProtectionGroup" && context !== null && typeof context === "object" && (context as Record<string, unknown>).stack === undefined) {
      inputs.context = { ...(context as Record<string, unknown>), stack: parseUrn(urn).stack };
    }
    const doorFailures = FRONT_DOOR_RULES[kind](given);
    if (!logic.check) return { inputs: this.outgoing(kind, inputs), failures: doorFailures };
    const result = await logic.check(plain(olds ?? {}), inputs);
    return {
      inputs: this.outgoing(kind, result.inputs ?? inputs),
      failures: [...doorFailures, ...(result.failures ?? []).map((f) => ({ property: f.property, reason: f.reason }))],
    };
  }

  async diff(id: string, urn: string, olds: unknown, news: unknown): Promise<provider.DiffResult> {
    const { logic } = this.route(urn);
    if (!logic.diff) return {};
    return logic.diff(id, plain(olds), plain(news));
  }

  async create(urn: string, inputs: unknown): Promise<provider.CreateResult> {
    const { kind, logic } = this.route(urn);
    const result = await logic.create(plain(inputs));
    return { id: result.id, outs: this.outgoing(kind, result.outs) };
  }

  async read(id: string, urn: string, props: unknown): Promise<provider.ReadResult> {
    const { kind, logic } = this.route(urn);
    if (!logic.read) return { id, props: this.outgoing(kind, plain(props)) };
    const result = await logic.read(id, plain(props));
    return { id: result.id, props: this.outgoing(kind, result.props) };
  }

  async update(id: string, urn: string, olds: unknown, news: unknown): Promise<provider.UpdateResult> {
    const { kind, logic } = this.route(urn);
    if (!logic.update) throw new Error(`${kind} cannot be updated in place; its diff must ask for a replacement`);
    const result = await logic.update(id, plain(olds), plain(news));
    return { outs: this.outgoing(kind, result.outs) };
  }

  async delete(id: string, urn: string, props: unknown): Promise<void> {
    const { logic } = this.route(urn);
    if (logic.delete) await logic.delete(id, plain(props));
  }

  private route(urn: string): { kind: ResourceKind; logic: ResourceLogic } {
    const { type } = parseUrn(urn);
    const kind = resourceKindOf(type);
    if (!kind || type !== packageToken(kind)) throw new Error(`unknown resource type ${type}: this provider serves vmr:index:{ProtectionGroup,RecoveryTarget,StorageMapping,NetworkMapping}`);
    return { kind, logic: this.options.logic[kind] };
  }

  /** Properties on their way to the engine: secret fields marked, undefined fields dropped. */
  private outgoing(kind: ResourceKind, value: unknown): unknown {
    return markSecrets(toWire(value), this.options.secretPaths(kind));
  }
}
