// How property values cross the provider protocol. The plugin tells the engine it accepts secrets,
// so values arrive with secrets as signature objects; the resource logic (shared with the dynamic
// providers) works on plain values. `plain` strips the wrappers on the way in, `markSecrets` wraps
// the fields the schemas mark secret on the way out, so a password is a secret in state whether or
// not the program marked it.

/** The engine's marker keys (the same constants @pulumi/pulumi's runtime/rpc uses). */
export const SIG_KEY = "4dabf18193072939515e22adb298388d";
export const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
export const OUTPUT_VALUE_SIG = "d0e6a833031e9bbcd3f4e8bde6ca49a4";
/** What an unknown value (preview, not yet computed) looks like to a provider. */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

/** The value with every secret and output wrapper replaced by what it holds (unknown outputs by UNKNOWN). */
export function plain(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(plain);
  if (!isRecord(value)) return value;
  const sig = value[SIG_KEY];
  if (sig === SECRET_SIG) return plain(value.value);
  if (sig === OUTPUT_VALUE_SIG) return "value" in value ? plain(value.value) : UNKNOWN;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = plain(v);
  return out;
}

export function secret(value: unknown): Record<string, unknown> {
  return { [SIG_KEY]: SECRET_SIG, value };
}

export function isSecret(value: unknown): boolean {
  return isRecord(value) && value[SIG_KEY] === SECRET_SIG;
}

/**
 * A copy of `value` with the field at each path wrapped as a secret. A path is a list of property
 * names, where "[]" stands for every element of an array: ["adapter", "hmc", "password"].
 */
export function markSecrets(value: unknown, paths: readonly (readonly string[])[]): unknown {
  let out = value;
  for (const p of paths) out = markAt(out, p);
  return out;
}

function markAt(value: unknown, pathRest: readonly string[]): unknown {
  if (pathRest.length === 0) return value === undefined || isSecret(value) ? value : secret(value);
  const [head, ...rest] = pathRest;
  if (head === "[]") return Array.isArray(value) ? value.map((v) => markAt(v, rest)) : value;
  if (!isRecord(value) || isSecret(value) || !(head in value)) return value;
  return { ...value, [head]: markAt(value[head], rest) };
}

/** Drops `undefined` fields, which the protocol's struct encoding cannot carry. */
export function toWire(value: unknown): Json {
  return JSON.parse(JSON.stringify(value ?? {})) as Json;
}
