// The ls* queries, kept small: IBM advises against answers of more than 2,000 objects (the
// REST server may time out building them). Volumes are read in slices by name prefix, and a slice
// that comes back full is split further.

import { AdapterError } from "../../errors";
import type { AdapterLog } from "../http/log";
import type { CommandParams, SvcSession } from "./session";
import { plural } from "../../text";

export type SvcRecord = Readonly<Record<string, string>>;

/** First characters of object names; SVC names are letters, digits, "_", "-", "." and spaces. */
const NAME_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-.";
const MAX_PREFIX = 4;

export class SvcQueries {
  constructor(
    private readonly session: SvcSession,
    private readonly maxObjects: number,
    private readonly log: AdapterLog,
  ) {}

  /** An ls command's list answer; anything but a list of flat records is a malformed answer. */
  async list(command: string, operation: string, objectId: string, params: CommandParams = {}, object?: string): Promise<SvcRecord[]> {
    const answer = await this.session.run({ command, object, params, operation, objectId });
    if (!Array.isArray(answer) || !answer.every(isRecord)) {
      throw new AdapterError("fatal", operation, objectId, `malformed answer to ${command}: expected a JSON list of objects, got ${describe(answer)}`);
    }
    return answer.map(normalise);
  }

  /** An ls command's detailed view of one object; undefined when it does not exist. */
  async detail(command: string, object: string | undefined, operation: string, objectId: string): Promise<SvcRecord | undefined> {
    let answer: unknown;
    try {
      answer = await this.session.run({ command, object, operation, objectId });
    } catch (err) {
      if (err instanceof AdapterError && err.failure === "notFound") return undefined;
      throw err;
    }
    // Some levels answer a detailed view as a one-element list.
    const record = Array.isArray(answer) && answer.length === 1 ? answer[0] : answer;
    if (!isRecord(record)) throw new AdapterError("fatal", operation, objectId, `malformed answer to ${command} ${object ?? ""}: expected a JSON object, got ${describe(answer)}`);
    return normalise(record);
  }

  /** Objects of `command` whose `attr` matches `filtervalue`. */
  filtered(command: string, filtervalue: string, operation: string, objectId: string, extra: CommandParams = {}): Promise<SvcRecord[]> {
    return this.list(command, operation, objectId, { ...extra, filtervalue });
  }

  /**
   * Every object of `command` whose name starts with `namePrefix` (every object when it is
   * empty), read in slices `name=<prefix>*` by next character; a slice that comes back with
   * maxObjects or more objects is read again as narrower slices.
   */
  async sliced(command: string, operation: string, extra: CommandParams = {}, namePrefix = ""): Promise<SvcRecord[]> {
    const byId = new Map<string, SvcRecord>();
    const pending = namePrefix === "" ? [...NAME_CHARS] : [namePrefix];
    const longest = namePrefix.length + MAX_PREFIX;
    while (pending.length > 0) {
      const prefix = pending.shift()!;
      const part = await this.filtered(command, `name=${prefix}*`, operation, command, extra);
      if (part.length >= this.maxObjects && prefix.length < longest) {
        // Narrower slices, plus the object named exactly `prefix`, which none of them holds.
        pending.push(...[...NAME_CHARS].map((c) => prefix + c));
        for (const r of await this.filtered(command, `name=${prefix}`, operation, command, extra)) byId.set(r.id ?? r.name, r);
        continue;
      }
      if (part.length >= this.maxObjects) this.log.warn(`${command} name=${prefix}*: ${plural(part.length, "object")} in one answer (limit ${this.maxObjects})`);
      // Filters may ignore case, so slices can overlap: keep each object once.
      for (const r of part) byId.set(r.id ?? r.name, r);
    }
    return [...byId.values()];
  }

  /** Objects of `command` selected by the user's filters (one query each). */
  async byFilters(command: string, filters: readonly string[], operation: string, extra: CommandParams = {}): Promise<SvcRecord[]> {
    const byId = new Map<string, SvcRecord>();
    for (const filter of filters) {
      const part = await this.filtered(command, filter, operation, command, extra);
      if (part.length >= this.maxObjects) this.log.warn(`${command} ${filter}: ${plural(part.length, "object")} in one answer (limit ${this.maxObjects}): narrow the filter`);
      for (const r of part) byId.set(r.id ?? r.name, r);
    }
    return [...byId.values()];
  }
}

/** Values as strings, as the CLI prints them (some levels send numbers). */
function normalise(record: Readonly<Record<string, string | number>>): SvcRecord {
  return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, String(v)]));
}

function isRecord(value: unknown): value is Readonly<Record<string, string | number>> {
  return typeof value === "object" && value !== null && !Array.isArray(value) && Object.values(value).every((v) => typeof v === "string" || typeof v === "number");
}

function describe(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
