// The Spectrum Virtualize adapter against the refusals the real system answers with a CMMVC code
// (HTTP 500 with the CLI's message, as the IBM Storage Virtualize Ansible collection reads them):
// a mapping that exists already, an object that exists already, a volume still in use, a group
// not in the prepared state, a source at its FlashCopy mapping limit, and token expiry.
import { strict as assert } from "assert";
import * as sinon from "sinon";
import { SvcStorageAdapter } from "../../../provider/adapters/svc/adapter";
import { AdapterError } from "../../../provider/errors";
import { FakeSvc, MAX_FC_MAPS_PER_SOURCE } from "../../fakes/svc";
import { assertNoSecrets, MemoryLog, rejection, svcSettings } from "./helpers";

describe("Spectrum Virtualize adapter: CMMVC refusals and token expiry", function () {
  this.timeout(10_000);
  const sandbox = sinon.createSandbox();
  let svc: FakeSvc;
  let log: MemoryLog;
  let adapter: SvcStorageAdapter;

  beforeEach(async () => {
    svc = new FakeSvc();
    for (const v of ["app1_aux", "app2_aux"]) svc.addVdisk(v, 100);
    for (const h of ["sys-b", "sys-c"]) svc.addHost(h);
    await svc.start();
    log = new MemoryLog();
    adapter = new SvcStorageAdapter(svcSettings(svc), { log, retryBaseDelayMs: 2 });
  });

  afterEach(async () => {
    await adapter.close();
    await svc.stop();
    sandbox.restore();
    assertNoSecrets([...log.warnings, ...log.debugs], [svc.password, ...svc.issuedTokens]);
  });

  it("takes CMMVC5878E (mapped meanwhile by someone else) as the mapping asked for", async () => {
    // GIVEN another client maps the volume between the adapter's read and its mkvdiskhostmap
    svc.beforeCommand = (command, object) => {
      if (command === "mkvdiskhostmap" && object === "app1_aux") svc.map("app1_aux", "sys-b");
    };
    // WHEN the volume is mapped THEN it is done, with one mapping only
    assert.deepEqual(await adapter.mapVolume({ volumeId: "app1_aux", hostId: "sys-b", via: "vscsi" }), { alreadyDone: true });
    assert.deepEqual(svc.maps.filter((m) => m.vdisk === "app1_aux").map((m) => m.host), ["sys-b"]);
  });

  it("carries on when mkfcconsistgrp answers CMMVC6035E (the group an earlier attempt made)", async () => {
    // GIVEN the group appears between the adapter's lookup and its mkfcconsistgrp
    svc.beforeCommand = (command) => {
      if (command === "mkfcconsistgrp" && !svc.fcGroups.has("vmr-drill-cg")) svc.fcGroups.set("vmr-drill-cg", { id: "77", name: "vmr-drill-cg", status: "empty" });
    };
    const { group } = await adapter.createFlashCopyGroup({ name: "vmr-drill-cg", storageSystemId: "svc-dr", sourceVolumeIds: ["app1_aux"] });
    assert.deepEqual(group.maps.map((m) => [m.source, m.target]), [["app1_aux", "app1_aux_drill"]]);
    assert.equal(svc.fcGroups.get("vmr-drill-cg")!.status, "copying");
  });

  it("reports a volume still in use (CMMVC5840E) as a conflict, not a fatal error", async () => {
    // GIVEN a drill group whose target someone mapped to a host after the adapter read its mappings
    await adapter.createFlashCopyGroup({ name: "vmr-drill-cg", storageSystemId: "svc-dr", sourceVolumeIds: ["app1_aux"] });
    svc.beforeCommand = (command, object) => {
      if (command === "rmvdisk" && object === "app1_aux_drill" && !svc.maps.some((m) => m.vdisk === object)) svc.map(object, "sys-c");
    };
    const err = await rejection(adapter.deleteFlashCopyGroup("vmr-drill-cg"));
    assert.ok(err instanceof AdapterError && err.failure === "conflict", err.message);
    assert.match(err.message, /CMMVC5840E/);
    assert.match(err.message, /target volume app1_aux_drill is in use again .*remove it by hand \(rmvdisk app1_aux_drill\)/);
    // AND the volume is left in place, mapped as the other client made it
    assert.ok(svc.vdisks.has("app1_aux_drill"));
  });

  it("reads a group again when it is not in the prepared state (CMMVC5907E), then starts it", async () => {
    // GIVEN a group an earlier attempt left "prepared", which someone stops before the adapter starts it
    await adapter.createFlashCopyGroup({ name: "vmr-drill-cg", storageSystemId: "svc-dr", sourceVolumeIds: ["app1_aux"] });
    svc.fcGroups.get("vmr-drill-cg")!.status = "prepared";
    let raced = false;
    svc.beforeCommand = (command) => {
      if (command === "startfcconsistgrp" && !raced) {
        raced = true;
        svc.fcGroups.get("vmr-drill-cg")!.status = "stopped";
      }
    };
    // WHEN it is asked for again THEN the refusal is retried on a fresh read: prepared and started
    await adapter.createFlashCopyGroup({ name: "vmr-drill-cg", storageSystemId: "svc-dr", sourceVolumeIds: ["app1_aux"] });
    assert.equal(svc.fcGroups.get("vmr-drill-cg")!.status, "copying");
    assert.ok(svc.requests.some((r) => r.path === "/rest/v1/startfcconsistgrp/vmr-drill-cg" && JSON.parse(r.body).prep === true));
  });

  it("refuses a source at its FlashCopy mapping limit with a fatal error that says what to do, and says so before a drill", async () => {
    svc.foreignFcMaps.set("app2_aux", MAX_FC_MAPS_PER_SOURCE);
    const request = { name: "vmr-drill-cg", storageSystemId: "svc-dr", sourceVolumeIds: ["app2_aux"] };
    // At plan time: the reason, from lsvdisk's fc_map_count
    assert.deepEqual(await adapter.checkFlashCopies([request]), [
      `volume app2_aux on svc-dr: already in ${MAX_FC_MAPS_PER_SOURCE} FlashCopy mappings, the most a source can have (${MAX_FC_MAPS_PER_SOURCE}): remove some (lsfcmap -filtervalue source_vdisk_name=app2_aux) before the drill`,
    ]);
    assert.deepEqual(await adapter.checkFlashCopies([{ ...request, sourceVolumeIds: ["app1_aux"] }]), []);
    // At run time: the system's refusal, made clear
    const err = await rejection(adapter.createFlashCopyGroup(request));
    assert.ok(err instanceof AdapterError && err.failure === "fatal", err.message);
    assert.match(err.message, /volume app2_aux is already in the most FlashCopy mappings it can have \(256\): remove some of its mappings/);
  });

  it("authenticates again, once, when the token expires between two commands of one operation", async () => {
    svc.beforeCommand = (command) => {
      if (command === "mkfcmap") svc.expireTokens();
    };
    await adapter.createFlashCopyGroup({ name: "vmr-drill-cg", storageSystemId: "svc-dr", sourceVolumeIds: ["app1_aux"] });
    assert.equal(svc.auths, 2);
    assert.equal(svc.fcGroups.get("vmr-drill-cg")!.status, "copying");
  });
});
