// The simulator's ComputeAdapter: the HMC side of the simulated datacenter (VIOS disks included). Decisions live in
// compute-ops.ts; this class runs them through the store and waits for the jobs they start.

import type { ComputeAdapter, ComputeInventory, ConcurrencyLimits, DrillLparRequest, FenceResult, OperationResult, RemoteRestartRequest, VirtualDiskRequest } from "../compute";
import { AdapterError } from "../../errors";
import type { ResolvedLpar } from "../../model";
import {
  decideCleanupSource,
  decideCreateDrillLpar,
  decideDeleteDrillLpar,
  decideFence,
  decideMoveLpar,
  decidePowerOff,
  decidePowerOn,
  decideRemoteRestart,
  decideResume,
  decideSuspend,
  decideSetCapable,
  decideValidateRemoteRestart,
  type Accepted,
} from "./compute-ops";
import { awaitJob } from "./jobs";
import { computeLimits } from "./resources";
import { decideAttachVirtualDisk, decideDetachVirtualDisk } from "./vios-ops";
import type { StateStore } from "./store";

/** Copies, so that callers never hold the store's live objects. */
function copyLpar(l: ResolvedLpar): ResolvedLpar {
  return { ...l, volumes: [...l.volumes] };
}

/** Waits for the job an operation started; alreadyDone when it had nothing to do or joined an earlier call's job. */
export async function finish(store: StateStore, accepted: Accepted): Promise<OperationResult> {
  if (accepted.done) return { alreadyDone: true };
  await awaitJob(store, accepted.ticket);
  return { alreadyDone: accepted.ticket.joined };
}

export class SimulatorComputeAdapter implements ComputeAdapter {
  readonly kind = "simulator";

  constructor(
    private readonly store: StateStore,
    /** Wall (clock) milliseconds per simulated millisecond: divide measured durations by it. */
    readonly timeScale: number,
  ) {}

  inventory(): Promise<ComputeInventory> {
    return this.store.read((s) => ({
      hmcs: [...s.hmcs.values()].map((h) => ({ ...h })),
      managedSystems: [...s.systems.values()].map((m) => ({ ...m, vioses: [...m.vioses] as typeof m.vioses })),
      lpars: [...s.lpars.values()].map(copyLpar),
    }));
  }

  async getLpar(lparId: string): Promise<ResolvedLpar> {
    const lpar = await this.store.read((s) => s.lpars.get(lparId));
    if (!lpar) throw new AdapterError("notFound", "getLpar", lparId, `no LPAR with id ${JSON.stringify(lparId)}`);
    return copyLpar(lpar);
  }

  setRemoteRestartCapable(lparId: string, capable: boolean): Promise<OperationResult> {
    return this.store.update((s) => decideSetCapable(s, lparId, capable));
  }

  async fenceLpar(lparId: string, sourceSystemId: string): Promise<FenceResult> {
    const accepted = await this.store.update((s, now) => decideFence(s, now, lparId, sourceSystemId));
    const { alreadyDone } = await finish(this.store, accepted);
    return { alreadyDone, evidence: accepted.evidence ?? "Not Activated" };
  }

  validateRemoteRestart(request: RemoteRestartRequest): Promise<void> {
    return this.store.update((s) => decideValidateRemoteRestart(s, request));
  }

  async remoteRestart(request: RemoteRestartRequest): Promise<OperationResult> {
    return finish(this.store, await this.store.update((s, now) => decideRemoteRestart(s, now, request)));
  }

  async waitUntilRunning(lparId: string): Promise<OperationResult> {
    for (let waited = false; ; waited = true) {
      const status = await this.store.read((s) => {
        const lpar = s.lpars.get(lparId);
        const jobId = s.jobByObject.get(`lpar:${lparId}`);
        const job = jobId ? s.jobs.get(jobId) : undefined;
        return { state: lpar?.state, jobEnd: job?.endAt, bootEnd: s.bootingUntil.get(lparId) };
      });
      if (status.state === undefined && status.jobEnd === undefined) {
        throw new AdapterError("notFound", "waitUntilRunning", lparId, `no LPAR with id ${JSON.stringify(lparId)}`);
      }
      if (status.state === "Running" && status.jobEnd === undefined) return { alreadyDone: !waited };
      const until = status.jobEnd ?? status.bootEnd;
      if (until === undefined) {
        throw new AdapterError("conflict", "waitUntilRunning", lparId, `the LPAR is ${status.state} and nothing is starting it: power it on or restart it first`);
      }
      await this.store.clock.sleep(Math.max(1, until - this.store.clock.now()));
    }
  }

  async powerOn(lparId: string): Promise<OperationResult> {
    return finish(this.store, await this.store.update((s, now) => decidePowerOn(s, now, lparId)));
  }

  async powerOff(lparId: string, immediate: boolean, expectedSystemId?: string): Promise<OperationResult> {
    return finish(this.store, await this.store.update((s, now) => decidePowerOff(s, now, lparId, immediate, expectedSystemId)));
  }

  async suspendLpar(lparId: string, expectedSystemId: string): Promise<OperationResult> {
    return finish(this.store, await this.store.update((s, now) => decideSuspend(s, now, lparId, expectedSystemId)));
  }

  async resumeLpar(lparId: string, expectedSystemId: string): Promise<OperationResult> {
    return finish(this.store, await this.store.update((s, now) => decideResume(s, now, lparId, expectedSystemId)));
  }

  async cleanupSource(lparId: string): Promise<OperationResult> {
    return finish(this.store, await this.store.update((s, now) => decideCleanupSource(s, now, lparId)));
  }

  async moveLpar(request: RemoteRestartRequest): Promise<OperationResult> {
    return finish(this.store, await this.store.update((s, now) => decideMoveLpar(s, now, request)));
  }

  async createDrillLpar(request: DrillLparRequest): Promise<{ lparId: string; alreadyDone: boolean }> {
    const { lparId, accepted } = await this.store.update((s, now) => decideCreateDrillLpar(s, now, request));
    const { alreadyDone } = await finish(this.store, accepted);
    return { lparId, alreadyDone };
  }

  async deleteDrillLpar(lparId: string): Promise<OperationResult> {
    return finish(this.store, await this.store.update((s, now) => decideDeleteDrillLpar(s, now, lparId)));
  }

  async attachVirtualDisk(request: VirtualDiskRequest): Promise<OperationResult> {
    return finish(this.store, await this.store.update((s, now) => decideAttachVirtualDisk(s, now, request)));
  }

  async detachVirtualDisk(request: VirtualDiskRequest): Promise<OperationResult> {
    return finish(this.store, await this.store.update((s, now) => decideDetachVirtualDisk(s, now, request)));
  }

  limits(): Promise<ConcurrencyLimits> {
    return this.store.read(computeLimits);
  }

  close(): Promise<void> {
    return this.store.close();
  }
}
