// Finds HMC objects by the ids the model uses (names or UUIDs) and reads them fresh. Operations
// always act on a current read of the object: the cache only maps ids to UUIDs (and LPARs to the
// system they were last seen on). Reads of many LPARs of one system asked for at the same moment
// (a burst of restarts) share one read of that system's LogicalPartition feed, sent after all of
// them were asked for, so each still gets a read made after its call.

import { AdapterError } from "../../errors";
import type { HmcSession } from "./session";
import { lparId, parseLpar, parseSystem, systemId, type HmcLpar, type HmcSystem, type IdentifyBy } from "./inventory";
import { feedEntries, MalformedAnswer, parseXml, type XmlNode } from "./xml";

export const UOM = "/rest/api/uom";

export class HmcDirectory {
  private lparUuids = new Map<string, string>();
  private systemUuids = new Map<string, string>();
  /** System UUID each LPAR UUID was last read on: which feed to read it from. */
  private lparSystems = new Map<string, string>();
  /** LPAR reads waiting for the next flush, by system UUID. */
  private pendingReads = new Map<string, { uuid: string; operation: string; objectId: string; resolve: (l: HmcLpar) => void; reject: (e: unknown) => void }[]>();
  private flushScheduled = false;
  /** LPAR reads answered, and HTTP reads they took (for the benchmark's requests-per-restart figure). */
  readonly readStats = { lparReads: 0, requests: 0 };

  constructor(
    private readonly session: HmcSession,
    private readonly identifyBy: IdentifyBy,
  ) {}

  /** Every managed system and every LPAR defined on them, read now. */
  async readAll(): Promise<{ systems: HmcSystem[]; lpars: HmcLpar[] }> {
    const systems = await this.readSystems();
    const perSystem = await Promise.all(systems.map((s) => this.readLparsOf(s)));
    const lpars = perSystem.flat();
    this.remember(systems, lpars);
    return { systems, lpars };
  }

  async readSystems(): Promise<HmcSystem[]> {
    const entries = await this.readEntries(`${UOM}/ManagedSystem`, "inventory", "ManagedSystem");
    return this.parse("inventory", "ManagedSystem", () => entries.map((e) => parseSystem(e)));
  }

  async readLparsOf(system: HmcSystem): Promise<HmcLpar[]> {
    const entries = await this.readEntries(`${UOM}/ManagedSystem/${system.uuid}/LogicalPartition`, "inventory", system.name);
    return this.parse("inventory", system.name, () => entries.map((e) => parseLpar(e, system.uuid)));
  }

