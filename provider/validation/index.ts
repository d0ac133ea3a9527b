// Validation at the edge: JSON Schema (ajv) for shapes, then a table of cross-field rules for
// what a schema cannot say. Every failure is reported together, each naming the field path, the
// value given, what is allowed and how to fix it. A value is quoted without its secrets: fields the
// schemas mark `x-pulumi-secret`, fields named like a credential and Pulumi secret values.

import * as fs from "fs";
import * as path from "path";
import Ajv, { type ErrorObject, type ValidateFunction } from "ajv";
import addFormats from "ajv-formats";
import { ValidationError, type ValidationIssue } from "../errors";
import { isSecretName } from "../executor/redact";
import { OUTPUT_VALUE_SIG, SECRET_SIG, SIG_KEY } from "../plugin/wire";
import { plural } from "../text";

export type { ValidationIssue } from "../errors";

/** A rule JSON Schema cannot express; returns every failure it finds. */
export interface CrossFieldRule<T> {
  readonly name: string;
  check(value: T): ValidationIssue[];
}

/** The directory holding schemas/*.schema.json, found from this file whether run from source or bin/. */
export function schemaDir(): string {
  let dir = __dirname;
  for (;;) {
    const candidate = path.join(dir, "schemas");
    if (fs.existsSync(path.join(candidate, "topology.schema.json"))) return candidate;
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`schemas/ not found above ${__dirname}`);
    dir = parent;
  }
}

/** A JSON Schema node, as read from schemas/*.schema.json. */
export type SchemaNode = Record<string, unknown>;

let ajv: Ajv | undefined;
const compiled = new Map<string, ValidateFunction>();
/** Every schema document, read once: by its $id (for $refs) and by its file's schema name. */
let documents: { byId: Map<string, SchemaNode>; byName: Map<string, SchemaNode> } | undefined;

function schemaDocuments(): { byId: Map<string, SchemaNode>; byName: Map<string, SchemaNode> } {
  if (!documents) {
    documents = { byId: new Map(), byName: new Map() };
    for (const f of fs.readdirSync(schemaDir()).filter((n) => n.endsWith(".schema.json"))) {
      const doc = JSON.parse(fs.readFileSync(path.join(schemaDir(), f), "utf8")) as SchemaNode;
      documents.byId.set(String(doc.$id), doc);
      documents.byName.set(f.slice(0, -".schema.json".length), doc);
    }
  }
  return documents;
}

function validatorFor(schemaName: string): ValidateFunction {
  let fn = compiled.get(schemaName);
  if (!fn) {
    if (!ajv) {
      ajv = new Ajv({ allErrors: true, useDefaults: true, strict: false, discriminator: true, verbose: true });
      addFormats(ajv);
      // Every schema is registered up front so one schema can $ref another by file name.
      for (const doc of schemaDocuments().byId.values()) ajv.addSchema(doc);
    }
    const schema = schemaDocuments().byName.get(schemaName);
    if (!schema) throw new Error(`no schema ${schemaName}.schema.json in ${schemaDir()}`);
    fn = ajv.getSchema(String(schema.$id)) ?? ajv.compile(schema);
    compiled.set(schemaName, fn);
  }
  return fn;
}

/** The schema document itself (for generated docs and package schemas). */
export function loadSchema(schemaName: string): Record<string, unknown> {
  return JSON.parse(fs.readFileSync(path.join(schemaDir(), `${schemaName}.schema.json`), "utf8"));
}

/**
 * Checks `value` against schemas/<schemaName>.schema.json, filling in defaults in place, then
 * against the cross-field rules (only when the shape is valid, so rules can trust it).
 * Returns the issues; an empty list means valid.
 */
export function validate<T>(
  schemaName: string,
  value: unknown,
  rules: readonly CrossFieldRule<T>[] = [],
  root = "",
): ValidationIssue[] {
  const fn = validatorFor(schemaName);
  if (!fn(value)) return formatAjvErrors(fn.errors ?? [], value, root, fn.schema as SchemaNode);
  const issues: ValidationIssue[] = [];
  for (const rule of rules) issues.push(...rule.check(value as T));
  return issues;
}

