// Secrets never reach a journal, a log or a report. Errors from adapters and hooks pass through
// here before they are written: credentials in URLs, headers, key=value pairs and JSON fields are
// masked.

const MASK = "***";

/** Names of fields and headers that hold credentials; a name that ends with one counts too (`hmcPassword`). */
const SECRET_NAMES = "password|passwd|passphrase|pwd|secret|token|api[_-]?key|authorization|x-auth-token|x-api-session|x-auth-password";

const SECRET_NAME = new RegExp(`(?:${SECRET_NAMES})$`, "i");

const PATTERNS: readonly [RegExp, string][] = [
  // https://user:password@host
  [/(\b[a-z][a-z0-9+.-]*:\/\/[^\s:/@]+:)[^\s@/]+@/gi, `$1${MASK}@`],
  // "password": "x", 'token': 'x'
  [new RegExp(`(["']?(?:${SECRET_NAMES})["']?\\s*[:=]\\s*)("[^"]*"|'[^']*'|(?:(?:bearer|basic)\\s+)?[^\\s,;&}]+)`, "gi"), `$1${MASK}`],
  // Authorization: Bearer abc
  [/\b(bearer|basic)\s+[A-Za-z0-9._~+/=-]+/gi, `$1 ${MASK}`],
];

export function redact(text: string): string {
  let out = text;
  for (const [pattern, replacement] of PATTERNS) out = out.replace(pattern, replacement);
  return out;
}

/** Whether a field of this name holds a credential, whatever a schema says of it. */
export function isSecretName(name: string): boolean {
  return SECRET_NAME.test(name);
}
