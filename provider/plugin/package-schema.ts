// The Pulumi package schema of the `vmr` provider plugin, derived from schemas/*.schema.json (the one
// source of truth for every input): each resource's JSON Schema becomes its input and output
// properties, named object definitions become object types, and `oneOf` with a discriminator
// stays a union. String enums stay strings whose description lists the allowed values: Pulumi
// YAML (v1.25) refuses to pass an enum-typed output into an input of the same enum type, and the
// resource logic checks the values anyway. Descriptions, primitive defaults and the secret
// marking (`"x-pulumi-secret": true` in the JSON Schema) carry over.
//
//   node bin/provider/plugin/package-schema.js --write   rewrites schema.json at the repo root
//
// schema.json is checked in for readers and SDK generators (`pulumi package gen-sdk schema.json`);
// a unit test keeps it equal to a fresh derivation. The provider serves the fresh derivation.

import * as fs from "fs";
import * as path from "path";
import { loadSchema, schemaDir } from "../validation";
import { PACKAGE_NAME, RESOURCE_KINDS, packageToken, type ResourceKind } from "../tokens";

/** A JSON Schema node, as far as this translation reads it. */
interface JsonSchema {
  readonly $ref?: string;
  readonly title?: string;
  readonly description?: string;
  readonly type?: string | readonly string[];
  readonly properties?: Readonly<Record<string, JsonSchema>>;
  readonly required?: readonly string[];
  readonly items?: JsonSchema;
  readonly oneOf?: readonly JsonSchema[];
  readonly discriminator?: { readonly propertyName: string };
  readonly enum?: readonly unknown[];
  readonly const?: unknown;
  readonly default?: unknown;
  readonly definitions?: Readonly<Record<string, JsonSchema>>;
  readonly "x-pulumi-secret"?: boolean;
}

export interface TypeSpec {
  type?: string;
  $ref?: string;
  items?: TypeSpec;
  oneOf?: TypeSpec[];
  discriminator?: { propertyName: string; mapping: Record<string, string> };
}

export interface PropertySpec extends TypeSpec {
  description?: string;
  default?: string | number | boolean;
  const?: string | number | boolean;
  secret?: boolean;
}

interface ObjectTypeSpec {
  type: "object";
  description?: string;
  properties: Record<string, PropertySpec>;
  required?: string[];
}

export interface ResourceSpec {
  description?: string;
  inputProperties: Record<string, PropertySpec>;
  requiredInputs: string[];
  properties: Record<string, PropertySpec>;
  required: string[];
}

export interface PackageSpec {
  name: string;
  displayName: string;
  version: string;
  description: string;
  license: string;
  keywords: string[];
  meta: { moduleFormat: string };
  /** The provider takes no configuration (the CLI adds an empty one when it reads the schema). */
  config: Record<string, never>;
  provider: { description: string };
  resources: Record<string, ResourceSpec>;
  types: Record<string, ObjectTypeSpec>;
}

/**
 * Inputs the provider fills in itself when a program leaves them out: `name` defaults to the
 * Pulumi resource name (the TypeScript classes do the same in their constructors). Required in
 * the JSON Schema, optional in the package schema.
 */
export const DEFAULTED_BY_PROVIDER: readonly string[] = ["name"];

/** schemas/<file> of what each resource observes and returns besides its inputs. */
export const OUTPUTS_SCHEMA = "resource-outputs";

/** schemas/<file> of each resource's inputs. */
export function inputSchemaName(kind: ResourceKind): string {
  return kind.replace(/[A-Z]/g, (c, i: number) => (i === 0 ? c.toLowerCase() : `-${c.toLowerCase()}`));
}

const TYPE_PREFIX = `${PACKAGE_NAME}:index:`;
const isPrimitive = (v: unknown): v is string | number | boolean => ["string", "number", "boolean"].includes(typeof v);
const pascal = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);

/** A resolved reference: the node, the schema file it lives in, and the name it has there. */
interface Located {
  readonly node: JsonSchema;
  readonly file: string;
  readonly name?: string;
}

/** T for a JSON Schema type [T, "null"], else undefined. */
function nullableOf(node: JsonSchema): string | undefined {
  if (!Array.isArray(node.type)) return undefined;
  const others = node.type.filter((t) => t !== "null");
  return node.type.length === 2 && others.length === 1 ? others[0] : undefined;
}

class Translator {
  readonly types: Record<string, ObjectTypeSpec> = {};
  private readonly documents = new Map<string, JsonSchema>();

  constructor(private readonly load: (schemaName: string) => JsonSchema) {}

