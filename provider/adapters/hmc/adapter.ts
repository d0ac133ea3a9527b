// The ComputeAdapter for PowerVM through the HMC REST API. It owns the session, the concurrency
// limits (`hmc:<name>` for jobs on the HMC, `system:<id>` for remote restarts onto one managed
// system, `vios:<id>/<vios>` for vSCSI mapping changes) and retries of transient failures; each operation lives in operations/.

import { WallClock } from "../../clock";
import { AdapterError } from "../../errors";
import type { HmcConnection } from "../../generated/adapter-settings";
import type { Hmc, ResolvedLpar } from "../../model";
import type {
  ComputeAdapter,
  ComputeInventory,
  ConcurrencyLimits,
  DrillCopyCheck,
  DrillLparRequest,
  FenceResult,
  OperationResult,
  RemoteRestartRequest,
  VirtualDiskRequest,
} from "../compute";
import { KeyedLimiter, Semaphore } from "../http/limiter";
import { stderrLog } from "../http/log";
import type { HardwareAdapterOptions, LparVolumes } from "../http/options";
import { Secrets } from "../http/secrets";
import { withRetries } from "../http/retry";
import { createDispatcher } from "../http/tls";
import { Transport } from "../http/transport";
import { HmcContext, hmcKey, systemKey, viosKey, type HmcSettings } from "./context";
import { HmcDirectory } from "./directory";
import { lparId, systemId, toLpar, toManagedSystem, type ModelContext } from "./inventory";
import { JobRunner } from "./jobs";
import { setRemoteRestartCapable } from "./operations/capable";
import { checkDrillCopies, createDrillLpar, deleteDrillLpar, markDrillCopies } from "./operations/drill";
import { fenceLpar, powerOff, powerOn, suspendRefusal, waitUntilRunning } from "./operations/power";
import { cleanupSource, moveLpar, remoteRestart, validateRemoteRestart } from "./operations/restart";
import { attachVirtualDisk, detachVirtualDisk, type ViosLock, type VolumeUid } from "./operations/vdisk";
import { discoverNetwork, readLparAdapters, readSwitches } from "./network";
import { HmcSession } from "./session";
import { readVscsiDisks } from "./vios";
import { MalformedAnswer } from "./xml";

export function resolveHmcSettings(c: HmcConnection): HmcSettings {
  return {
    url: c.url,
    name: c.name ?? hostName(c.url),
    site: c.site ?? "default",
    systemSites: c.systemSites ?? {},
    username: c.username,
    maxConcurrentJobs: c.maxConcurrentJobs ?? 16,
    maxRemoteRestartsPerSystem: c.maxRemoteRestartsPerSystem ?? 32,
    jobTimeoutSeconds: c.jobTimeoutSeconds ?? 1800,
    pollIntervalSeconds: c.pollIntervalSeconds ?? 1,
    bootTimeoutSeconds: c.bootTimeoutSeconds ?? 900,
    waitForRmc: c.waitForRmc ?? false,
    requestTimeoutSeconds: c.requestTimeoutSeconds ?? 60,
    retries: c.retries ?? 3,
    identifyBy: c.identifyBy ?? "name",
  };
}

/** The host part of a URL, made into an id (dots kept): hmc1.example.com. */
export function hostName(url: string): string {
  return new URL(url).hostname.replace(/[^A-Za-z0-9._-]/g, "-").replace(/^[^A-Za-z0-9]+/, "") || "hmc";
}

export class HmcComputeAdapter implements ComputeAdapter {
  readonly kind = "hmc";
  private readonly ctx: HmcContext;
  private readonly transport: Transport;
  private readonly lparVolumes: LparVolumes | undefined;
  private readonly volumeUid: VolumeUid | undefined;
  /** One mapping change at a time per VIOS, as the VIOS applies them. */
  private readonly viosChanges = new KeyedLimiter(() => 1);
  /** Network reads of an inventory in flight at once (switch, VIOS and adapter feeds). */
  private readonly networkReads = new Semaphore(8);
  /** Switch names by number, per system UUID, as the last inventory read them (for one-LPAR reads). */
  private readonly switchNames = new Map<string, Map<number, string>>();

  /**
   * `lparVolumes` fills each LPAR's `volumes` (see docs/hardware.md, "Which volumes an LPAR uses");
   * `volumeUid` gives a storage volume's UID, by which the VIOS disk of a vSCSI mapping is found.
   */
  constructor(connection: HmcConnection, options: HardwareAdapterOptions & { lparVolumes?: LparVolumes; volumeUid?: VolumeUid; settingsPath?: string } = {}) {
    this.lparVolumes = options.lparVolumes;
    this.volumeUid = options.volumeUid;
    const settings = resolveHmcSettings(connection);
    const clock = options.clock ?? new WallClock();
    const log = options.log ?? stderrLog;
    const secrets = new Secrets();
    secrets.add(connection.password);
    const dispatcher = createDispatcher({ tls: connection.tls, settingsPath: `${options.settingsPath ?? "hmc"}.tls`, connections: settings.maxConcurrentJobs + 4, log });
    this.transport = new Transport(settings.url, dispatcher, settings.requestTimeoutSeconds * 1000, secrets, `HMC ${settings.name}`);
    const session = new HmcSession(this.transport, settings.username, connection.password, secrets, log);
    const jobs = new JobRunner(session, clock, { pollIntervalMs: settings.pollIntervalSeconds * 1000, timeoutMs: settings.jobTimeoutSeconds * 1000 }, log);
    const retry = { retries: settings.retries, baseDelayMs: options.retryBaseDelayMs ?? 1000, maxDelayMs: 30_000, clock };
    this.ctx = new HmcContext(
      settings,
      session,
      new HmcDirectory(session, settings.identifyBy),
      jobs,
      new Semaphore(settings.maxConcurrentJobs),
      new KeyedLimiter(() => settings.maxRemoteRestartsPerSystem),
      retry,
      clock,
      log,
    );
  }

