// The StorageAdapter for IBM Spectrum Virtualize (SVC, FlashSystem, Storwize) through its REST
// API. It owns the token session, the limit `storage:<id>` on parallel commands, retries of
// transient failures and the host naming convention; each operation lives in operations/.

import { WallClock } from "../../clock";
import type { SvcConnection } from "../../generated/adapter-settings";
import type { ResolvedFlashCopyGroup } from "../../model";
import type { ConcurrencyLimits, OperationResult } from "../compute";
import type { HardwareAdapterOptions } from "../http/options";
import { Semaphore } from "../http/limiter";
import { stderrLog } from "../http/log";
import { Secrets } from "../http/secrets";
import { withRetries } from "../http/retry";
import { createDispatcher } from "../http/tls";
import { Transport } from "../http/transport";
import type { FlashCopyRequest, MapRequest, StorageAdapter, StorageInventory } from "../storage";
import { storageKey, SvcContext, type SvcSettings } from "./context";
import { HostNaming } from "./hostnames";
import { toConsistencyGroup, toFlashCopyGroup, toHostMappings, toStorageSystem, toVolume } from "./inventory";
import { checkFlashCopies, createFlashCopyGroup, deleteFlashCopyGroup } from "./operations/flashcopy";
import { mapVolume, unmapVolume } from "./operations/mapping";
import { failoverConsistencyGroup, startConsistencyGroup, switchConsistencyGroup } from "./operations/remotecopy";
import { VolumeOwnership } from "./ownership";
import { SvcQueries, type SvcRecord } from "./queries";
import { SvcSession } from "./session";

export function resolveSvcSettings(c: SvcConnection): SvcSettings {
  return {
    url: c.url,
    site: c.site ?? "default",
    username: c.username,
    maxConcurrentRequests: c.maxConcurrentRequests ?? 4,
    hostNameTemplate: c.hostNameTemplate ?? "{system}",
    presentation: c.presentation ?? "vscsi",
    volumeFilters: c.volumeFilters ?? [],
    maxObjectsPerQuery: c.maxObjectsPerQuery ?? 2000,
    flashCopyTargetSuffix: c.flashCopyTargetSuffix ?? "_drill",
    requestTimeoutSeconds: c.requestTimeoutSeconds ?? 60,
    retries: c.retries ?? 3,
  };
}

export class SvcStorageAdapter implements StorageAdapter {
  readonly kind = "svc";
  private readonly ctx: SvcContext;
  private readonly transport: Transport;
  private readonly ownership: VolumeOwnership | undefined;

  constructor(connection: SvcConnection, options: HardwareAdapterOptions & { settingsPath?: string } = {}) {
    const settings = resolveSvcSettings(connection);
    const clock = options.clock ?? new WallClock();
    const log = options.log ?? stderrLog;
    const secrets = new Secrets();
    secrets.add(connection.password);
    const dispatcher = createDispatcher({ tls: connection.tls, settingsPath: `${options.settingsPath ?? "storage"}.tls`, connections: settings.maxConcurrentRequests, log });
    this.transport = new Transport(settings.url, dispatcher, settings.requestTimeoutSeconds * 1000, secrets, `storage ${new URL(settings.url).host}`);
    const session = new SvcSession(this.transport, settings.username, connection.password, secrets, new Semaphore(settings.maxConcurrentRequests), log);
    const retry = { retries: settings.retries, baseDelayMs: options.retryBaseDelayMs ?? 1000, maxDelayMs: 30_000, clock };
    this.ownership = connection.lparVolumePattern ? new VolumeOwnership(connection.lparVolumePattern) : undefined;
    this.ctx = new SvcContext(settings, session, new SvcQueries(session, settings.maxObjectsPerQuery, log), new HostNaming(settings.hostNameTemplate), retry, clock, log);
  }

  inventory(): Promise<StorageInventory> {
    return withRetries(this.ctx.retry, () => this.readInventory());
  }

  private async readInventory(): Promise<StorageInventory> {
    const { ctx } = this;
    const q = ctx.queries;
    const op = "inventory";
    const system = await ctx.storageSystemId(op);
    const vdisks = await this.readVolumes(op);
    // Host objects can outnumber one answer's limit (a system holds up to a few thousand), so
    // they are read in slices like volumes, starting from the naming convention's literal start.
    // Remote-copy and FlashCopy consistency groups stay in the hundreds per system (IBM's
    // configuration limits), far below it: one query each.
    const hosts = (await q.sliced("lshost", op, {}, ctx.naming.namePrefix)).filter((h) => ctx.naming.parse(h.name) !== undefined);
    const mapRows = (await Promise.all(hosts.map((h) => q.list("lshostvdiskmap", op, h.name, {}, h.name)))).flat();
    const rcGroups = await q.list("lsrcconsistgrp", op, system);
    const consistencyGroups = await Promise.all(
      rcGroups.map(async (g) => toConsistencyGroup(g, await q.filtered("lsrcrelationship", `consistency_group_name=${g.name}`, op, g.name), new Date(ctx.clock.now()))),
    );
    const fcGroups = await q.list("lsfcconsistgrp", op, system);
    const flashCopyGroups: ResolvedFlashCopyGroup[] = await Promise.all(
      fcGroups.map(async (g) => toFlashCopyGroup(g, await q.filtered("lsfcmap", `group_name=${g.name}`, op, g.name), system)),
    );
    return {
      storageSystems: [toStorageSystem({ name: system }, ctx.settings.site, ctx.settings.maxConcurrentRequests)],
      volumes: vdisks.map((v) => toVolume(v, system)),
      hostMappings: toHostMappings(mapRows, ctx.naming, ctx.settings.presentation),
      consistencyGroups,
      flashCopyGroups,
    };
  }

