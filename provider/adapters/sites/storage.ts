// A StorageAdapter over several Spectrum Virtualize systems (one per site, partners in remote
// copy). The inventory is read from every system at once and merged; each operation goes to the
// system that holds the object. A remote-copy consistency group is listed by both partners: it is
// one group, seen preferably from its auxiliary system, and it is failed over there
// (`stoprcconsistgrp -access` on the cluster whose volumes become writable: after a site loss the
// auxiliary is the only one that answers). A system that cannot be reached (a lost site) does not
// fail the inventory: it is reported `offline`, with the volumes its partners' remote-copy
// relationships name, and a warning.

import { AdapterError } from "../../errors";
import type { HostMapping, ResolvedConsistencyGroup, ResolvedFlashCopyGroup, ResolvedStorageSystem, Volume } from "../../model";
import type { ConcurrencyLimits, OperationResult } from "../compute";
import type { AdapterLog } from "../http/log";
import type { FlashCopyRequest, MapRequest, StorageAdapter, StorageInventory } from "../storage";
import { storageKey } from "../svc/context";
import type { SvcStorageAdapter } from "../svc/adapter";
import { isUnreachable, unreachableError } from "./reachability";
import { plural } from "../../text";

export interface SvcMember {
  /** The connection's name (`storage[i].name`), unique among the members. */
  readonly name: string;
  readonly site: string;
  /** Whether `name` was given in the settings (then it is taken to be the system's name). */
  readonly named: boolean;
  readonly adapter: SvcStorageAdapter;
}

export class MultiSvcStorageAdapter implements StorageAdapter {
  readonly kind = "svc";
  /** Per connection name: the storage system id (lssystem name) once known. */
  private readonly systemIds = new Map<string, string>();
  private readonly down = new Set<string>();
  private last: StorageInventory | undefined;
  private read: Promise<StorageInventory> | undefined;

  constructor(
    private readonly members: readonly SvcMember[],
    private readonly log: AdapterLog,
  ) {
    if (members.length === 0) throw new RangeError("MultiSvcStorageAdapter needs at least one storage system");
  }

  inventory(): Promise<StorageInventory> {
    const read = this.readInventory();
    // Kept while it runs, so that the LPARs' volumes (read with the compute inventory) share it.
    this.read = read;
    const forget = (): void => {
      if (this.read === read) this.read = undefined;
    };
    read.then(forget, forget);
    return read;
  }