/** As `validate`, but throws one ValidationError listing every issue. */
export function validateOrThrow<T>(
  schemaName: string,
  value: unknown,
  what: string,
  rules: readonly CrossFieldRule<T>[] = [],
): T {
  const issues = validate(schemaName, value, rules);
  if (issues.length > 0) throw new ValidationError(what, issues);
  return value as T;
}

/** `/managedSystems/3/memoryGb` -> `managedSystems[3].memoryGb`, under an optional root. */
export function jsonPointerToPath(pointer: string, root = ""): string {
  let out = root;
  for (const raw of pointer.split("/").slice(1)) {
    const part = raw.replace(/~1/g, "/").replace(/~0/g, "~");
    if (/^\d+$/.test(part)) out += `[${part}]`;
    else if (/^[A-Za-z_$][\w$]*$/.test(part)) out += out ? `.${part}` : part;
    else out += `[${JSON.stringify(part)}]`;
  }
  return out || "(root)";
}

/** How a secret appears in a message. */
export const SECRET_PLACEHOLDER = "[secret]";

/** Stands for a secret in a masked copy of a value; quoted as SECRET_PLACEHOLDER. */
const MASKED = Object.freeze({ toJSON: () => SECRET_PLACEHOLDER });

/** A value for a message: secrets masked (see `withoutSecrets`), JSON, cut to 60 characters. */
export function show(value: unknown): string {
  if (value === undefined) return "nothing";
  const safe = withoutSecrets(value);
  if (safe === MASKED) return SECRET_PLACEHOLDER;
  const text = JSON.stringify(safe);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

interface SchemaAt {
  readonly node: SchemaNode;
  /** The URI its relative $refs resolve against. */
  readonly base: string;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

/** A Pulumi secret, or an output value marked secret, as the provider protocol encodes them. */
function isSecretValue(v: unknown): boolean {
  return isRecord(v) && (v[SIG_KEY] === SECRET_SIG || (v[SIG_KEY] === OUTPUT_VALUE_SIG && v.secret === true));
}

/**
 * A copy of `value` fit to quote: every secret replaced by SECRET_PLACEHOLDER, at any depth. A
 * secret is a field `schema` marks `x-pulumi-secret` (through $ref, oneOf / anyOf / allOf, items
 * and additionalProperties), a field whose name says credential (`password`, `token`, ...), or a
 * Pulumi secret value.
 */
export function withoutSecrets(value: unknown, schema?: SchemaNode): unknown {
  if (!schema) return masked(value, [], undefined);
  const root = { node: schema, base: typeof schema.$id === "string" ? schema.$id : "" };
  return masked(value, applicable([root], root), root);
}

function masked(value: unknown, schemas: readonly SchemaAt[], root: SchemaAt | undefined): unknown {
  if (value === MASKED || isSecretValue(value) || schemas.some((s) => s.node["x-pulumi-secret"] === true)) return MASKED;
  if (Array.isArray(value)) return value.map((v, i) => masked(v, applicable(schemas.flatMap((s) => itemSchemas(s, i)), root), root));
  if (!isRecord(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    out[k] = isSecretName(k) ? MASKED : masked(v, applicable(schemas.flatMap((s) => propertySchemas(s, k)), root), root);
  }
  return out;
}

/**
 * The schemas that apply to one value: these and, transitively, what they $ref and combine.
 * A $ref resolves among the schema documents, or in `root` (a schema not among them).
 */
function applicable(schemas: readonly SchemaAt[], root: SchemaAt | undefined): SchemaAt[] {
  const out: SchemaAt[] = [];
  const seen = new Set<SchemaNode>();
  const visit = (node: unknown, base: string): void => {
    if (!isRecord(node) || seen.has(node)) return;
    seen.add(node);
    const here = typeof node.$id === "string" ? resolveUri(node.$id, base) ?? base : base;
    out.push({ node, base: here });
    if (typeof node.$ref === "string") {
      const target = resolveRef(node.$ref, here, root);
      if (target) visit(target.node, target.base);
    }
    for (const key of ["allOf", "anyOf", "oneOf"]) if (Array.isArray(node[key])) for (const branch of node[key] as unknown[]) visit(branch, here);
    for (const key of ["then", "else"]) visit(node[key], here);
  };
  for (const s of schemas) visit(s.node, s.base);
  return out;
}

function propertySchemas(s: SchemaAt, key: string): SchemaAt[] {
  const props = isRecord(s.node.properties) ? s.node.properties : {};
  const patterns = isRecord(s.node.patternProperties) ? s.node.patternProperties : {};
  const matched = Object.entries(patterns).filter(([p]) => new RegExp(p, "u").test(key)).map(([, n]) => n);
  const found = Object.prototype.hasOwnProperty.call(props, key) ? [props[key], ...matched] : matched;
  if (found.length === 0 && isRecord(s.node.additionalProperties)) found.push(s.node.additionalProperties);
  return found.map((node) => ({ node: node as SchemaNode, base: s.base }));
}

function itemSchemas(s: SchemaAt, index: number): SchemaAt[] {
  const items = s.node.items;
  const node = Array.isArray(items) ? (index < items.length ? items[index] : s.node.additionalItems) : items;
  return isRecord(node) ? [{ node, base: s.base }] : [];
}

function resolveUri(ref: string, base: string): string | undefined {
  try {
    return new URL(ref, base || undefined).href;
  } catch {
    return undefined;
  }
}

function resolveRef(ref: string, base: string, root: SchemaAt | undefined): SchemaAt | undefined {
  const uri = ref.startsWith("#") ? `${base.split("#")[0]}${ref}` : resolveUri(ref, base);
  if (!uri) return undefined;
  const [docId, fragment = ""] = uri.split("#");
  let node: unknown = schemaDocuments().byId.get(docId) ?? (root && docId === root.base ? root.node : undefined);
  for (const raw of decodeURIComponent(fragment).split("/").slice(1)) {
    if (!isRecord(node)) return undefined;
    node = node[raw.replace(/~1/g, "/").replace(/~0/g, "~")];
  }
  return isRecord(node) ? { node, base: docId } : undefined;
}

function valueAt(data: unknown, pointer: string): unknown {
  let cur: unknown = data;
  for (const raw of pointer.split("/").slice(1)) {
    if (cur === MASKED) return MASKED;
    if (cur === null || typeof cur !== "object") return undefined;
    cur = (cur as Record<string, unknown>)[raw.replace(/~1/g, "/").replace(/~0/g, "~")];
  }
  return cur;
}

const COMPARISON: Record<string, string> = {
  minimum: ">=",
  maximum: "<=",
  exclusiveMinimum: ">",
  exclusiveMaximum: "<",
};

/** `a number`, `an object`, `null`: what a value is, for a message that cannot quote it. */
function typeOf(v: unknown): string {
  if (v === null) return "null";
  const t = Array.isArray(v) ? "array" : typeof v;
  return `${/^[aeiou]/.test(t) ? "an" : "a"} ${t}`;
}

/**
 * One readable issue per ajv error, without the noise of failed oneOf / if branches. Values are
 * quoted without their secrets, by the marks of `schema` (the one `data` was validated against).
 */
export function formatAjvErrors(errors: readonly ErrorObject[], data: unknown, root = "", schema?: SchemaNode): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const seen = new Set<string>();
  const safe = withoutSecrets(data, schema);
  for (const e of errors) {
    if (e.keyword === "oneOf" || e.keyword === "anyOf" || e.keyword === "if") continue;
    if (isOtherBranchType(e, errors)) continue;
    const issue = formatOne(e, safe, root);
    const key = `${issue.path}|${issue.message}`;
    if (!seen.has(key)) {
      seen.add(key);
      issues.push(issue);
    }
  }
  if (issues.length === 0 && errors.length > 0) {
    const e = errors[0];
    const p = jsonPointerToPath(e.instancePath, root);
    issues.push({ path: p, message: `\`${p}\` ${e.message ?? "is invalid"}, got ${show(valueAt(safe, e.instancePath))}` });
  }
  return issues;
}

/**
 * A `type` error of one branch of a oneOf / anyOf (a list where one object was given, say) when
 * another branch got further: errors inside the value, or at it for another reason, say what is wrong.
 */
function isOtherBranchType(e: ErrorObject, errors: readonly ErrorObject[]): boolean {
  if (e.keyword !== "type" || !errors.some((o) => (o.keyword === "oneOf" || o.keyword === "anyOf") && o.instancePath === e.instancePath)) return false;
  return errors.some((o) => o !== e && o.keyword !== "oneOf" && o.keyword !== "anyOf" && (o.instancePath.startsWith(`${e.instancePath}/`) || (o.instancePath === e.instancePath && o.keyword !== "type")));
}

/** `data` is already masked (`withoutSecrets`). */
function formatOne(e: ErrorObject, data: unknown, root: string): ValidationIssue {
  const p = jsonPointerToPath(e.instancePath, root);
  const value = valueAt(data, e.instancePath);
  const got = show(value);
  const params = e.params as Record<string, unknown>;
  const schema = e.parentSchema as { description?: string } | undefined;
  const hint = schema?.description ? ` (${schema.description})` : "";
  switch (e.keyword) {
    case "required": {
      const field = jsonPointerToPath(`${e.instancePath}/${String(params.missingProperty)}`, root);
      return { path: field, message: `\`${field}\` is required: add it` };
    }
    case "additionalProperties": {
      const field = jsonPointerToPath(`${e.instancePath}/${String(params.additionalProperty)}`, root);
      const props = (e.parentSchema as { properties?: Record<string, unknown> } | undefined)?.properties;
      const allowed = props ? Object.keys(props).join(", ") : "none";
      return { path: field, message: `\`${field}\` is not a known field: remove it or use one of ${allowed}` };
    }
    case "minimum":
    case "maximum":
    case "exclusiveMinimum":
    case "exclusiveMaximum":
      return { path: p, message: `\`${p}\` must be ${COMPARISON[e.keyword]} ${String(params.limit)}, got ${got}` };
    case "enum":
      return {
        path: p,
        message: `\`${p}\` must be one of ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(", ")}, got ${got}`,
      };
    case "const":
      return { path: p, message: `\`${p}\` must be ${JSON.stringify(params.allowedValue)}, got ${got}` };
    case "type": {
      // A secret's type is still worth saying: it is the mistake.
      const kind = value === MASKED ? ` (${typeOf(e.data)})` : "";
      return { path: p, message: `\`${p}\` must be of type ${Array.isArray(params.type) ? params.type.join(" or ") : String(params.type)}, got ${got}${kind}` };
    }
    case "pattern":
      return { path: p, message: `\`${p}\` must match ${String(params.pattern)}${hint}, got ${got}` };
    case "minLength":
      return { path: p, message: `\`${p}\` must have at least ${plural(Number(params.limit), "character")}, got ${got}` };
    case "minItems":
      return { path: p, message: `\`${p}\` must have at least ${plural(Number(params.limit), "item")}, got ${got}` };
    case "maxItems":
      return { path: p, message: `\`${p}\` must have at most ${plural(Number(params.limit), "item")}, got ${got}` };
    case "discriminator":
      return { path: p, message: `\`${p}\` needs a valid \`${String(params.tag)}\` field, got ${got}` };
    default:
      return { path: p, message: `\`${p}\` ${e.message ?? "is invalid"}, got ${got}` };
  }
}

/** Issues for each value of `key` that occurs more than once in `items`. */
export function duplicateIssues<T>(items: readonly T[], key: (t: T) => string, pathOf: (i: number) => string, what: string): ValidationIssue[] {
  const first = new Map<string, number>();
  const issues: ValidationIssue[] = [];
  items.forEach((item, i) => {
    const k = key(item);
    const j = first.get(k);
    if (j === undefined) first.set(k, i);
    else issues.push({ path: pathOf(i), message: `\`${pathOf(i)}\` repeats ${what} ${JSON.stringify(k)} already used by \`${pathOf(j)}\`: ${what}s must be unique` });
  });
  return issues;
}