  /**
   * The volumes each LPAR uses, by the naming convention `storage.lparVolumePattern`; every list
   * is empty without one. The HMC adapter fills its LPARs' `volumes` from this.
   */
  async volumesOfLpars(lparIds: readonly string[]): Promise<Map<string, string[]>> {
    if (!this.ownership) return new Map(lparIds.map((id) => [id, []]));
    const ownership = this.ownership;
    const vdisks = await withRetries(this.ctx.retry, () => this.readVolumes("volumesOfLpars"));
    return ownership.assign(lparIds, vdisks.map((v) => v.name));
  }

  /** Every volume's name by vdisk_UID, whatever way LPARs' volumes are found (VIOS disks are found by it). */
  allVolumesByUid(): Promise<Map<string, string>> {
    return this.volumesByUid();
  }

  /** Volume names by vdisk_UID (upper case), to recognise the disks VIOSes map. */
  async volumesByUid(): Promise<Map<string, string>> {
    const vdisks = await withRetries(this.ctx.retry, () => this.readVolumes("volumesByUid"));
    return new Map(vdisks.filter((v) => v.vdisk_UID).map((v) => [v.vdisk_UID.toUpperCase(), v.name]));
  }

  /** The LPARs' volumes among `volumeNames` by the naming convention (empty lists without one). */
  assignVolumes(lparIds: readonly string[], volumeNames: readonly string[]): Map<string, string[]> {
    return this.ownership ? this.ownership.assign(lparIds, volumeNames) : new Map(lparIds.map((id) => [id, []]));
  }

  /** The storage system's id (its lssystem name), read once. */
  systemId(): Promise<string> {
    return withRetries(this.ctx.retry, () => this.ctx.storageSystemId("inventory"));
  }

  get maxConcurrentRequests(): number {
    return this.ctx.settings.maxConcurrentRequests;
  }

  /** Whether LPAR volumes come from VIOS mappings (no naming convention). */
  get matchesUids(): boolean {
    return this.ownership === undefined;
  }

  /** Whether LPAR volumes come from a naming convention rather than from VIOS mappings. */
  get ownsVolumesByName(): boolean {
    return this.ownership !== undefined;
  }

  private readVolumes(op: string): Promise<SvcRecord[]> {
    const { queries, settings } = this.ctx;
    return settings.volumeFilters.length > 0 ? queries.byFilters("lsvdisk", settings.volumeFilters, op, { bytes: true }) : queries.sliced("lsvdisk", op, { bytes: true });
  }

  failoverConsistencyGroup(groupId: string): Promise<OperationResult> {
    return failoverConsistencyGroup(this.ctx, groupId);
  }

  switchConsistencyGroup(groupId: string, primary: "master" | "aux"): Promise<OperationResult> {
    return switchConsistencyGroup(this.ctx, groupId, primary);
  }

  startConsistencyGroup(groupId: string, primary: "master" | "aux", force: boolean): Promise<OperationResult> {
    return startConsistencyGroup(this.ctx, groupId, primary, force);
  }

  mapVolume(request: MapRequest): Promise<OperationResult> {
    return mapVolume(this.ctx, request);
  }

  unmapVolume(request: MapRequest): Promise<OperationResult> {
    return unmapVolume(this.ctx, request);
  }

  createFlashCopyGroup(request: FlashCopyRequest): Promise<{ group: ResolvedFlashCopyGroup; alreadyDone: boolean }> {
    return createFlashCopyGroup(this.ctx, request);
  }

  deleteFlashCopyGroup(groupId: string): Promise<OperationResult> {
    return deleteFlashCopyGroup(this.ctx, groupId);
  }

  checkFlashCopies(requests: readonly FlashCopyRequest[]): Promise<string[]> {
    return checkFlashCopies(this.ctx, requests);
  }

  async limits(): Promise<ConcurrencyLimits> {
    return { [storageKey(await this.ctx.storageSystemId("limits"))]: this.ctx.settings.maxConcurrentRequests };
  }

  close(): Promise<void> {
    // Tokens simply expire: the REST API has no logout.
    return this.transport.close();
  }
}
