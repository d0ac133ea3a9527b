// Validation at the edge: JSON Schema (ajv) for shapes, then a table of cross-field rules for
// what a schema cannot say. Every failure is reported together, each naming the field path, the
// value given, what is allowed and how to fix it.

import * as fs from "fs";
import * as path from "path";
import Ajv, { type ErrorObject, type ValidateFunction } from "ajv";
import addFormats from "ajv-formats";
import { ValidationError, type ValidationIssue } from "../errors";

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

let ajv: Ajv | undefined;
const compiled = new Map<string, ValidateFunction>();

function validatorFor(schemaName: string): ValidateFunction {
  let fn = compiled.get(schemaName);
  if (!fn) {
    if (!ajv) {
      ajv = new Ajv({ allErrors: true, useDefaults: true, strict: false, discriminator: true, verbose: true });
      addFormats(ajv);
      // Every schema is registered up front so one schema can $ref another by file name.
      for (const f of fs.readdirSync(schemaDir()).filter((n) => n.endsWith(".schema.json"))) {
        ajv.addSchema(JSON.parse(fs.readFileSync(path.join(schemaDir(), f), "utf8")));
      }
    }
    const file = path.join(schemaDir(), `${schemaName}.schema.json`);
    const schema = JSON.parse(fs.readFileSync(file, "utf8"));
    fn = ajv.getSchema(schema.$id) ?? ajv.compile(schema);
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
  if (!fn(value)) return formatAjvErrors(fn.errors ?? [], value, root);
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

export function show(value: unknown): string {
  if (value === undefined) return "nothing";
  const text = JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

function valueAt(data: unknown, pointer: string): unknown {
  let cur: unknown = data;
  for (const raw of pointer.split("/").slice(1)) {
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

/** One readable issue per ajv error, without the noise of failed oneOf / if branches. */
export function formatAjvErrors(errors: readonly ErrorObject[], data: unknown, root = ""): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const seen = new Set<string>();
  for (const e of errors) {
    if (e.keyword === "oneOf" || e.keyword === "anyOf" || e.keyword === "if") continue;
    if (isOtherBranchType(e, errors)) continue;
    const issue = formatOne(e, data, root);
    const key = `${issue.path}|${issue.message}`;
    if (!seen.has(key)) {
      seen.add(key);
      issues.push(issue);
    }
  }
  if (issues.length === 0 && errors.length > 0) {
    const e = errors[0];
    const p = jsonPointerToPath(e.instancePath, root);
    issues.push({ path: p, message: `\`${p}\` ${e.message ?? "is invalid"}, got ${show(valueAt(data, e.instancePath))}` });
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

function formatOne(e: ErrorObject, data: unknown, root: string): ValidationIssue {
  const p = jsonPointerToPath(e.instancePath, root);
  const got = show(valueAt(data, e.instancePath));
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
    case "type":
      return { path: p, message: `\`${p}\` must be of type ${String(params.type)}, got ${got}` };
    case "pattern":
      return { path: p, message: `\`${p}\` must match ${String(params.pattern)}${hint}, got ${got}` };
    case "minLength":
      return { path: p, message: `\`${p}\` must have at least ${String(params.limit)} character(s), got ${got}` };
    case "minItems":
      return { path: p, message: `\`${p}\` must have at least ${String(params.limit)} item(s), got ${got}` };
    case "maxItems":
      return { path: p, message: `\`${p}\` must have at most ${String(params.limit)} item(s), got ${got}` };
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
