// The run store's settings as a stack configures them (`vmr:runStore`), checked against
// schemas/run-store.schema.json and the rules a schema cannot say. Every failure is reported
// together, naming the field, the value (never a secret), what is allowed and how to set it.

import type { ValidationIssue } from "../errors";
import type { RunStoreSettings } from "../generated/run-store";
import { validate, type CrossFieldRule } from "../validation";

export type { RunStoreSettings } from "../generated/run-store";

const ROOT = "vmr:runStore";

/** How to set a field of `vmr:runStore`: the Pulumi command, `--secret` for a secret. */
function howToSet(field: string): string {
  const top = field.replace(/^vmr:runStore\.?/, "").split(/[.[]/)[0];
  const secret = top === "password" || field.endsWith("tls.key");
  return `set it with \`pulumi config set${secret ? " --secret" : ""} --path ${field.replace(/\[\d+\]$/, "[0]")} VALUE\`${top === "" ? "" : ` (or \`pulumi config rm --path ${field}\`)`}`;
}

const RULES: readonly CrossFieldRule<RunStoreSettings>[] = [
  {
    name: "one scheme for every endpoint",
    check: (s) => {
      const schemes = new Set((s.endpoints ?? []).map((e) => e.slice(0, e.indexOf(":"))));
      return schemes.size > 1
        ? [{ path: `${ROOT}.endpoints`, message: `\`${ROOT}.endpoints\` mixes http and https (${JSON.stringify(s.endpoints)}): a cluster is reached over TLS or not at all; give every member as https://HOST:PORT (or every one as http://)` }]
        : [];
    },
  },
  {
    name: "TLS needs https",
    check: (s) =>
      s.tls !== undefined && (s.endpoints ?? []).some((e) => e.startsWith("http:"))
        ? [{ path: `${ROOT}.tls`, message: `\`${ROOT}.tls\` is given but \`${ROOT}.endpoints\` are http:// (${JSON.stringify(s.endpoints)}): write them as https://HOST:PORT, or remove \`${ROOT}.tls\`` }]
        : [],
  },
  {
    name: "a password needs a user",
    check: (s) =>
      s.password !== undefined && s.user === undefined
        ? [{ path: `${ROOT}.user`, message: `\`${ROOT}.password\` is set but \`${ROOT}.user\` is not: ${howToSet(`${ROOT}.user`)}` }]
        : [],
  },
];

/**
 * `vmr:runStore` as read from the stack's configuration, checked. `pulumi config set --path`
 * may store a number as its text, so `leaseTtlSeconds` given as digits is read as the number.
 */
export function checkRunStoreSettings(value: unknown): { settings: RunStoreSettings; issues: ValidationIssue[] } {
  const v = value !== null && typeof value === "object" && !Array.isArray(value) ? { ...(value as Record<string, unknown>) } : value;
  if (v && typeof v === "object" && typeof (v as Record<string, unknown>).leaseTtlSeconds === "string" && /^\d+$/.test((v as { leaseTtlSeconds: string }).leaseTtlSeconds)) {
    (v as Record<string, unknown>).leaseTtlSeconds = Number((v as { leaseTtlSeconds: string }).leaseTtlSeconds);
  }
  const issues = validate<RunStoreSettings>("run-store", v, RULES, ROOT).map((i) =>
    /pulumi config/.test(i.message) ? i : { ...i, message: `${i.message}: ${howToSet(i.path)}` },
  );
  return { settings: v as RunStoreSettings, issues };
}