  private get model(): ModelContext {
    const s = this.ctx.settings;
    const hmc: Hmc = { name: s.name, site: s.site, maxConcurrentJobs: s.maxConcurrentJobs };
    return { hmc, identifyBy: s.identifyBy, maxRemoteRestarts: s.maxRemoteRestartsPerSystem, systemSites: s.systemSites };
  }

  async inventory(): Promise<ComputeInventory> {
    return (await this.inventoryWithUuids()).inventory;
  }

  /**
   * The inventory, with the HMC UUID of every managed system and LPAR by model id: two HMCs that
   * manage the same system (redundant HMCs) report the same UUID for it.
   */
  async inventoryWithUuids(): Promise<{ inventory: ComputeInventory; systemUuids: Map<string, string>; lparUuids: Map<string, string> }> {
    const { systems, lpars } = await withRetries(this.ctx.retry, () => this.ctx.directory.readAll());
    const model = this.model;
    const by = this.ctx.settings.identifyBy;
    const byUuid = new Map(systems.map((s) => [s.uuid, s]));
    const net = await withRetries(this.ctx.retry, () => this.malformedIsFatal("inventory", "network", () => discoverNetwork(this.ctx.session, systems, lpars, this.networkReads, this.ctx.log)));
    for (const [uuid, s] of net.systems) this.switchNames.set(uuid, s.switchNames);
    const mapped = markDrillCopies(lpars, lpars.map((l) => toLpar(l, byUuid.get(l.systemUuid), model)), (l) => lparId(l, by)).map((l, i) => {
      const adapters = net.adapters.get(lpars[i].uuid);
      return adapters ? { ...l, adapters } : l;
    });
    return {
      inventory: {
        hmcs: [model.hmc],
        managedSystems: systems.map((s) => {
          const found = net.systems.get(s.uuid);
          return found ? { ...toManagedSystem(s, model), virtualSwitches: found.virtualSwitches, failedVioses: found.failedVioses } : toManagedSystem(s, model);
        }),
        lpars: await this.withVolumes(mapped),
      },
      systemUuids: new Map(systems.map((s) => [systemId(s, by), s.uuid])),
      lparUuids: new Map(lpars.map((l) => [lparId(l, by), l.uuid])),
    };
  }

  /** The HMC's model record (name, site, job limit), known without asking it. */
  get hmc(): Hmc {
    return this.model.hmc;
  }

  async getLpar(id: string): Promise<ResolvedLpar> {
    const lpar = await withRetries(this.ctx.retry, async () => {
      const found = await this.ctx.directory.lpar(id, "getLpar");
      const host = await this.ctx.directory.systemByUuid(found.systemUuid, "getLpar", id);
      const adapters = await this.malformedIsFatal("getLpar", id, async () => readLparAdapters(this.ctx.session, found, await this.switchNamesOf(found.systemUuid, id), this.networkReads));
      const mapped = adapters ? { ...toLpar(found, host, this.model), adapters } : toLpar(found, host, this.model);
      // Only a name with the drill mark can be a copy: the others need no second read.
      if (!found.name.includes("-drill-")) return mapped;
      const { lpars } = await this.ctx.directory.readAll();
      const by = this.ctx.settings.identifyBy;
      return markDrillCopies([found, ...lpars], [mapped, ...lpars.map((l) => toLpar(l, undefined, this.model))], (l) => lparId(l, by))[0];
    });
    return (await this.withVolumes([lpar]))[0];
  }

  /** A system's switch names by number: as the last inventory read them, else read now. */
  private async switchNamesOf(systemUuid: string, objectId: string): Promise<Map<number, string>> {
    const known = this.switchNames.get(systemUuid);
    if (known) return known;
    // Only the switches' names: a down system's VIOSes would not answer.
    const switches = await readSwitches(this.ctx.session, systemUuid, objectId);
    const names = new Map((switches ?? []).map((s) => [s.id, s.name]));
    this.switchNames.set(systemUuid, names);
    return names;
  }

