// The simulator's storage side behaves as Spectrum Virtualize and the VIOS do: mappings,
// remote-copy failover, switch and restart, FlashCopy, idempotency and refusals.
import { strict as assert } from "assert";
import * as sinon from "sinon";
import { AdapterError } from "../../../provider/errors";
import { simFailHost, simFailSite, simRepair } from "../../../provider/adapters/simulator/control";
import { virtualSimulator, volumesOf } from "./fixture";

async function rejectsWith(p: Promise<unknown>, failure: AdapterError["failure"], pattern: RegExp): Promise<void> {
  await assert.rejects(p, (err: unknown) => {
    assert.ok(err instanceof AdapterError, `expected an AdapterError, got ${String(err)}`);
    assert.equal(err.failure, failure, err.message);
    assert.match(err.message, pattern);
    return true;
  });
}

describe("simulator storage adapter", () => {
  let sandbox: sinon.SinonSandbox;
  beforeEach(() => {
    sandbox = sinon.createSandbox();
  });
  afterEach(() => sandbox.restore());

  it("maps and unmaps idempotently, through an existing VIOS, at the storage's own site", async () => {
    const { sim } = virtualSimulator();
    const req = { volumeId: "vol-00001-1", hostId: "sys-a-02", via: "vscsi" as const, vios: "vios2" };
    assert.equal((await sim.storage.mapVolume(req)).alreadyDone, false);
    assert.equal((await sim.storage.mapVolume(req)).alreadyDone, true);
    assert.ok((await sim.storage.inventory()).hostMappings.some((m) => m.volume === "vol-00001-1" && m.host === "sys-a-02" && m.vios === "vios2"));
    await rejectsWith(sim.storage.mapVolume({ ...req, vios: "vios1" }), "conflict", /already mapped to sys-a-02 via vscsi \(vios2\)/);
    await rejectsWith(sim.storage.mapVolume({ ...req, volumeId: "vol-00002-1", vios: "vios9" }), "notFound", /no VIOS vios9/);
    await rejectsWith(sim.storage.mapVolume({ ...req, hostId: "sys-b-01" }), "conflict", /at site site-a cannot present volumes to sys-b-01 at site site-b/);
    await rejectsWith(sim.storage.mapVolume({ ...req, volumeId: "nope" }), "notFound", /no volume/);
    assert.equal((await sim.storage.unmapVolume(req)).alreadyDone, false);
    assert.equal((await sim.storage.unmapVolume(req)).alreadyDone, true);
  });

  it("presents a vSCSI volume only once it is mapped on the SAN and attached by the VIOS, and takes it away in the reverse order", async () => {
    // GIVEN sys-a-01 failed, and lpar-00001's first volume (of two) headed for sys-a-02 through vios2
    const { sim } = virtualSimulator();
    await simFailHost("sys-a-01", { store: sim.store });
    const [volumeId, other] = volumesOf(1);
    const san = { volumeId, hostId: "sys-a-02", via: "vscsi" as const, vios: "vios2" };
    const disk = { volumeId, hostId: "sys-a-02", vios: "vios2" };
    const restart = { lparId: "lpar-00001", targetSystemId: "sys-a-02", volumeIds: volumesOf(1) };
    // WHEN the VIOS is asked first THEN it cannot see the volume
    await rejectsWith(sim.compute.attachVirtualDisk(disk), "conflict", /not mapped to sys-a-02 on the SAN/);
    // WHEN only the SAN mapping exists THEN the inventory says so, and a restart is refused
    await sim.storage.mapVolume(san);
    const mapping = (await sim.storage.inventory()).hostMappings.find((m) => m.volume === volumeId && m.host === "sys-a-02");
    assert.deepEqual(mapping, { volume: volumeId, host: "sys-a-02", via: "vscsi", vios: "vios2", attached: false });
    await rejectsWith(sim.compute.validateRemoteRestart(restart), "conflict", /mapped to sys-a-02 on the SAN but its VIOS vios2 does not serve it yet/);
    // AND the VIOS named must be the one the SAN mapping is for
    await rejectsWith(sim.compute.attachVirtualDisk({ ...disk, vios: "vios1" }), "conflict", /for VIOS vios2 of sys-a-02, not vios1/);
    // WHEN the VIOS attaches it THEN it is presented, idempotently
    assert.deepEqual(await sim.compute.attachVirtualDisk(disk), { alreadyDone: false });
    assert.deepEqual(await sim.compute.attachVirtualDisk(disk), { alreadyDone: true });
    for (const v of [other]) {
      await sim.storage.mapVolume({ ...san, volumeId: v });
      await sim.compute.attachVirtualDisk({ ...disk, volumeId: v });
    }
    await sim.compute.validateRemoteRestart(restart);
    // WHEN it is taken away from the live host THEN the SAN unmap waits for the VIOS to let go
    await rejectsWith(sim.storage.unmapVolume(san), "conflict", /VIOS vios2 of sys-a-02 still serves this volume: detach it first/);
    assert.deepEqual(await sim.compute.detachVirtualDisk(disk), { alreadyDone: false });
    assert.deepEqual(await sim.compute.detachVirtualDisk(disk), { alreadyDone: true });
    assert.deepEqual(await sim.storage.unmapVolume(san), { alreadyDone: false });
    // AND an NPIV mapping has no VIOS side
    await sim.storage.mapVolume({ ...san, via: "npiv" });
    await rejectsWith(sim.compute.attachVirtualDisk(disk), "conflict", /through NPIV/);
  });

  it("unmaps a failed host's vSCSI volume on the SAN alone: its VIOS cannot answer", async () => {
    const { sim } = virtualSimulator();
    await simFailHost("sys-a-01", { store: sim.store });
    const disk = { volumeId: volumesOf(1)[0], hostId: "sys-a-01", vios: "vios1" };
    await rejectsWith(sim.compute.detachVirtualDisk(disk), "conflict", /sys-a-01 is Error: its VIOS cannot answer/);
    assert.deepEqual(await sim.storage.unmapVolume({ ...disk, via: "vscsi" }), { alreadyDone: false });
  });

  it("unmaps and detaches a volume from the host named only: its mapping to another host stays", async () => {
    // GIVEN vol-00001-1 mapped and served through a VIOS at both sys-a-01 (the source) and sys-a-02
    const { sim } = virtualSimulator();
    await sim.compute.powerOff("lpar-00001", true, "sys-a-01");
    const [volumeId] = volumesOf(1);
    await sim.storage.mapVolume({ volumeId, hostId: "sys-a-02", via: "vscsi", vios: "vios1" });
    await sim.compute.attachVirtualDisk({ volumeId, hostId: "sys-a-02", vios: "vios1" });
    const atTarget = { volume: volumeId, host: "sys-a-02", via: "vscsi", vios: "vios1" };
    // WHEN it is detached and unmapped from sys-a-01
    assert.deepEqual(await sim.compute.detachVirtualDisk({ volumeId, hostId: "sys-a-01", vios: "vios1" }), { alreadyDone: false });
    assert.deepEqual(await sim.storage.unmapVolume({ volumeId, hostId: "sys-a-01", via: "vscsi", vios: "vios1" }), { alreadyDone: false });
    // THEN only sys-a-02's mapping is left, still served by its VIOS
    const mappings = (await sim.storage.inventory()).hostMappings.filter((m) => m.volume === volumeId);
    assert.deepEqual(mappings, [atTarget]);
  });

  it("refuses to unmap a volume from under a running LPAR", async () => {
    const { sim } = virtualSimulator();
    await rejectsWith(sim.storage.unmapVolume({ volumeId: "vol-00001-1", hostId: "sys-a-01", via: "vscsi", vios: "vios1" }), "conflict", /lpar-00001 is Running on sys-a-01/);
  });

  it("fails a group over, then refuses a switch until replication is restarted with force", async () => {
    // GIVEN site a lost
    const { sim } = virtualSimulator();
    await simFailSite("site-a", { store: sim.store });
    let cg = (await sim.storage.inventory()).consistencyGroups.find((g) => g.id === "cg-00001")!;
    assert.equal(cg.state, "consistent_disconnected");
    // WHEN failed over THEN the aux side is writable and the group idles
    await sim.storage.failoverConsistencyGroup("cg-00001");
    cg = (await sim.storage.inventory()).consistencyGroups.find((g) => g.id === "cg-00001")!;
    assert.deepEqual([cg.auxWritable, cg.state], [true, "idling_disconnected"]);
    // AND reprotect waits for the partner, then needs force
    await rejectsWith(sim.storage.startConsistencyGroup("cg-00001", "aux", true), "transient", /partner storage is unreachable/);
    await simRepair("site-a", { store: sim.store });
    await rejectsWith(sim.storage.switchConsistencyGroup("cg-00001", "aux"), "conflict", /needs a consistent_synchronized group, it is idling/);
    await rejectsWith(sim.storage.startConsistencyGroup("cg-00001", "aux", false), "conflict", /pass force/);
    assert.equal((await sim.storage.startConsistencyGroup("cg-00001", "aux", true)).alreadyDone, false);
    cg = (await sim.storage.inventory()).consistencyGroups.find((g) => g.id === "cg-00001")!;
    assert.deepEqual([cg.primary, cg.auxWritable, cg.state], ["aux", false, "consistent_synchronized"]);
    assert.equal((await sim.storage.startConsistencyGroup("cg-00001", "aux", true)).alreadyDone, true);
  });

  it("switches a synchronized group only when no running LPAR writes to the side that becomes read-only", async () => {
    const { sim } = virtualSimulator();
    await rejectsWith(sim.storage.switchConsistencyGroup("cg-00001", "aux"), "conflict", /vol-00001-1 \(LPAR lpar-00001\) would become read-only/);
    await sim.compute.powerOff("lpar-00001", true);
    assert.equal((await sim.storage.switchConsistencyGroup("cg-00001", "aux")).alreadyDone, false);
    // THEN the master volumes are the secondaries now: lpar-00001 cannot start on them
    await assert.rejects(sim.compute.powerOn("lpar-00001"), /vol-00001-1 is not writable/);
    await rejectsWith(sim.storage.failoverConsistencyGroup("nope"), "notFound", /no consistency group/);
  });

  it("creates a FlashCopy group once per name, with a target volume per source", async () => {
    const { sim } = virtualSimulator();
    const req = { name: "d1", storageSystemId: "svc-b1", sourceVolumeIds: volumesOf(1, true) };
    const first = await sim.storage.createFlashCopyGroup(req);
    assert.equal(first.alreadyDone, false);
    assert.equal(first.group.state, "copying");
    assert.deepEqual(first.group.maps.map((m) => m.source), volumesOf(1, true));
    const again = await sim.storage.createFlashCopyGroup(req);
    assert.deepEqual(again, { group: first.group, alreadyDone: true });
    await rejectsWith(sim.storage.createFlashCopyGroup({ ...req, sourceVolumeIds: volumesOf(2, true) }), "conflict", /exists with other volumes/);
    await rejectsWith(sim.storage.createFlashCopyGroup({ ...req, name: "d2", storageSystemId: "svc-a1" }), "conflict", /FlashCopy copies within one storage system/);
  });

  it("reports its limits keyed as plan resources", async () => {
    const { sim } = virtualSimulator();
    const storage = await sim.storage.limits();
    const compute = await sim.compute.limits();
    assert.equal(storage["storage:svc-a1"], 1);
    assert.equal(compute["vios:sys-a-01/vios2"], 1, "VIOS mapping changes are the compute side's");
    assert.equal(storage["vios:sys-a-01/vios2"], undefined);
    assert.equal(compute["hmc:hmc-a1"], 64);
    assert.equal(compute["system:sys-b-02"], 32);
  });
});
