// The Spectrum Virtualize storage adapter against a fake SVC on loopback HTTPS.
import { strict as assert } from "assert";
import * as sinon from "sinon";
import { SvcStorageAdapter } from "../../../provider/adapters/svc/adapter";
import { AdapterError } from "../../../provider/errors";
import type { SvcConnection } from "../../../provider/generated/adapter-settings";
import { FakeSvc } from "../../fakes/svc";
import { assertNoSecrets, MemoryLog, rejection, svcSettings } from "./helpers";

describe("Spectrum Virtualize storage adapter", function () {
  this.timeout(10_000);
  const sandbox = sinon.createSandbox();
  let svc: FakeSvc;
  let log: MemoryLog;
  let adapter: SvcStorageAdapter;
  const errors: string[] = [];

  function open(extra: Partial<SvcConnection> = {}): SvcStorageAdapter {
    adapter = new SvcStorageAdapter(svcSettings(svc, extra), { log, retryBaseDelayMs: 5 });
    return adapter;
  }

  async function failure(promise: Promise<unknown>): Promise<AdapterError> {
    const err = await rejection(promise);
    assert.ok(err instanceof AdapterError, `expected an AdapterError, got ${err}`);
    errors.push(err.message);
    return err;
  }

  function bodiesOf(command: string): Record<string, unknown>[] {
    return svc.requests.filter((r) => r.path.startsWith(`/rest/v1/${command}`)).map((r) => JSON.parse(r.body || "{}") as Record<string, unknown>);
  }

  beforeEach(async () => {
    svc = new FakeSvc();
    for (const v of ["app1_aux", "app2_aux", "db1_aux"]) svc.addVdisk(v, 100);
    for (const h of ["sys-b", "sys-c"]) svc.addHost(h);
    svc.addRcGroup("cg_app", [["app1", "app1_aux"], ["app2", "app2_aux"]]);
    svc.addRcGroup("cg_db", [["db1", "db1_aux"]], "inconsistent_copying", "global");
    await svc.start();
    log = new MemoryLog();
    open();
  });

  afterEach(async () => {
    await adapter.close();
    await svc.stop();
    sandbox.restore();
    // THEN, whatever the test did: no password or token in any message or log line
    assertNoSecrets([...errors, ...log.warnings, ...log.debugs], [svc.password, ...svc.issuedTokens]);
    errors.length = 0;
  });

  it("authenticates with X-Auth-Username / X-Auth-Password and sends the token on every command", async () => {
    await adapter.inventory();
    const [auth, ...rest] = svc.requests;
    assert.equal(auth.path, "/rest/v1/auth");
    assert.equal(auth.headers["x-auth-username"], "superuser");
    assert.ok(rest.length > 5);
    assert.ok(rest.every((r) => r.method === "POST" && r.headers["x-auth-token"] === svc.issuedTokens[0]));
    assert.equal(svc.auths, 1);
  });

  it("maps volumes, host mappings and remote-copy groups into the model", async () => {
    // GIVEN app1_aux mapped to sys-b
    svc.map("app1_aux", "sys-b");
    // WHEN the inventory is read
    const inv = await adapter.inventory();
    // THEN
    assert.deepEqual(inv.storageSystems, [{ id: "svc-dr", name: "svc-dr", site: "dc2", maxConcurrentConfigOps: 4 }]);
    assert.deepEqual(inv.volumes.map((v) => [v.id, v.capacityGb]).sort(), [["app1_aux", 100], ["app2_aux", 100], ["db1_aux", 100]]);
    assert.deepEqual(inv.hostMappings, [{ volume: "app1_aux", host: "sys-b", via: "vscsi" }]);
    const app = inv.consistencyGroups.find((g) => g.id === "cg_app")!;
    assert.deepEqual(
      [app.state, app.mode, app.primary, app.auxWritable, app.masterSystem, app.auxSystem],
      ["consistent_synchronized", "sync", "master", false, "svc-prod", "svc-dr"],
    );
    assert.deepEqual(app.pairs, [{ master: "app1", aux: "app1_aux" }, { master: "app2", aux: "app2_aux" }]);
    assert.equal(inv.consistencyGroups.find((g) => g.id === "cg_db")!.mode, "async");
    // AND relationships were read per group, with a filter
    assert.deepEqual(bodiesOf("lsrcrelationship").map((b) => b.filtervalue).sort(), ["consistency_group_name=cg_app", "consistency_group_name=cg_db"]);
  });

  it("reads host objects per VIOS through the naming convention, skipping hosts that do not follow it", async () => {
    open({ hostNameTemplate: "{system}_{vios}" });
    svc.addHost("sys-b_vios1");
    svc.addHost("legacy");
    svc.map("db1_aux", "sys-b_vios1");
    svc.map("app2_aux", "legacy");
    const inv = await adapter.inventory();
    assert.deepEqual(inv.hostMappings, [{ volume: "db1_aux", host: "sys-b", via: "vscsi", vios: "vios1" }]);
    // AND mapping through a VIOS names that VIOS's host object
    await adapter.mapVolume({ volumeId: "app1_aux", hostId: "sys-b", via: "vscsi", vios: "vios1" });
    assert.ok(svc.maps.some((m) => m.vdisk === "app1_aux" && m.host === "sys-b_vios1"));
    const err = await failure(adapter.mapVolume({ volumeId: "app1_aux", hostId: "sys-b", via: "vscsi" }));
    assert.match(err.message, /names no VIOS/);
  });

  it("reads volumes in slices so that no slice is left at the size limit", async () => {
    // GIVEN 25 volumes and a limit of 10 objects per answer
    for (let i = 0; i < 25; i++) svc.addVdisk(`v${i}`, 1);
    open({ maxObjectsPerQuery: 10 });
    // WHEN the inventory is read
    const inv = await adapter.inventory();
    // THEN every volume is there once, and the full slices were split into narrower ones
    assert.equal(inv.volumes.length, 28);
    assert.equal(new Set(inv.volumes.map((v) => v.id)).size, 28);
    const filters = bodiesOf("lsvdisk").map((b) => b.filtervalue);
    assert.ok(filters.includes("name=v1*") && filters.includes("name=v1") && filters.includes("name=v10*"));
    assert.ok(bodiesOf("lsvdisk").every((b) => b.bytes === true));
  });

  it("reads host objects in slices from the naming convention's literal start, none left at the size limit", async () => {
    // GIVEN 25 host objects named by the convention "vmr_{system}", others that are not ours,
    // and a limit of 12 objects per answer
    for (let i = 0; i < 25; i++) svc.addHost(`vmr_sys${i}`);
    for (let i = 0; i < 5; i++) svc.addHost(`other${i}`);
    open({ hostNameTemplate: "vmr_{system}", maxObjectsPerQuery: 12 });
    // WHEN the inventory is read
    await adapter.inventory();
    // THEN the queries start at the convention's prefix and split the full slices further, no
    // answer is left at the limit, and every one of our host objects was asked for its mappings
    const lshost = svc.requests.filter((r) => r.path === "/rest/v1/lshost").map((r) => (JSON.parse(r.body || "{}") as Record<string, unknown>).filtervalue);
    assert.equal(lshost[0], "name=vmr_*");
    assert.ok(lshost.includes("name=vmr_s*") && lshost.includes("name=vmr_sys1*"), JSON.stringify(lshost));
    assert.ok(lshost.every((f) => typeof f === "string" && f.startsWith("name=vmr_")), JSON.stringify(lshost));
    assert.deepEqual(log.warnings.filter((w) => w.includes("lshost")), []);
    const mapped = new Set(svc.requests.filter((r) => r.path.startsWith("/rest/v1/lshostvdiskmap/")).map((r) => r.path.split("/").pop()));
    for (let i = 0; i < 25; i++) assert.ok(mapped.has(`vmr_sys${i}`), `vmr_sys${i} not read`);
    assert.ok(![...mapped].some((h) => h?.startsWith("other")));
  });

  it("uses the configured volume filters instead of slices", async () => {
    open({ volumeFilters: ["name=app*"] });
    const inv = await adapter.inventory();
    assert.deepEqual(inv.volumes.map((v) => v.id).sort(), ["app1_aux", "app2_aux"]);
    assert.deepEqual(bodiesOf("lsvdisk").map((b) => b.filtervalue), ["name=app*"]);
  });

  it("maps and unmaps volumes idempotently, forcing a second host mapping", async () => {
    const req = { volumeId: "app1_aux", hostId: "sys-b", via: "vscsi" as const };
    assert.deepEqual(await adapter.mapVolume(req), { alreadyDone: false });
    assert.deepEqual(await adapter.mapVolume(req), { alreadyDone: true });
    assert.deepEqual(await adapter.mapVolume({ ...req, hostId: "sys-c" }), { alreadyDone: false });
    assert.deepEqual(bodiesOf("mkvdiskhostmap"), [{ host: "sys-b" }, { host: "sys-c", force: true }]);
    assert.deepEqual(await adapter.unmapVolume(req), { alreadyDone: false });
    assert.deepEqual(await adapter.unmapVolume(req), { alreadyDone: true });
    assert.deepEqual(svc.maps, [{ host: "sys-c", vdisk: "app1_aux", scsi: 0 }]);
  });

  it("fails over, restarts and switches remote-copy groups, each at most once", async () => {
    assert.deepEqual(await adapter.failoverConsistencyGroup("cg_app"), { alreadyDone: false });
    assert.deepEqual(bodiesOf("stoprcconsistgrp"), [{ access: true }]);
    assert.deepEqual(await adapter.failoverConsistencyGroup("cg_app"), { alreadyDone: true });
    assert.equal((await adapter.inventory()).consistencyGroups.find((g) => g.id === "cg_app")!.auxWritable, true);
    // reprotect from the aux side, then switch back
    assert.deepEqual(await adapter.startConsistencyGroup("cg_app", "aux", false), { alreadyDone: false });
    assert.deepEqual(await adapter.startConsistencyGroup("cg_app", "aux", false), { alreadyDone: true });
    assert.equal(svc.rcGroups.get("cg_app")!.primary, "aux");
    assert.deepEqual(await adapter.switchConsistencyGroup("cg_app", "master"), { alreadyDone: false });
    assert.deepEqual(await adapter.switchConsistencyGroup("cg_app", "master"), { alreadyDone: true });
    assert.equal(svc.rcGroups.get("cg_app")!.primary, "master");
  });

  it("refuses to make an inconsistent group's auxiliary volumes writable", async () => {
    const err = await failure(adapter.failoverConsistencyGroup("cg_db"));
    assert.equal(err.failure, "conflict");
    assert.match(err.message, /not consistent \(state inconsistent_copying\)/);
    assert.ok(!svc.commands.some((c) => c.startsWith("stoprcconsistgrp")));
  });

  it("creates a FlashCopy drill group with thin targets and no background copy, and removes it all", async () => {
    const req = { name: "drill1", storageSystemId: "svc-dr", sourceVolumeIds: ["app1_aux", "app2_aux"] };
    // WHEN the group is created
    const made = await adapter.createFlashCopyGroup(req);
    // THEN targets exist with the source's size, maps have copy rate 0, and the group copies
    assert.equal(made.alreadyDone, false);
    assert.deepEqual(made.group, {
      id: "drill1",
      name: "drill1",
      storageSystem: "svc-dr",
      state: "copying",
      maps: [{ source: "app1_aux", target: "app1_aux_drill" }, { source: "app2_aux", target: "app2_aux_drill" }],
    });
    assert.equal(svc.vdisks.get("app1_aux_drill")!.capacity, svc.vdisks.get("app1_aux")!.capacity);
    assert.ok(bodiesOf("mkfcmap").every((b) => b.copyrate === 0 && b.consistgrp === "drill1"));
    assert.deepEqual(bodiesOf("startfcconsistgrp"), [{ prep: true }]);
    // AND creating it again changes nothing
    assert.equal((await adapter.createFlashCopyGroup(req)).alreadyDone, true);
    // WHEN a target is mapped and the group deleted
    await adapter.mapVolume({ volumeId: "app1_aux_drill", hostId: "sys-c", via: "npiv" });
    assert.deepEqual(await adapter.deleteFlashCopyGroup("drill1"), { alreadyDone: false });
    // THEN group, maps, mappings and targets are gone, the sources stay
    assert.equal(svc.fcGroups.size, 0);
    assert.equal(svc.fcMaps.length, 0);
    assert.ok(!svc.vdisks.has("app1_aux_drill") && !svc.vdisks.has("app2_aux_drill") && svc.vdisks.has("app1_aux"));
    assert.deepEqual(svc.maps, []);
    assert.deepEqual(await adapter.deleteFlashCopyGroup("drill1"), { alreadyDone: true });
    // AND a group on another storage system is not this adapter's
    const err = await failure(adapter.createFlashCopyGroup({ ...req, storageSystemId: "svc-prod" }));
    assert.equal(err.failure, "notFound");
  });

  it("authenticates again when the token expires mid-run", async () => {
    await adapter.inventory();
    svc.expireTokens();
    await adapter.mapVolume({ volumeId: "db1_aux", hostId: "sys-b", via: "npiv" });
    assert.equal(svc.auths, 2);
    assert.ok(svc.maps.some((m) => m.vdisk === "db1_aux"));
  });

  it("retries HTTP 5xx and time-outs as transient, but not CLI errors", async () => {
    open({ requestTimeoutSeconds: 0.2, retries: 2 });
    await adapter.inventory();
    svc.failNext(2, 503, "Service Unavailable");
    assert.deepEqual(await adapter.failoverConsistencyGroup("cg_app"), { alreadyDone: false });
    svc.hangNext(1, 500);
    assert.deepEqual(await adapter.failoverConsistencyGroup("cg_app"), { alreadyDone: true });
    svc.failNext(3, 500, "");
    const exhausted = await failure(adapter.mapVolume({ volumeId: "db1_aux", hostId: "sys-b", via: "vscsi" }));
    assert.equal(exhausted.failure, "transient");
    const missing = await failure(adapter.mapVolume({ volumeId: "nosuch", hostId: "sys-b", via: "vscsi" }));
    assert.equal(missing.failure, "notFound");
    assert.match(missing.message, /CMMVC5753E/);
  });

  it("sends no more commands at once than maxConcurrentRequests", async () => {
    open({ maxConcurrentRequests: 2 });
    svc.delayMs = 20;
    for (let i = 0; i < 8; i++) svc.addVdisk(`lun${i}`, 10);
    await Promise.all([0, 1, 2, 3, 4, 5, 6, 7].map((i) => adapter.mapVolume({ volumeId: `lun${i}`, hostId: "sys-b", via: "vscsi" })));
    assert.equal(svc.maxInFlight, 2);
    assert.equal(svc.maps.length, 8);
    assert.deepEqual(await adapter.limits(), { "storage:svc-dr": 2 });
  });

  it("gives a clear fatal error for answers that are not the expected JSON", async () => {
    await adapter.inventory();
    svc.garbleNext("<html>oops</html>");
    const notJson = await failure(adapter.failoverConsistencyGroup("cg_app"));
    assert.equal(notJson.failure, "fatal");
    assert.match(notJson.message, /malformed answer to lsrcconsistgrp: not JSON/);
    svc.garbleNext('{"unexpected": true}');
    const notList = await failure(adapter.mapVolume({ volumeId: "db1_aux", hostId: "sys-b", via: "vscsi" }));
    assert.match(notList.message, /malformed answer to lsvdiskhostmap: expected a JSON list of objects/);
  });

  it("fails with a fatal error naming no password when the credentials are refused", async () => {
    open({ password: "not-the-Pass-77" });
    const err = await failure(adapter.inventory());
    assert.equal(err.failure, "fatal");
    assert.match(err.message, /refused user "superuser".*`storage.password`/);
    assert.ok(!JSON.stringify({ ...err, message: err.message, stack: err.stack }).includes("not-the-Pass-77"));
  });
});
