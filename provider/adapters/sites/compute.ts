// A ComputeAdapter over several HMCs (one per site, or more). The inventory is read from every
// HMC at once and merged; each operation goes to an HMC that manages the LPAR (and, for a
// restart or a move, the target system too: PowerVM restarts a partition only between systems
// of one HMC). An HMC that cannot be reached (a lost site) does not fail the inventory: the
// systems known only from it are reported `No Connection`, with a warning.

import { AdapterError } from "../../errors";
import type { Hmc, ResolvedLpar, ResolvedManagedSystem } from "../../model";
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
import type { HmcComputeAdapter } from "../hmc/adapter";
import { hmcKey } from "../hmc/context";
import type { AdapterLog } from "../http/log";
import { isUnreachable, unreachableError } from "./reachability";

export interface HmcMember {
  /** The HMC's name (`hmc[i].name`), unique among the members. */
  readonly name: string;
  readonly site: string;
  readonly adapter: HmcComputeAdapter;
}

/** What the last inventory said about each HMC: the objects it manages, or that it was unreachable. */
interface Known {
  readonly systems: Map<string, string>;
  readonly lpars: Map<string, string>;
  readonly inventory: ComputeInventory;
}

export class MultiHmcComputeAdapter implements ComputeAdapter {
  readonly kind = "hmc";
  /** Per HMC name: what it reported at the last inventory that reached it. */
  private readonly known = new Map<string, Known>();
  /** HMCs that could not be reached at the last inventory. */
  private readonly down = new Set<string>();
  private read: Promise<ComputeInventory> | undefined;

  constructor(
    private readonly members: readonly HmcMember[],
    private readonly log: AdapterLog,
  ) {
    if (members.length === 0) throw new RangeError("MultiHmcComputeAdapter needs at least one HMC");
  }

  inventory(): Promise<ComputeInventory> {
    const read = this.readInventory();
    this.read = read;
    return read;
  }

  private async readInventory(): Promise<ComputeInventory> {
    const answers = await Promise.allSettled(this.members.map((m) => m.adapter.inventoryWithUuids()));
    const unreachable: HmcMember[] = [];
    answers.forEach((a, i) => {
      const m = this.members[i];
      if (a.status === "fulfilled") {
        this.down.delete(m.name);
        this.known.set(m.name, { systems: a.value.systemUuids, lpars: a.value.lparUuids, inventory: a.value.inventory });
      } else if (isUnreachable(a.reason)) {
        this.down.add(m.name);
        unreachable.push(m);
      }
    });
    const failed = answers.find((a): a is PromiseRejectedResult => a.status === "rejected" && !isUnreachable(a.reason));
    if (failed) throw failed.reason;
    if (unreachable.length === this.members.length) throw (answers[0] as PromiseRejectedResult).reason;
    const merged = this.merge();
    for (const m of unreachable) {
      const lost = merged.managedSystems.filter((s) => s.hmc === m.name).map((s) => s.id);
      this.log.warn(
        `HMC ${m.name} (site ${m.site}) cannot be reached: ` +
          (lost.length > 0
            ? `the managed systems only it manages are reported "No Connection": ${lost.join(", ")}`
            : "every system it managed at the last inventory is managed by another HMC, or none is known"),
      );
    }
    return merged;
  }

  /** The union of what each HMC reported; a system or LPAR seen from two HMCs must be one object. */
  private merge(): ComputeInventory {
    const systems = new Map<string, { system: ResolvedManagedSystem; uuid: string; from: string }>();
    const lpars = new Map<string, { lpar: ResolvedLpar; uuid: string; from: string }>();
    const hmcs: Hmc[] = this.members.map((m) => m.adapter.hmc);
    // Reachable HMCs first, so that a system managed by two HMCs shows the state the live one reads.
    const order = [...this.members].sort((a, b) => Number(this.down.has(a.name)) - Number(this.down.has(b.name)));
    for (const m of order) {
      const k = this.known.get(m.name);
      if (!k) continue;
      const isDown = this.down.has(m.name);
      for (const s of k.inventory.managedSystems) {
        const uuid = k.systems.get(s.id) ?? s.id;
        const seen = systems.get(s.id);
        if (seen) {
          if (seen.uuid !== uuid) throw collision("managed system", s.id, seen.from, m.name);
          if (seen.system.site !== s.site) {
            throw new AdapterError(
              "fatal",
              "inventory",
              s.id,
              `HMCs ${seen.from} and ${m.name} both manage system ${JSON.stringify(s.id)} but place it at sites ${JSON.stringify(seen.system.site)} and ${JSON.stringify(s.site)}: ` +
                "set `systemSites` on the HMC that manages it from the other site",
            );
          }
          continue;
        }
        systems.set(s.id, { system: isDown ? { ...s, state: "No Connection" } : s, uuid, from: m.name });
      }
      for (const l of k.inventory.lpars) {
        const uuid = k.lpars.get(l.id) ?? l.id;
        const seen = lpars.get(l.id);
        if (seen) {
          if (seen.uuid !== uuid) throw collision("LPAR", l.id, seen.from, m.name);
          continue;
        }
        lpars.set(l.id, { lpar: l, uuid, from: m.name });
      }
    }
    return {
      hmcs,
      managedSystems: [...systems.values()].map((s) => s.system),
      lpars: [...lpars.values()].map((l) => l.lpar),
    };
  }

