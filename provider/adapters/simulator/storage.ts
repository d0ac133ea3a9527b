// The simulator's StorageAdapter: the SAN side of the simulated datacenter.
// Decisions live in storage-ops.ts; this class runs them through the store and waits for the jobs.

import type { ConcurrencyLimits, OperationResult } from "../compute";
import type { FlashCopyRequest, MapRequest, StorageAdapter, StorageInventory } from "../storage";
import { AdapterError } from "../../errors";
import type { ResolvedFlashCopyGroup } from "../../model";
import { finish } from "./compute";
import { storageLimits } from "./resources";
import {
  decideCreateFlashCopy,
  decideDeleteFlashCopy,
  decideFailoverGroup,
  decideMapVolume,
  decideStartGroup,
  decideSwitchGroup,
  decideUnmapVolume,
} from "./storage-ops";
import type { StateStore } from "./store";

export class SimulatorStorageAdapter implements StorageAdapter {
  readonly kind = "simulator";

  constructor(
    private readonly store: StateStore,
    /** Wall (clock) milliseconds per simulated millisecond. */
    readonly timeScale: number,
  ) {}

  inventory(): Promise<StorageInventory> {
    return this.store.read((s) => {
      const hostMappings = [];
      for (const list of s.mappings.values()) for (const m of list) hostMappings.push({ ...m });
      return {
        storageSystems: [...s.storageSystems.values()].map((x) => ({ ...x })),
        volumes: [...s.volumes.values()].map((v) => ({ ...v })),
        hostMappings,
        consistencyGroups: [...s.consistencyGroups.values()].map((g) => ({ ...g, pairs: g.pairs.map((p) => ({ ...p })) })),
        flashCopyGroups: [...s.flashCopyGroups.values()].map((g) => ({ ...g, maps: g.maps.map((m) => ({ ...m })) })),
      };
    });
  }

  async failoverConsistencyGroup(groupId: string): Promise<OperationResult> {
    return finish(this.store, await this.store.update((s, now) => decideFailoverGroup(s, now, groupId)));
  }

  async switchConsistencyGroup(groupId: string, primary: "master" | "aux"): Promise<OperationResult> {
    return finish(this.store, await this.store.update((s, now) => decideSwitchGroup(s, now, groupId, primary)));
  }

  async startConsistencyGroup(groupId: string, primary: "master" | "aux", force: boolean): Promise<OperationResult> {
    return finish(this.store, await this.store.update((s, now) => decideStartGroup(s, now, groupId, primary, force)));
  }

  async mapVolume(request: MapRequest): Promise<OperationResult> {
    return finish(this.store, await this.store.update((s, now) => decideMapVolume(s, now, request)));
  }

  async unmapVolume(request: MapRequest): Promise<OperationResult> {
    return finish(this.store, await this.store.update((s, now) => decideUnmapVolume(s, now, request)));
  }

  async createFlashCopyGroup(request: FlashCopyRequest): Promise<{ group: ResolvedFlashCopyGroup; alreadyDone: boolean }> {
    const { groupId, accepted } = await this.store.update((s, now) => decideCreateFlashCopy(s, now, request));
    const { alreadyDone } = await finish(this.store, accepted);
    const group = await this.store.read((s) => s.flashCopyGroups.get(groupId));
    if (!group) throw new AdapterError("notFound", "createFlashCopyGroup", groupId, "the group vanished after it was created (deleted meanwhile?)");
    return { group: { ...group, maps: group.maps.map((m) => ({ ...m })) }, alreadyDone };
  }

  async deleteFlashCopyGroup(groupId: string): Promise<OperationResult> {
    return finish(this.store, await this.store.update((s, now) => decideDeleteFlashCopy(s, now, groupId)));
  }

  limits(): Promise<ConcurrencyLimits> {
    return this.store.read(storageLimits);
  }

  close(): Promise<void> {
    return this.store.close();
  }
}
