// Secrets never reach a journal, a log or a report. Errors from adapters and hooks pass through
// here before they are written: credentials in URLs, headers, key=value pairs and JSON fields are
// masked.

const MASK = "***";

const PATTERNS: readonly [RegExp, string][] = [
  // https://user:password@host
  [/(\b[a-z][a-z0-9+.-]*:\/\/[^\s:/@]+:)[^\s@/]+@/gi, `$1${MASK}@`],
  // "password": "x", 'token': 'x'
  [/(["']?(?:password|passwd|pwd|secret|token|api[_-]?key|authorization|x-auth-token|x-api-session|x-auth-password)["']?\s*[:=]\s*)("[^"]*"|'[^']*'|(?:(?:bearer|basic)\s+)?[^\s,;&}]+)/gi, `$1${MASK}`],
  // Authorization: Bearer abc
  [/\b(bearer|basic)\s+[A-Za-z0-9._~+/=-]+/gi, `$1 ${MASK}`],
];

export function redact(text: string): string {
  let out = text;
  for (const [pattern, replacement] of PATTERNS) out = out.replace(pattern, replacement);
  return out;
}