  /**
   * The HMC to send an LPAR operation to: a reachable one that manages the LPAR, and, when
   * `targetSystemId` is given, the target system as well. With `expectedSystemId` (the system a
   * destructive step expects the LPAR on), one that manages that system comes first, so that its
   * HMC, which reads where the LPAR is when it acts, decides.
   */
  private async route(operation: string, lparId: string, targetSystemId?: string, expectedSystemId?: string): Promise<HmcMember | "down"> {
    const knowers = (): HmcMember[] => this.members.filter((m) => this.known.get(m.name)?.lpars.has(lparId));
    // Read (again) when the LPAR is not known yet: the first operation, or an LPAR created since.
    if (!this.read || knowers().length === 0) await this.inventory();
    const manages = (m: HmcMember): boolean => expectedSystemId !== undefined && this.known.get(m.name)?.systems.has(expectedSystemId) === true;
    const knows = knowers().sort((a, b) => Number(manages(b)) - Number(manages(a)));
    const live = knows.filter((m) => !this.down.has(m.name));
    if (targetSystemId !== undefined) {
      const both = live.find((m) => this.known.get(m.name)?.systems.has(targetSystemId));
      if (both) return both;
      const target = this.members.find((m) => this.known.get(m.name)?.systems.has(targetSystemId) && !this.down.has(m.name));
      if (target) {
        throw new AdapterError(
          "fatal",
          operation,
          lparId,
          `HMC ${target.name}, which manages target system ${JSON.stringify(targetSystemId)}, does not manage LPAR ${JSON.stringify(lparId)}: ` +
            "a remote restart or move needs one HMC that manages both systems (connect the target site's HMC to the source site's systems too)",
        );
      }
    }
    if (live.length > 0) return live[0];
    if (knows.length > 0) return "down";
    throw new AdapterError("notFound", operation, lparId, `no HMC of ${this.members.map((m) => m.name).join(", ")} manages an LPAR ${JSON.stringify(lparId)}`);
  }

  private async onLpar<T>(operation: string, lparId: string, run: (a: HmcComputeAdapter) => Promise<T>, targetSystemId?: string): Promise<T> {
    const to = await this.route(operation, lparId, targetSystemId);
    if (to === "down") throw this.downError(operation, lparId);
    return run(to.adapter);
  }

  private downError(operation: string, lparId: string): AdapterError {
    const m = this.members.find((x) => this.known.get(x.name)?.lpars.has(lparId)) ?? this.members[0];
    return unreachableError(operation, lparId, `HMC ${m.name}, which manages it,`, m.site);
  }

  getLpar(lparId: string): Promise<ResolvedLpar> {
    return this.onLpar("getLpar", lparId, (a) => a.getLpar(lparId));
  }

  setRemoteRestartCapable(lparId: string, capable: boolean): Promise<OperationResult> {
    return this.onLpar("setRemoteRestartCapable", lparId, (a) => a.setRemoteRestartCapable(lparId, capable));
  }

  async fenceLpar(lparId: string, sourceSystemId: string): Promise<FenceResult> {
    const to = await this.route("fenceLpar", lparId, undefined, sourceSystemId);
    // Only unreachable HMCs know the LPAR: its whole site is gone from the network, as its
    // systems' "No Connection" in the inventory said when the failover was planned.
    if (to === "down") return { alreadyDone: true, evidence: "No Connection" };
    return to.adapter.fenceLpar(lparId, sourceSystemId);
  }

  validateRemoteRestart(request: RemoteRestartRequest): Promise<void> {
    return this.onLpar("validateRemoteRestart", request.lparId, (a) => a.validateRemoteRestart(request), request.targetSystemId);
  }

  remoteRestart(request: RemoteRestartRequest): Promise<OperationResult> {
    return this.onLpar("remoteRestart", request.lparId, (a) => a.remoteRestart(request), request.targetSystemId);
  }

  waitUntilRunning(lparId: string): Promise<OperationResult> {
    return this.onLpar("waitUntilRunning", lparId, (a) => a.waitUntilRunning(lparId));
  }