  document(file: string): JsonSchema {
    let doc = this.documents.get(file);
    if (!doc) {
      doc = this.load(file.replace(/\.schema\.json$/, ""));
      this.documents.set(file, doc);
    }
    return doc;
  }

  resolve(ref: string, file: string): Located {
    const [target, pointer = ""] = ref.split("#");
    const targetFile = target === "" ? file : target;
    const doc = this.document(targetFile);
    if (pointer === "") return { node: doc, file: targetFile, name: doc.title };
    const match = /^\/definitions\/([^/]+)$/.exec(pointer);
    const node = match ? doc.definitions?.[match[1]] : undefined;
    if (!match || !node) throw new Error(`${file}: cannot resolve $ref ${JSON.stringify(ref)}`);
    return { node, file: targetFile, name: match[1] };
  }

  property(node: JsonSchema, file: string, hint: string): PropertySpec {
    let located: Located = { node, file };
    const spec: PropertySpec = {};
    let description = node.description;
    let secret = node["x-pulumi-secret"] === true;
    let dflt = node.default;
    if (node.$ref) {
      located = this.resolve(node.$ref, file);
      description ??= located.node.description;
      secret ||= located.node["x-pulumi-secret"] === true;
      dflt ??= located.node.default;
    }
    Object.assign(spec, this.type(located.node, located.file, located.name ?? hint));
    const allowed = located.node.enum ?? located.node.items?.enum;
    if (allowed) description = `${description ? `${description}\n` : ""}Allowed values: ${allowed.map((v) => JSON.stringify(v)).join(", ")}.`;
    if (description) spec.description = description;
    if (isPrimitive(dflt)) spec.default = dflt;
    if (isPrimitive(located.node.const)) spec.const = located.node.const;
    if (secret) spec.secret = true;
    return spec;
  }

  type(node: JsonSchema, file: string, name: string): TypeSpec {
    if (node.$ref) {
      const located = this.resolve(node.$ref, file);
      return this.type(located.node, located.file, located.name ?? name);
    }
    if (node.oneOf) return this.union(node, file, name);
    if (node.enum) {
      if (!node.enum.every((v) => typeof v === "string")) throw new Error(`${file}: ${name}: only string enums are supported`);
      return { type: "string" };
    }
    // A nullable value (["number", "null"]: a prediction's quantile past the runs that come up) is
    // its type in the package schema; object() leaves it out of `required`, so the SDKs allow none.
    const type = nullableOf(node) ?? node.type;
    switch (type) {
      case "string":
      case "number":
      case "integer":
      case "boolean":
        return { type };
      case "array":
        if (!node.items) throw new Error(`${file}: array ${name} has no items`);
        return { type: "array", items: this.type(node.items, file, name) };
      case "object":
        if (node.properties) return this.object(node, file, name);
        return { $ref: "pulumi.json#/Any" };
      default:
        throw new Error(`${file}: ${name} has no type this translation knows (${JSON.stringify(node.type)})`);
    }
  }

  private union(node: JsonSchema, file: string, name: string): TypeSpec {
    const branches = (node.oneOf ?? []).map((branch, i) => {
      const located = branch.$ref ? this.resolve(branch.$ref, file) : { node: branch, file, name: `${name}${i}` };
      return { located, spec: this.type(located.node, located.file, located.name ?? `${name}${i}`) };
    });
    const spec: TypeSpec = { oneOf: branches.map((b) => b.spec) };
    const tag = node.discriminator?.propertyName;
    if (tag) {
      const mapping: Record<string, string> = {};
      for (const { located, spec: branch } of branches) {
        const value = located.node.properties?.[tag]?.const;
        if (typeof value !== "string" || !branch.$ref) throw new Error(`${file}: ${name}: every branch needs a const \`${tag}\``);
        mapping[value] = branch.$ref;
      }
      spec.discriminator = { propertyName: tag, mapping };
    }
    return spec;
  }

  private object(node: JsonSchema, file: string, name: string): TypeSpec {
    const spec: ObjectTypeSpec = { type: "object", properties: this.properties(node, file, name) };
    if (node.description) spec.description = node.description;
    const required = (node.required ?? []).filter((key) => !(node.properties?.[key] && nullableOf(node.properties[key])));
    if (required.length) spec.required = required;
    return { $ref: this.register(name, spec) };
  }

  properties(node: JsonSchema, file: string, owner: string): Record<string, PropertySpec> {
    const out: Record<string, PropertySpec> = {};
    for (const [key, child] of Object.entries(node.properties ?? {})) out[key] = this.property(child, file, owner + pascal(key));
    return out;
  }

