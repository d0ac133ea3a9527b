// The simulator's compute side behaves as an HMC does: remote restart preconditions, idempotency,
// boot, fencing, cleanup, moves and drill LPARs.
import { strict as assert } from "assert";
import * as sinon from "sinon";
import { AdapterError } from "../../../provider/errors";
import { simFailHost, simFailSite, simRepair } from "../../../provider/adapters/simulator/control";
import { smallTopology, virtualSimulator, volumesOf } from "./fixture";

async function rejectsWith(p: Promise<unknown>, failure: AdapterError["failure"], pattern: RegExp): Promise<void> {
  await assert.rejects(p, (err: unknown) => {
    assert.ok(err instanceof AdapterError, `expected an AdapterError, got ${String(err)}`);
    assert.equal(err.failure, failure, err.message);
    assert.match(err.message, pattern);
    return true;
  });
}

describe("simulator compute adapter", () => {
  let sandbox: sinon.SinonSandbox;
  beforeEach(() => {
    sandbox = sinon.createSandbox();
  });
  afterEach(() => sandbox.restore());

  async function mapTo(sim: ReturnType<typeof virtualSimulator>["sim"], host: string, volumes: string[]): Promise<void> {
    for (const volumeId of volumes) {
      await sim.storage.mapVolume({ volumeId, hostId: host, via: "vscsi", vios: "vios1" });
      await sim.compute.attachVirtualDisk({ volumeId, hostId: host, vios: "vios1" });
    }
  }

  it("restarts an LPAR of a failed system on a survivor, boots it, and is idempotent", async () => {
    // GIVEN sys-a-01 failed and lpar-00001's volumes mapped to sys-a-02
    const { sim, clock } = virtualSimulator();
    await simFailHost("sys-a-01", { store: sim.store });
    await mapTo(sim, "sys-a-02", volumesOf(1));
    const request = { lparId: "lpar-00001", targetSystemId: "sys-a-02", volumeIds: volumesOf(1) };
    // WHEN it is remote restarted
    const t0 = clock.now();
    const first = await sim.compute.remoteRestart(request);
    // THEN it took the job's time, runs on the target as Starting, then Running after the boot
    assert.equal(first.alreadyDone, false);
    assert.ok(clock.now() - t0 > 1000, "a remote restart takes simulated time");
    const started = await sim.compute.getLpar("lpar-00001");
    assert.equal(started.host, "sys-a-02");
    assert.equal(started.state, "Starting");
    assert.equal(started.pendingCleanupOn, "sys-a-01");
    assert.equal((await sim.compute.waitUntilRunning("lpar-00001")).alreadyDone, false);
    assert.equal((await sim.compute.getLpar("lpar-00001")).state, "Running");
    // AND asking again changes nothing
    assert.equal((await sim.compute.remoteRestart(request)).alreadyDone, true);
    assert.equal((await sim.compute.waitUntilRunning("lpar-00001")).alreadyDone, true);
  });

  it("refuses a restart while the source system is Operating", async () => {
    const { sim } = virtualSimulator();
    await mapTo(sim, "sys-a-02", volumesOf(1));
    await rejectsWith(sim.compute.remoteRestart({ lparId: "lpar-00001", targetSystemId: "sys-a-02", volumeIds: volumesOf(1) }), "conflict", /source system sys-a-01 is Operating/);
  });

  it("refuses LPARs that are not remote-restart capable until they are made capable", async () => {
    const { sim } = virtualSimulator();
    await simFailHost("sys-a-01", { store: sim.store });
    await mapTo(sim, "sys-a-02", volumesOf(1));
    await sim.compute.setRemoteRestartCapable("lpar-00001", false);
    const request = { lparId: "lpar-00001", targetSystemId: "sys-a-02", volumeIds: volumesOf(1) };
    await rejectsWith(sim.compute.validateRemoteRestart(request), "conflict", /not remote-restart capable/);
    await sim.compute.setRemoteRestartCapable("lpar-00001", true);
    await sim.compute.validateRemoteRestart(request);
  });

  it("refuses a target that is not Operating, unmapped volumes, missing disks and unknown objects", async () => {
    const { sim } = virtualSimulator();
    await simFailHost("sys-a-01", { store: sim.store });
    await rejectsWith(sim.compute.remoteRestart({ lparId: "lpar-00001", targetSystemId: "sys-a-02", volumeIds: volumesOf(1) }), "conflict", /not mapped to sys-a-02/);
    await mapTo(sim, "sys-a-02", volumesOf(1));
    await rejectsWith(sim.compute.remoteRestart({ lparId: "lpar-00001", targetSystemId: "sys-a-02", volumeIds: volumesOf(1).slice(0, 1) }), "conflict", /vol-00001-2 \(or its replica\) is missing/);
    await rejectsWith(sim.compute.remoteRestart({ lparId: "lpar-99999", targetSystemId: "sys-a-02", volumeIds: [] }), "notFound", /no LPAR/);
    await rejectsWith(sim.compute.remoteRestart({ lparId: "lpar-00001", targetSystemId: "sys-zz", volumeIds: [] }), "notFound", /no managed system/);
    await simFailHost("sys-a-02", { store: sim.store });
    await rejectsWith(sim.compute.remoteRestart({ lparId: "lpar-00001", targetSystemId: "sys-a-02", volumeIds: volumesOf(1) }), "conflict", /target system sys-a-02 is Error/);
  });

  it("never lets two running LPARs write to one volume", async () => {
    // GIVEN lpar-00003 runs on sys-a-02 with vol-00003-1
    const { sim } = virtualSimulator();
    await simFailHost("sys-a-01", { store: sim.store });
    await mapTo(sim, "sys-a-02", volumesOf(1));
    // WHEN lpar-00001 is restarted there with that volume as well THEN it is refused
    await rejectsWith(
      sim.compute.remoteRestart({ lparId: "lpar-00001", targetSystemId: "sys-a-02", volumeIds: [...volumesOf(1), "vol-00003-1"] }),
      "conflict",
      /vol-00003-1 is in use by running LPAR lpar-00003/,
    );
  });

  it("refuses replica volumes until their consistency group is failed over (site loss)", async () => {
    // GIVEN site-a is lost and lpar-00001's replicas are mapped to sys-b-01
    const { sim } = virtualSimulator();
    await simFailSite("site-a", { store: sim.store });
    await mapTo(sim, "sys-b-01", volumesOf(1, true));
    const request = { lparId: "lpar-00001", targetSystemId: "sys-b-01", volumeIds: volumesOf(1, true) };
    // WHEN restarted before the failover THEN the secondaries are not writable
    await rejectsWith(sim.compute.remoteRestart(request), "conflict", /vol-00001-1-r is not writable/);
    // WHEN the group is failed over THEN the restart goes through on the replicas
    assert.equal((await sim.storage.failoverConsistencyGroup("cg-00001")).alreadyDone, false);
    assert.equal((await sim.storage.failoverConsistencyGroup("cg-00001")).alreadyDone, true);
    await sim.compute.remoteRestart(request);
    const lpar = await sim.compute.getLpar("lpar-00001");
    assert.deepEqual([lpar.host, lpar.volumes], ["sys-b-01", volumesOf(1, true)]);
  });

  it("checks capacity on the target, counting restarts under way", async () => {
    // GIVEN a target with room for one LPAR of the largest shape only
    const topology = smallTopology({ spareFraction: 0 });
    const { sim } = virtualSimulator(topology);
    await simFailHost("sys-a-01", { store: sim.store });
    await mapTo(sim, "sys-a-02", [...volumesOf(1), ...volumesOf(2)]);
    // WHEN both LPARs of sys-a-01 are restarted on the full sys-a-02
    const results = await Promise.allSettled([
      sim.compute.remoteRestart({ lparId: "lpar-00001", targetSystemId: "sys-a-02", volumeIds: volumesOf(1) }),
      sim.compute.remoteRestart({ lparId: "lpar-00002", targetSystemId: "sys-a-02", volumeIds: volumesOf(2) }),
    ]);
    // THEN at least one is refused for capacity
    const refused = results.filter((r) => r.status === "rejected").map((r) => (r as PromiseRejectedResult).reason as AdapterError);
    assert.ok(refused.length >= 1);
    assert.match(refused[0].message, /not enough capacity on sys-a-02/);
  });

  it("fences: evidence is the system state when it is down, a power-off when it answers", async () => {
    const { sim } = virtualSimulator();
    const up = await sim.compute.fenceLpar("lpar-00003", "sys-a-02");
    assert.deepEqual(up, { alreadyDone: false, evidence: "Not Activated" });
    assert.equal((await sim.compute.getLpar("lpar-00003")).state, "Not Activated");
    await simFailHost("sys-a-01", { store: sim.store });
    assert.deepEqual(await sim.compute.fenceLpar("lpar-00001", "sys-a-01"), { alreadyDone: true, evidence: "Error" });
  });

  it("fences and powers off an LPAR only on the system the caller names: one recovered elsewhere is left running", async () => {
    // GIVEN sys-a-01 failed and another run restarted lpar-00001 on sys-a-02, where it runs
    const { sim } = virtualSimulator();
    await simFailHost("sys-a-01", { store: sim.store });
    await mapTo(sim, "sys-a-02", volumesOf(1));
    await sim.compute.remoteRestart({ lparId: "lpar-00001", targetSystemId: "sys-a-02", volumeIds: volumesOf(1) });
    await sim.compute.waitUntilRunning("lpar-00001");
    // WHEN a stale plan fences it, or shuts it down, at its old source sys-a-01
    // THEN each is refused as a conflict naming the LPAR, both systems and what to do
    const moved = /lpar-00001: the LPAR is Running on sys-a-02, not on sys-a-01 where this step expects it: .*nothing was powered off.*plan again from the live state/;
    await rejectsWith(sim.compute.fenceLpar("lpar-00001", "sys-a-01"), "conflict", moved);
    await rejectsWith(sim.compute.powerOff("lpar-00001", true, "sys-a-01"), "conflict", moved);
    // AND the LPAR still runs on sys-a-02
    const after = await sim.compute.getLpar("lpar-00001");
    assert.deepEqual([after.host, after.state], ["sys-a-02", "Running"]);
    // AND on the system named, an LPAR already off is fenced already (a resumed run), a running one is stopped
    assert.deepEqual(await sim.compute.fenceLpar("lpar-00003", "sys-a-02"), { alreadyDone: false, evidence: "Not Activated" });
    assert.deepEqual(await sim.compute.fenceLpar("lpar-00003", "sys-a-02"), { alreadyDone: true, evidence: "Not Activated" });
    assert.deepEqual(await sim.compute.powerOff("lpar-00004", false, "sys-a-02"), { alreadyDone: false });
    assert.equal((await sim.compute.getLpar("lpar-00004")).state, "Not Activated");
  });

  it("cleans up the source once it is back, and moves a powered-off LPAR back", async () => {
    const { sim } = virtualSimulator();
    await simFailHost("sys-a-01", { store: sim.store });
    await mapTo(sim, "sys-a-02", volumesOf(1));
    await sim.compute.remoteRestart({ lparId: "lpar-00001", targetSystemId: "sys-a-02", volumeIds: volumesOf(1) });
    await rejectsWith(sim.compute.cleanupSource("lpar-00001"), "conflict", /source system sys-a-01 is Error/);
    await simRepair("sys-a-01", { store: sim.store });
    assert.equal((await sim.compute.cleanupSource("lpar-00001")).alreadyDone, false);
    assert.equal((await sim.compute.getLpar("lpar-00001")).pendingCleanupOn, undefined);
    // failback: a running LPAR does not move; powered off, it does
    const back = { lparId: "lpar-00001", targetSystemId: "sys-a-01", volumeIds: volumesOf(1) };
    await rejectsWith(sim.compute.moveLpar(back), "conflict", /only a powered-off LPAR moves/);
    await sim.compute.powerOff("lpar-00001", false);
    assert.equal((await sim.compute.moveLpar(back)).alreadyDone, false);
    assert.equal((await sim.compute.moveLpar(back)).alreadyDone, true);
    assert.equal((await sim.compute.powerOn("lpar-00001")).alreadyDone, false);
    await sim.compute.waitUntilRunning("lpar-00001");
    assert.deepEqual(await sim.compute.getLpar("lpar-00001").then((l) => [l.host, l.state]), ["sys-a-01", "Running"]);
  });

  it("creates drill LPARs on FlashCopy targets on an isolated network and deletes them", async () => {
    // GIVEN a FlashCopy of lpar-00001's replicas at site b, mapped to sys-b-01
    const { sim } = virtualSimulator();
    const { group } = await sim.storage.createFlashCopyGroup({ name: "drill1", storageSystemId: "svc-b1", sourceVolumeIds: volumesOf(1, true) });
    const targets = group.maps.map((m) => m.target);
    await mapTo(sim, "sys-b-01", targets);
    const request = { sourceLparId: "lpar-00001", targetSystemId: "sys-b-01", volumeIds: targets, network: "drill-net" };
    // WHEN a drill LPAR is created on the production network THEN it is refused
    await rejectsWith(sim.compute.createDrillLpar({ ...request, network: "production" }), "conflict", /isolated network/);
    // WHEN on an isolated network THEN it runs, once
    const created = await sim.compute.createDrillLpar(request);
    assert.equal(created.alreadyDone, false);
    assert.deepEqual(await sim.compute.createDrillLpar(request), { lparId: created.lparId, alreadyDone: true });
    await sim.compute.waitUntilRunning(created.lparId);
    const drill = await sim.compute.getLpar(created.lparId);
    assert.deepEqual([drill.drillOf, drill.network, drill.state], ["lpar-00001", "drill-net", "Running"]);
    // AND the FlashCopy group cannot go while the drill LPAR uses it
    await rejectsWith(sim.storage.deleteFlashCopyGroup(group.id), "conflict", /in use/);
    // AND a production LPAR is never deleted as a drill LPAR
    await rejectsWith(sim.compute.deleteDrillLpar("lpar-00001"), "conflict", /not an LPAR created by a drill/);
    assert.equal((await sim.compute.deleteDrillLpar(created.lparId)).alreadyDone, false);
    assert.equal((await sim.compute.deleteDrillLpar(created.lparId)).alreadyDone, true);
    assert.equal((await sim.storage.deleteFlashCopyGroup(group.id)).alreadyDone, false);
    const inv = await sim.storage.inventory();
    assert.ok(!inv.volumes.some((v) => targets.includes(v.id)));
    assert.ok(!inv.hostMappings.some((m) => targets.includes(m.volume)));
  });
});