  /** The LPAR with model id `id`, read now (possibly with others of its system, in one feed read). */
  async lpar(id: string, operation: string): Promise<HmcLpar> {
    const uuid = await this.lparUuid(id, operation);
    const system = this.lparSystems.get(uuid);
    if (system === undefined) return this.readLpar(uuid, operation, id);
    return new Promise<HmcLpar>((resolve, reject) => {
      const queue = this.pendingReads.get(system) ?? [];
      queue.push({ uuid, operation, objectId: id, resolve, reject });
      this.pendingReads.set(system, queue);
      if (!this.flushScheduled) {
        this.flushScheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  private async readLpar(uuid: string, operation: string, id: string): Promise<HmcLpar> {
    this.readStats.lparReads++;
    this.readStats.requests++;
    const entries = await this.readEntries(`${UOM}/LogicalPartition/${uuid}`, operation, id);
    const lpar = this.parse(operation, id, () => parseLpar(single(entries, "LogicalPartition")));
    this.lparSystems.set(lpar.uuid, lpar.systemUuid);
    return lpar;
  }

  /**
   * Answers the waiting reads: one LPAR alone by its own entry; several of one system by that
   * system's feed when they are at least a quarter of its LPARs (the feed costs about as much as
   * four entries); an LPAR the feed no longer holds (it moved) by its own entry.
   */
  private flush(): void {
    this.flushScheduled = false;
    const batches = [...this.pendingReads];
    this.pendingReads = new Map();
    for (const [system, waiting] of batches) {
      const known = [...this.lparSystems.values()].filter((s) => s === system).length;
      if (waiting.length < 2 || waiting.length * 4 < known) {
        for (const w of waiting) this.readLpar(w.uuid, w.operation, w.objectId).then(w.resolve, w.reject);
        continue;
      }
      this.readStats.lparReads += waiting.length;
      this.readStats.requests++;
      this.readEntries(`${UOM}/ManagedSystem/${system}/LogicalPartition`, waiting[0].operation, waiting[0].objectId)
        .then((entries) => {
          const byUuid = new Map(this.parse(waiting[0].operation, waiting[0].objectId, () => entries.map((e) => parseLpar(e, system))).map((l) => [l.uuid, l]));
          for (const w of waiting) {
            const found = byUuid.get(w.uuid);
            if (found) w.resolve(found);
            else this.readLpar(w.uuid, w.operation, w.objectId).then(w.resolve, w.reject);
          }
        })
        .catch((err: unknown) => waiting.forEach((w) => w.reject(err)));
    }
  }

  /** The managed system with model id `id`, read now. */
  async system(id: string, operation: string): Promise<HmcSystem> {
    const uuid = await this.systemUuid(id, operation);
    return this.systemByUuid(uuid, operation, id);
  }

  async systemByUuid(uuid: string, operation: string, objectId: string): Promise<HmcSystem> {
    const entries = await this.readEntries(`${UOM}/ManagedSystem/${uuid}`, operation, objectId);
    return this.parse(operation, objectId, () => parseSystem(single(entries, "ManagedSystem")));
  }

  async lparUuid(id: string, operation: string): Promise<string> {
    if (this.identifyBy === "uuid") return id;
    if (!this.lparUuids.has(id)) await this.readAll();
    return this.lookup(this.lparUuids, id, "LPAR", operation);
  }

  async systemUuid(id: string, operation: string): Promise<string> {
    if (this.identifyBy === "uuid") return id;
    if (!this.systemUuids.has(id)) {
      const systems = await this.readSystems();
      this.remember(systems, []);
    }
    return this.lookup(this.systemUuids, id, "managed system", operation);
  }

  private lookup(map: Map<string, string>, id: string, what: string, operation: string): string {
    const uuid = map.get(id);
    if (uuid === undefined) throw new AdapterError("notFound", operation, id, `no ${what} named ${JSON.stringify(id)} on the HMC`);
    if (uuid === AMBIGUOUS) {
      throw new AdapterError("fatal", operation, id, `more than one ${what} is named ${JSON.stringify(id)}: set \`hmc.identifyBy\` to "uuid" and name them by UUID`);
    }
    return uuid;
  }

  private remember(systems: readonly HmcSystem[], lpars: readonly HmcLpar[]): void {
    for (const s of systems) note(this.systemUuids, systemId(s, this.identifyBy), s.uuid);
    if (lpars.length > 0) {
      this.lparUuids = new Map();
      this.lparSystems = new Map();
      for (const l of lpars) {
        note(this.lparUuids, lparId(l, this.identifyBy), l.uuid);
        this.lparSystems.set(l.uuid, l.systemUuid);
      }
    }
  }

  private async readEntries(path: string, operation: string, objectId: string): Promise<XmlNode[]> {
    const res = await this.session.send({ method: "GET", path, operation, objectId });
    // 204 No Content is how the HMC answers an empty feed.
    if (res.status === 204 || res.body.trim() === "") return [];
    return this.parse(operation, objectId, () => feedEntries(parseXml(res.body), path));
  }

  private parse<T>(operation: string, objectId: string, read: () => T): T {
    try {
      return read();
    } catch (err) {
      if (!(err instanceof MalformedAnswer)) throw err;
      throw new AdapterError("fatal", operation, objectId, `malformed answer from the HMC: ${err.message}`);
    }
  }
}

const AMBIGUOUS = "\u0000ambiguous";

function note(map: Map<string, string>, id: string, uuid: string): void {
  const seen = map.get(id);
  map.set(id, seen === undefined || seen === uuid ? uuid : AMBIGUOUS);
}

function single(entries: readonly XmlNode[], type: string): XmlNode {
  if (entries.length !== 1) throw new MalformedAnswer(`expected one ${type} entry, got ${entries.length}`);
  return entries[0];
}