  private async readInventory(): Promise<StorageInventory> {
    const answers = await Promise.allSettled(this.members.map(async (m) => ({ id: await m.adapter.systemId(), inventory: await m.adapter.inventory() })));
    const live: { member: SvcMember; inventory: StorageInventory }[] = [];
    const lost: SvcMember[] = [];
    answers.forEach((a, i) => {
      const m = this.members[i];
      if (a.status === "fulfilled") {
        this.down.delete(m.name);
        this.systemIds.set(m.name, a.value.id);
        live.push({ member: m, inventory: a.value.inventory });
      } else if (isUnreachable(a.reason)) {
        this.down.add(m.name);
        lost.push(m);
      }
    });
    const failed = answers.find((a): a is PromiseRejectedResult => a.status === "rejected" && !isUnreachable(a.reason));
    if (failed) throw failed.reason;
    if (lost.length === this.members.length) throw (answers[0] as PromiseRejectedResult).reason;

    const storageSystems: ResolvedStorageSystem[] = [];
    const volumes = new Unique<Volume>("volume");
    const flashCopyGroups = new Unique<ResolvedFlashCopyGroup>("FlashCopy group");
    const hostMappings: HostMapping[] = [];
    const groups = new Map<string, { group: ResolvedConsistencyGroup; from: string }>();
    for (const { member, inventory } of live) {
      for (const s of inventory.storageSystems) {
        if (storageSystems.some((x) => x.id === s.id)) throw collisionError("storage system", s.id, this.ownerOfSystem(s.id) ?? "?", member.name);
        storageSystems.push(s);
      }
      for (const v of inventory.volumes) volumes.add(v, member.name);
      for (const f of inventory.flashCopyGroups) flashCopyGroups.add(f, member.name);
      hostMappings.push(...inventory.hostMappings);
      for (const g of inventory.consistencyGroups) {
        const seen = groups.get(g.id);
        if (seen && (seen.group.masterSystem !== g.masterSystem || seen.group.auxSystem !== g.auxSystem)) {
          throw collisionError("remote-copy consistency group", g.id, seen.from, member.name);
        }
        // Both partners list the group; the auxiliary's view says whether its volumes are writable.
        if (!seen || g.auxSystem === this.systemIds.get(member.name)) groups.set(g.id, { group: g, from: member.name });
      }
    }
    const consistencyGroups = [...groups.values()].map((g) => g.group);
    for (const m of lost) {
      const id = this.lostSystemId(m, consistencyGroups, storageSystems);
      this.systemIds.set(m.name, id);
      storageSystems.push({ id, name: id, site: m.site, maxConcurrentConfigOps: m.adapter.maxConcurrentRequests, state: "offline" });
      const named = this.namedByPartners(id, consistencyGroups, volumes);
      for (const v of named) volumes.add(v, m.name);
      this.log.warn(
        `storage system ${id} (connection ${m.name}, site ${m.site}) cannot be reached: it is reported offline, ` +
          `with the ${plural(named.length, "volume")} its partners' remote-copy relationships name`,
      );
    }
    const out: StorageInventory = { storageSystems, volumes: volumes.values(), hostMappings, consistencyGroups, flashCopyGroups: flashCopyGroups.values() };
    this.last = out;
    return out;
  }

  /**
   * The id of a system that cannot be reached: as read earlier in this process; else its
   * connection's `name` when a partner names it; else the one partner cluster no reachable
   * connection accounts for; else the connection's name.
   */
  private lostSystemId(m: SvcMember, groups: readonly ResolvedConsistencyGroup[], live: readonly ResolvedStorageSystem[]): string {
    const earlier = this.systemIds.get(m.name);
    if (earlier !== undefined) return earlier;
    const liveIds = new Set(live.map((s) => s.id));
    const partners = new Set(groups.flatMap((g) => [g.masterSystem, g.auxSystem]).filter((s) => !liveIds.has(s)));
    if (m.named && partners.has(m.name)) return m.name;
    const unresolved = this.members.filter((x) => this.down.has(x.name) && !this.systemIds.has(x.name));
    // Partners that another lost connection is known to be are accounted for too.
    for (const x of this.members) if (x !== m && this.systemIds.has(x.name)) partners.delete(this.systemIds.get(x.name) as string);
    if (unresolved.length === 1 && partners.size === 1) return [...partners][0];
    return m.name;
  }

  /** The volumes of `systemId` named by remote-copy pairs, with their partners' capacity. */
  private namedByPartners(systemId: string, groups: readonly ResolvedConsistencyGroup[], volumes: Unique<Volume>): Volume[] {
    const out: Volume[] = [];
    for (const g of groups) {
      const side = g.masterSystem === systemId ? "master" : g.auxSystem === systemId ? "aux" : undefined;
      if (!side) continue;
      for (const p of g.pairs) {
        const id = side === "master" ? p.master : p.aux;
        const partner = volumes.get(side === "master" ? p.aux : p.master);
        if (!volumes.get(id)) out.push({ id, name: id, storageSystem: systemId, capacityGb: partner?.capacityGb ?? 0 });
      }
    }
    return out;
  }

  private ownerOfSystem(systemId: string): string | undefined {
    return [...this.systemIds].find(([, id]) => id === systemId)?.[0];
  }

  private async known(): Promise<StorageInventory> {
    if (this.last) return this.last;
    return this.read ?? this.inventory();
  }

