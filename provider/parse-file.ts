// Parsing what the tool reads back from disk (snapshots, logs, journals, outcome files, stack
// exports), so that damage reads as a DamagedFileError naming the file, the line and column, and
// the way out, instead of a bare "Unterminated string in JSON at position 500".

import { parseDocument } from "yaml";
import { DamagedFileError } from "./errors";

/** 1-based line and column of a character offset in `text`. */
export function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf("\n"); i !== -1 && i < offset; i = text.indexOf("\n", i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, column: offset - lineStart + 1 };
}

/** What V8's JSON.parse said, without its position (we give line and column) or its echo of the text. */
function problemOf(err: unknown, text: string): { problem: string; offset?: number } {
  const message = err instanceof Error ? err.message : String(err);
  const at = /^(.*?) in JSON at position (\d+)/.exec(message);
  if (at) return { problem: at[1], offset: Number(at[2]) };
  if (/Unexpected end of JSON input/.test(message)) return { problem: text.trim() === "" ? "the file is empty" : "the file ends in the middle of a value (truncated)", offset: text.length };
  // "Unexpected token 'x', "<the text>" is not valid JSON": keep the first clause only.
  return { problem: message.split(/, "/)[0] };
}

export interface DamageContext {
  /** The file, as the user should see it. */
  readonly file: string;
  /** What to do about it: the command that rebuilds or replaces the file. */
  readonly wayOut: string;
  /** Line number of `text` within the file, for one line of a JSON-lines file. */
  readonly line?: number;
}

/** JSON.parse, with damage reported as a DamagedFileError. */
export function parseJsonText<T>(text: string, context: DamageContext): T {
  try {
    return JSON.parse(text) as T;
  } catch (err) {
    throw damaged(err, text, context);
  }
}

export function damaged(err: unknown, text: string, context: DamageContext): DamagedFileError {
  const { problem, offset } = problemOf(err, text);
  let where = "";
  if (context.line !== undefined) where = `line ${context.line}${offset !== undefined ? `, column ${offset + 1}` : ""}`;
  else if (offset !== undefined) {
    const { line, column } = lineAndColumn(text, offset);
    where = `line ${line}, column ${column}`;
  }
  return new DamagedFileError(context.file, where, problem, context.wayOut);
}

/** A YAML document as plain data; its first syntax error reported as a DamagedFileError. */
export function parseYamlText(text: string, context: DamageContext): unknown {
  const doc = parseDocument(text, { prettyErrors: true });
  const first = doc.errors[0];
  if (first) {
    const pos = first.linePos?.[0];
    throw new DamagedFileError(context.file, pos ? `line ${pos.line}, column ${pos.col}` : "", `YAML syntax: ${first.message.split(" at line")[0].split("\n")[0]}`, context.wayOut);
  }
  return doc.toJS();
}
