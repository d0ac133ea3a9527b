// Passwords and session tokens must never reach a log line, an error message or a report. Every
// text an adapter builds from a server's answer or from its own state passes through redact().

const MASK = "[redacted]";

export class Secrets {
  private readonly values = new Set<string>();

  /** Remembers a secret; it is masked in every later redact(). Returns it for chaining. */
  add(value: string | undefined): string | undefined {
    if (value) {
      for (const form of encodings(value)) this.values.add(form);
    }
    return value;
  }

  /** `text` with every known secret, in plain, XML-escaped, URL-encoded and JSON forms, masked. */
  redact(text: string): string {
    let out = text;
    // Longest first, so a secret that contains another one is masked whole.
    for (const value of [...this.values].sort((a, b) => b.length - a.length)) {
      if (value.length > 0) out = out.split(value).join(MASK);
    }
    return out;
  }
}

function encodings(value: string): string[] {
  const xml = value.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&apos;");
  const json = JSON.stringify(value).slice(1, -1);
  return [value, xml, encodeURIComponent(value), json];
}