  /** The member holding storage system `systemId`; a lost one fails fast, without a request. */
  private async memberOf(operation: string, objectId: string, systemId: string): Promise<SvcMember> {
    await this.known();
    const name = this.ownerOfSystem(systemId);
    const m = this.members.find((x) => x.name === name);
    if (!m) {
      throw new AdapterError("fatal", operation, objectId, `storage system ${JSON.stringify(systemId)} is not among the configured connections (${this.members.map((x) => x.name).join(", ")}): add it to \`storage\``);
    }
    if (this.down.has(m.name)) throw unreachableError(operation, objectId, `storage system ${systemId} (connection ${m.name})`, m.site);
    return m;
  }

  private async systemOfVolume(operation: string, volumeId: string): Promise<string> {
    const v = (await this.known()).volumes.find((x) => x.id === volumeId) ?? (await this.inventory()).volumes.find((x) => x.id === volumeId);
    if (!v) throw new AdapterError("notFound", operation, volumeId, "no configured storage system has this volume");
    return v.storageSystem;
  }

  private async group(operation: string, groupId: string): Promise<ResolvedConsistencyGroup> {
    const g = (await this.known()).consistencyGroups.find((x) => x.id === groupId) ?? (await this.inventory()).consistencyGroups.find((x) => x.id === groupId);
    if (!g) throw new AdapterError("notFound", operation, groupId, "no configured storage system has this remote-copy consistency group");
    return g;
  }

  async failoverConsistencyGroup(groupId: string): Promise<OperationResult> {
    const g = await this.group("failoverConsistencyGroup", groupId);
    // Only the auxiliary cluster can make its own volumes writable when its partner is gone.
    return (await this.memberOf("failoverConsistencyGroup", groupId, g.auxSystem)).adapter.failoverConsistencyGroup(groupId);
  }

  async switchConsistencyGroup(groupId: string, primary: "master" | "aux"): Promise<OperationResult> {
    return (await this.partnerFor("switchConsistencyGroup", groupId)).adapter.switchConsistencyGroup(groupId, primary);
  }

  async startConsistencyGroup(groupId: string, primary: "master" | "aux", force: boolean): Promise<OperationResult> {
    return (await this.partnerFor("startConsistencyGroup", groupId)).adapter.startConsistencyGroup(groupId, primary, force);
  }

  /** Either partner takes a switch or a start while they are connected: the auxiliary, else the master. */
  private async partnerFor(operation: string, groupId: string): Promise<SvcMember> {
    const g = await this.group(operation, groupId);
    try {
      return await this.memberOf(operation, groupId, g.auxSystem);
    } catch (err) {
      if (!(err instanceof AdapterError)) throw err;
      return this.memberOf(operation, groupId, g.masterSystem);
    }
  }

  async mapVolume(request: MapRequest): Promise<OperationResult> {
    const system = await this.systemOfVolume("mapVolume", request.volumeId);
    return (await this.memberOf("mapVolume", request.volumeId, system)).adapter.mapVolume(request);
  }

  async unmapVolume(request: MapRequest): Promise<OperationResult> {
    const system = await this.systemOfVolume("unmapVolume", request.volumeId);
    return (await this.memberOf("unmapVolume", request.volumeId, system)).adapter.unmapVolume(request);
  }

  async createFlashCopyGroup(request: FlashCopyRequest): Promise<{ group: ResolvedFlashCopyGroup; alreadyDone: boolean }> {
    return (await this.memberOf("createFlashCopyGroup", request.name, request.storageSystemId)).adapter.createFlashCopyGroup(request);
  }

  /** Each group checked by the connection of its storage system. */
  async checkFlashCopies(requests: readonly FlashCopyRequest[]): Promise<string[]> {
    const reasons: string[] = [];
    for (const r of requests) reasons.push(...((await (await this.memberOf("checkFlashCopies", r.name, r.storageSystemId)).adapter.checkFlashCopies([r]))));
    return reasons;
  }