  /** Adds a named type; two different shapes under one name are a schema authoring error. */
  private register(name: string, spec: ObjectTypeSpec): string {
    const token = TYPE_PREFIX + name;
    const existing = this.types[token];
    if (existing && JSON.stringify(existing) !== JSON.stringify(spec)) {
      throw new Error(`two different schema types are both named ${name}: rename one definition in schemas/`);
    }
    this.types[token] = spec;
    return `#/types/${token}`;
  }
}

function resourceSpec(t: Translator, kind: ResourceKind): ResourceSpec {
  const file = `${inputSchemaName(kind)}.schema.json`;
  const root = t.document(file);
  const inputProperties = t.properties(root, file, kind);
  const required = root.required ?? [];
  // A resource returns its inputs, with defaults applied, and what it observed.
  const observed = t.resolve(`${OUTPUTS_SCHEMA}.schema.json#/definitions/${kind}Outputs`, file);
  const spec: ResourceSpec = {
    inputProperties,
    requiredInputs: required.filter((p) => !DEFAULTED_BY_PROVIDER.includes(p)),
    properties: { ...inputProperties, ...t.properties(observed.node, observed.file, kind) },
    required: [...new Set([...required, ...DEFAULTED_BY_PROVIDER, ...(observed.node.required ?? [])])],
  };
  if (root.description) spec.description = root.description;
  return spec;
}

function packageVersion(): string {
  const manifest = JSON.parse(fs.readFileSync(path.join(path.dirname(schemaDir()), "package.json"), "utf8"));
  return String(manifest.version);
}

/** The package schema, derived afresh from schemas/. Keys are sorted so the text is stable. */
export function buildPackageSchema(load: (schemaName: string) => JsonSchema = loadSchema): PackageSpec {
  const t = new Translator(load);
  const resources: Record<string, ResourceSpec> = {};
  for (const kind of RESOURCE_KINDS) resources[packageToken(kind)] = resourceSpec(t, kind);
  return sortKeys({
    name: PACKAGE_NAME,
    displayName: "VM Recovery",
    version: packageVersion(),
    description: "Planned, parallel virtual-machine recovery for PowerVM and SAN storage, declared as Pulumi code.",
    license: "Apache-2.0",
    keywords: ["pulumi", "powervm", "disaster-recovery", "kind/native"],
    meta: { moduleFormat: "(.*)" },
    config: {},
    provider: { description: "The vmr provider. It takes no configuration: each resource says how to reach its adapter." },
    resources,
    types: t.types,
  });
}

/** The schema as the provider serves it and schema.json holds it. */
export function packageSchemaText(): string {
  return `${JSON.stringify(buildPackageSchema(), null, 2)}\n`;
}

/** Where the checked-in copy lives: schema.json beside package.json. */
export function checkedInSchemaPath(): string {
  return path.join(path.dirname(schemaDir()), "schema.json");
}

function sortKeys<T>(value: T): T {
  if (Array.isArray(value)) return value.map(sortKeys) as T;
  if (value && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) out[key] = sortKeys((value as Record<string, unknown>)[key]);
    return out as T;
  }
  return value;
}

if (require.main === module && process.argv.includes("--write")) {
  fs.writeFileSync(checkedInSchemaPath(), packageSchemaText());
}

/**
 * The paths of the fields the schemas mark secret in a resource's inputs (and so its outputs),
 * e.g. ["adapter", "hmc", "password"]; "[]" stands for every element of an array.
 */
export function secretPaths(kind: ResourceKind, load: (schemaName: string) => JsonSchema = loadSchema): string[][] {
  const t = new Translator(load);
  const file = `${inputSchemaName(kind)}.schema.json`;
  const found = new Map<string, string[]>();
  const walk = (node: JsonSchema, at: Located["file"], p: string[], depth: number): void => {
    if (depth > 32) throw new Error(`${file}: schema nests deeper than 32 levels at ${p.join(".")}`);
    if (node["x-pulumi-secret"] === true) found.set(p.join("."), p);
    if (node.$ref) {
      const located = t.resolve(node.$ref, at);
      walk(located.node, located.file, p, depth + 1);
    }
    for (const branch of node.oneOf ?? []) walk(branch, at, p, depth + 1);
    for (const [key, child] of Object.entries(node.properties ?? {})) walk(child, at, [...p, key], depth + 1);
    if (node.items) walk(node.items, at, [...p, "[]"], depth + 1);
  };
  walk(t.document(file), file, [], 0);
  return [...found.values()];
}