  powerOn(lparId: string): Promise<OperationResult> {
    return this.onLpar("powerOn", lparId, (a) => a.powerOn(lparId));
  }

  async powerOff(lparId: string, immediate: boolean, expectedSystemId?: string): Promise<OperationResult> {
    const to = await this.route("powerOff", lparId, undefined, expectedSystemId);
    if (to === "down") throw this.downError("powerOff", lparId);
    return to.adapter.powerOff(lparId, immediate, expectedSystemId);
  }

  suspendLpar(lparId: string, expectedSystemId: string): Promise<OperationResult> {
    return this.onLpar("suspendLpar", lparId, (a) => a.suspendLpar(lparId), expectedSystemId);
  }

  resumeLpar(lparId: string, expectedSystemId: string): Promise<OperationResult> {
    return this.onLpar("resumeLpar", lparId, (a) => a.resumeLpar(lparId), expectedSystemId);
  }

  cleanupSource(lparId: string): Promise<OperationResult> {
    return this.onLpar("cleanupSource", lparId, (a) => a.cleanupSource(lparId));
  }

  moveLpar(request: RemoteRestartRequest): Promise<OperationResult> {
    return this.onLpar("moveLpar", request.lparId, (a) => a.moveLpar(request), request.targetSystemId);
  }

  /** Each copy checked by the HMC that would make it (the one that manages source and target). */
  async checkDrillCopies(copies: readonly DrillCopyCheck[]): Promise<string[]> {
    const reasons: string[] = [];
    for (const c of copies) reasons.push(...(await this.onLpar("checkDrillCopies", c.sourceLparId, (a) => a.checkDrillCopies([c]), c.targetSystemId)));
    return [...new Set(reasons)];
  }

  createDrillLpar(request: DrillLparRequest): Promise<{ lparId: string; alreadyDone: boolean }> {
    return this.onLpar("createDrillLpar", request.sourceLparId, (a) => a.createDrillLpar(request), request.targetSystemId);
  }

  deleteDrillLpar(lparId: string): Promise<OperationResult> {
    return this.onLpar("deleteDrillLpar", lparId, (a) => a.deleteDrillLpar(lparId));
  }

  attachVirtualDisk(request: VirtualDiskRequest): Promise<OperationResult> {
    return this.onSystem("attachVirtualDisk", request, (a) => a.attachVirtualDisk(request));
  }

  detachVirtualDisk(request: VirtualDiskRequest): Promise<OperationResult> {
    return this.onSystem("detachVirtualDisk", request, (a) => a.detachVirtualDisk(request));
  }

  /** A VIOS change goes to a reachable HMC that manages the VIOS's system. */
  private async onSystem<T>(operation: string, request: VirtualDiskRequest, run: (a: HmcComputeAdapter) => Promise<T>): Promise<T> {
    const managers = (): HmcMember[] => this.members.filter((m) => this.known.get(m.name)?.systems.has(request.hostId));
    if (!this.read || managers().length === 0) await this.inventory();
    const all = managers();
    const live = all.find((m) => !this.down.has(m.name));
    if (live) return run(live.adapter);
    if (all.length > 0) throw unreachableError(operation, request.volumeId, `HMC ${all[0].name}, which manages system ${request.hostId},`, all[0].site);
    throw new AdapterError("notFound", operation, request.volumeId, `no HMC of ${this.members.map((m) => m.name).join(", ")} manages a system ${JSON.stringify(request.hostId)}`);
  }

  /** Every HMC's limits; an unreachable HMC contributes its own job limit, from its settings. */
  async limits(): Promise<ConcurrencyLimits> {
    const answers = await Promise.allSettled(this.members.map((m) => m.adapter.limits()));
    const out: Record<string, number> = {};
    answers.forEach((a, i) => {
      const m = this.members[i];
      if (a.status === "rejected") {
        if (!isUnreachable(a.reason)) throw a.reason;
        out[hmcKey(m.name)] = m.adapter.hmc.maxConcurrentJobs ?? 16;
        return;
      }
      // A system managed by two HMCs: the stricter limit holds.
      for (const [key, value] of Object.entries(a.value)) out[key] = Math.min(out[key] ?? Infinity, value);
    });
    return out;
  }

  async close(): Promise<void> {
    await Promise.all(this.members.map((m) => m.adapter.close()));
  }
}

function collision(what: string, id: string, first: string, second: string): AdapterError {
  return new AdapterError(
    "fatal",
    "inventory",
    id,
    `HMCs ${first} and ${second} each report a different ${what} with the id ${JSON.stringify(id)}: ids must be unique across HMCs. ` +
      "Rename one of them, or set `identifyBy` to \"uuid\" on every HMC",
  );
}