  /** An answer that is not the XML expected is fatal, naming what was read. */
  private async malformedIsFatal<T>(operation: string, objectId: string, read: () => Promise<T>): Promise<T> {
    try {
      return await read();
    } catch (err) {
      if (!(err instanceof MalformedAnswer)) throw err;
      throw new AdapterError("fatal", operation, objectId, `malformed answer from the HMC: ${err.message}`);
    }
  }

  private async withVolumes(lpars: ResolvedLpar[]): Promise<ResolvedLpar[]> {
    if (!this.lparVolumes || lpars.length === 0) return lpars;
    const volumes = await this.lparVolumes(
      lpars.map((l) => l.id),
      () => this.deviceIds(),
    );
    return lpars.map((l) => ({ ...l, volumes: [...(volumes.get(l.id) ?? [])] }));
  }

  /** The device ids of the disks each LPAR sees through vSCSI, keyed by model LPAR id. */
  private deviceIds(): Promise<Map<string, string[]>> {
    return withRetries(this.ctx.retry, async () => {
      const { systems, lpars } = await this.ctx.directory.readAll();
      let byUuid: Map<string, string[]>;
      try {
        byUuid = await readVscsiDisks(this.ctx.session, systems.map((s) => s.uuid));
      } catch (err) {
        if (!(err instanceof MalformedAnswer)) throw err;
        throw new AdapterError("fatal", "inventory", "VirtualIOServer", `malformed answer from the HMC: ${err.message}`);
      }
      return new Map(lpars.map((l) => [lparId(l, this.ctx.settings.identifyBy), byUuid.get(l.uuid) ?? []]));
    });
  }

  setRemoteRestartCapable(lparId: string, capable: boolean): Promise<OperationResult> {
    return setRemoteRestartCapable(this.ctx, lparId, capable);
  }

  fenceLpar(lparId: string, sourceSystemId: string): Promise<FenceResult> {
    return fenceLpar(this.ctx, lparId, sourceSystemId);
  }

  validateRemoteRestart(request: RemoteRestartRequest): Promise<void> {
    return validateRemoteRestart(this.ctx, request);
  }

  remoteRestart(request: RemoteRestartRequest): Promise<OperationResult> {
    return remoteRestart(this.ctx, request);
  }

  waitUntilRunning(lparId: string): Promise<OperationResult> {
    return waitUntilRunning(this.ctx, lparId);
  }

  powerOn(lparId: string): Promise<OperationResult> {
    return powerOn(this.ctx, lparId);
  }

  powerOff(lparId: string, immediate: boolean, expectedSystemId?: string): Promise<OperationResult> {
    return powerOff(this.ctx, lparId, immediate, expectedSystemId);
  }

  suspendLpar(lparId: string): Promise<OperationResult> {
    return suspendRefusal("suspendLpar", lparId);
  }

  resumeLpar(lparId: string): Promise<OperationResult> {
    return suspendRefusal("resumeLpar", lparId);
  }

  cleanupSource(lparId: string): Promise<OperationResult> {
    return cleanupSource(this.ctx, lparId);
  }

  moveLpar(request: RemoteRestartRequest): Promise<OperationResult> {
    return moveLpar(this.ctx, request);
  }

  attachVirtualDisk(request: VirtualDiskRequest): Promise<OperationResult> {
    return this.viosChanges.run(viosKey(request.hostId, request.vios), () => attachVirtualDisk(this.ctx, this.volumeUid, request));
  }

  detachVirtualDisk(request: VirtualDiskRequest): Promise<OperationResult> {
    return this.viosChanges.run(viosKey(request.hostId, request.vios), () => detachVirtualDisk(this.ctx, this.volumeUid, request));
  }

  createDrillLpar(request: DrillLparRequest): Promise<{ lparId: string; alreadyDone: boolean }> {
    return createDrillLpar(this.ctx, this.volumeUid, this.viosLock, request);
  }

  deleteDrillLpar(lparId: string): Promise<OperationResult> {
    return deleteDrillLpar(this.ctx, this.viosLock, lparId);
  }

  /** The drill copies' VIOS changes wait their turn with attach and detach. */
  private readonly viosLock: ViosLock = (systemId, vios, change) => this.viosChanges.run(viosKey(systemId, vios), change);

  checkDrillCopies(copies: readonly DrillCopyCheck[]): Promise<string[]> {
    return checkDrillCopies(this.ctx, copies);
  }

  async limits(): Promise<ConcurrencyLimits> {
    const s = this.ctx.settings;
    const systems = await withRetries(this.ctx.retry, () => this.ctx.directory.readSystems());
    const limits: Record<string, number> = { [hmcKey(s.name)]: s.maxConcurrentJobs };
    for (const system of systems) {
      const id = systemId(system, s.identifyBy);
      limits[systemKey(id)] = s.maxRemoteRestartsPerSystem;
      for (const vios of system.viosUuids) limits[viosKey(id, vios)] = 1;
    }
    return limits;
  }

  async close(): Promise<void> {
    if (this.transport.isClosed) return;
    try {
      await this.ctx.session.logoff();
    } catch (err) {
      this.ctx.log.debug(`logoff failed: ${(err as Error).message}`);
    } finally {
      await this.transport.close();
    }
  }
}
