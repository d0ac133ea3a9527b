// Secrets in an exported stack. `pulumi stack export --show-secrets` writes each secret as
// {"4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", "plaintext": "<json>"};
// without --show-secrets it holds "ciphertext" instead, which only the stack's secrets provider opens.

import { ValidationError } from "../errors";

export const SECRET_SIG_KEY = "4dabf18193072939515e22adb298388d";
export const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";

function isSecretEnvelope(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && (value as Record<string, unknown>)[SECRET_SIG_KEY] === SECRET_SIG;
}

/** A copy of `value` with every secret envelope replaced by its decoded value. `where` names it in errors. */
export function revealSecrets(value: unknown, where = "state"): unknown {
  if (isSecretEnvelope(value)) {
    if (typeof value.plaintext === "string") return revealSecrets(JSON.parse(value.plaintext), where);
    if ("value" in value) return revealSecrets(value.value, where);
    throw new ValidationError("stack state", [
      {
        path: where,
        message: `\`${where}\` holds an encrypted secret: export the stack with \`pulumi stack export --show-secrets\`, or load it by stack name and program directory`,
      },
    ]);
  }
  if (Array.isArray(value)) return value.map((v, i) => revealSecrets(v, `${where}[${i}]`));
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = revealSecrets(v, `${where}.${k}`);
    return out;
  }
  return value;
}