  async deleteFlashCopyGroup(groupId: string): Promise<OperationResult> {
    const inv = await this.inventory();
    const g = inv.flashCopyGroups.find((x) => x.id === groupId);
    if (!g) return { alreadyDone: true };
    return (await this.memberOf("deleteFlashCopyGroup", groupId, g.storageSystem)).adapter.deleteFlashCopyGroup(groupId);
  }

  /** The LPARs' volumes, by each system's naming convention or by the UIDs VIOSes see (see hardware.ts). */
  async volumesOfLpars(lparIds: readonly string[]): Promise<Map<string, string[]>> {
    // The inventory being read (compute and storage are read together when planning), else a new one.
    const inv = await (this.read ?? this.inventory());
    const out = new Map<string, string[]>(lparIds.map((id) => [id, []]));
    for (const m of this.members.filter((x) => x.adapter.ownsVolumesByName)) {
      const system = this.systemIds.get(m.name);
      const names = inv.volumes.filter((v) => v.storageSystem === system).map((v) => v.id);
      for (const [lpar, vols] of m.adapter.assignVolumes(lparIds, names)) out.get(lpar)!.push(...vols);
    }
    for (const vols of out.values()) vols.sort();
    return out;
  }

  /** Volume names by vdisk_UID across the reachable systems. */
  async volumesByUid(): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    for (const m of this.members.filter((x) => !x.adapter.ownsVolumesByName && !this.down.has(x.name))) {
      try {
        for (const [uid, name] of await m.adapter.volumesByUid()) out.set(uid, name);
      } catch (err) {
        if (!isUnreachable(err)) throw err;
      }
    }
    return out;
  }

  /** Volume names by vdisk_UID across the reachable systems, whatever way LPARs' volumes are found. */
  async allVolumesByUid(): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    for (const m of this.members.filter((x) => !this.down.has(x.name))) {
      try {
        for (const [uid, name] of await m.adapter.volumesByUid()) out.set(uid, name);
      } catch (err) {
        if (!isUnreachable(err)) throw err;
      }
    }
    return out;
  }

  get matchesUids(): boolean {
    return this.members.some((m) => m.adapter.matchesUids);
  }

  get ownsVolumesByName(): boolean {
    return this.members.some((m) => m.adapter.ownsVolumesByName);
  }

  async limits(): Promise<ConcurrencyLimits> {
    const answers = await Promise.allSettled(this.members.map((m) => m.adapter.limits()));
    const out: Record<string, number> = {};
    answers.forEach((a, i) => {
      const m = this.members[i];
      if (a.status === "fulfilled") Object.assign(out, a.value);
      else if (isUnreachable(a.reason)) {
        const id = this.systemIds.get(m.name);
        if (id !== undefined) out[storageKey(id)] = m.adapter.maxConcurrentRequests;
      } else throw a.reason;
    });
    return out;
  }

  async close(): Promise<void> {
    await Promise.all(this.members.map((m) => m.adapter.close()));
  }
}

/** Objects by id across connections; the same id from two connections is an error. */
class Unique<T extends { id: string }> {
  private readonly items = new Map<string, { item: T; from: string }>();
  constructor(private readonly what: string) {}

  add(item: T, from: string): void {
    const seen = this.items.get(item.id);
    if (seen) throw collisionError(this.what, item.id, seen.from, from);
    this.items.set(item.id, { item, from });
  }

  get(id: string): T | undefined {
    return this.items.get(id)?.item;
  }

  values(): T[] {
    return [...this.items.values()].map((x) => x.item);
  }
}

function collisionError(what: string, id: string, first: string, second: string): AdapterError {
  return new AdapterError(
    "fatal",
    "inventory",
    id,
    `storage connections ${first} and ${second} both report a ${what} named ${JSON.stringify(id)}: ids must be unique across storage systems. ` +
      "Rename one of them (or check that the two connections do not reach the same system)",
  );
}
