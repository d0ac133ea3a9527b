// Two sites on the hardware adapters: an HMC and a Spectrum Virtualize system per site (fakes on
// loopback, HTTPS with the test CA). The inventory is merged, operations go to the connection that
// owns the object, a lost site is reported down instead of failing the inventory, and a site
// failover planned from that inventory and run by the executor brings every LPAR up at the other
// site on its replicas.
import { strict as assert } from "assert";
import * as sinon from "sinon";
import type { Adapters } from "../../../provider/adapters";
import { openHardwareAdapters } from "../../../provider/adapters/hardware";
import { AdapterError, ValidationError } from "../../../provider/errors";
import { failureOf } from "../../../provider/executor/outcome";
import { runPlan } from "../../../provider/executor/run";
import type { HardwareSettings, SvcConnection } from "../../../provider/generated/adapter-settings";
import type { ProtectionModel } from "../../../provider/model/protection";
import { validate } from "../../../provider/validation";
import { planFailover } from "../../../provider/planner";
import { FakeHmc } from "../../fakes/hmc";
import { FakeSvc, udidOf } from "../../fakes/svc";
import { assertNoSecrets, hmcSettings, MemoryLog, rejection, svcSettings } from "./helpers";

const VOLUMES: Record<string, string[]> = {
  lpar1: ["lpar1_rootvg", "lpar1_data"],
  lpar2: ["lpar2_rootvg"],
  lpar3: ["lpar3_rootvg", "lpar3_data"],
};
const ALL_VOLUMES = Object.values(VOLUMES).flat();
const replica = (v: string): string => `dr_${v}`;

interface Sites {
  hmcA: FakeHmc;
  hmcB: FakeHmc;
  svcA: FakeSvc;
  svcB: FakeSvc;
}

/**
 * Site dc1: HMC A manages sys-a1, where the LPARs run on svc-a's volumes. Site dc2: HMC B manages
 * sys-b1 and sys-b2 and, when `coManaged`, sys-a1 as well (remote restart needs one HMC that
 * manages source and target); svc-b holds the replicas, in consistency group cg_apps.
 */
function twoSites(coManaged: boolean): Sites {
  const hmcA = new FakeHmc("hscroot", "hmcA-Pa$$<&>");
  const hmcB = new FakeHmc("hscroot", "hmcB-Pa$$<&>");
  const svcA = new FakeSvc("superuser", 'svcA-"pass"', "svc-a");
  const svcB = new FakeSvc("superuser", 'svcB-"pass"', "svc-b");
  const sysA = hmcA.addSystem("sys-a1");
  hmcB.addSystem("sys-b1");
  hmcB.addSystem("sys-b2");
  svcA.addHost("sys-a1");
  for (const h of ["sys-b1", "sys-b2"]) svcB.addHost(h);
  for (const [lpar, vols] of Object.entries(VOLUMES)) {
    const l = hmcA.addLpar(lpar, "sys-a1", { memoryMb: 16384, processorUnits: 1 });
    if (coManaged) hmcB.lpars.set(l.uuid, l);
    for (const v of vols) {
      svcA.addVdisk(v, 50);
      svcA.map(v, "sys-a1");
      svcB.addVdisk(replica(v), 50);
    }
  }
  // One physical system seen by two HMCs: the same object, with the same UUID.
  if (coManaged) hmcB.systems.set(sysA.uuid, sysA);
  const pairs = ALL_VOLUMES.map((v): [string, string] => [v, replica(v)]);
  svcA.addRcGroup("cg_apps", pairs, "consistent_synchronized", "metro", "svc-a", "svc-b");
  svcB.addRcGroup("cg_apps", pairs, "consistent_synchronized", "metro", "svc-a", "svc-b");
  // The VIOSes of a system see the disks its site's storage maps to it.
  hmcA.sanDisks = (system) => svcA.maps.filter((m) => m.host === system.name).map((m) => udidOf(svcA.vdisks.get(m.vdisk)!));
  hmcB.sanDisks = (system) => svcB.maps.filter((m) => m.host === system.name).map((m) => udidOf(svcB.vdisks.get(m.vdisk)!));
  return { hmcA, hmcB, svcA, svcB };
}

function settingsOf(s: Sites, storageExtra: Partial<SvcConnection> = {}): HardwareSettings {
  return {
    type: "hardware",
    hmc: [hmcSettings(s.hmcA, { name: "hmc-a", site: "dc1" }), hmcSettings(s.hmcB, { name: "hmc-b", site: "dc2", systemSites: { "sys-a1": "dc1" } })],
    storage: [
      svcSettings(s.svcA, { name: "svc-a", site: "dc1", lparVolumePattern: "{lpar}_*", ...storageExtra }),
      svcSettings(s.svcB, { name: "svc-b", site: "dc2", lparVolumePattern: "{lpar}_*", ...storageExtra }),
    ],
  };
}

const MODEL: ProtectionModel = {
  stack: "hw",
  groups: [{ name: "apps", slaLevel: 1, vms: Object.keys(VOLUMES).map((lpar) => ({ lpar })), antiAffinity: [], recoveryTarget: "dc2", storageMappings: ["apps-volumes"] }],
  targets: [{ name: "dc2", site: "dc2", systems: ["sys-b1", "sys-b2"], reserve: { processorUnits: 0, memoryGb: 0 }, adapter: { type: "simulator" } }],
  storageMappings: [
    { name: "apps-volumes", consistencyGroup: "cg_apps", pairs: ALL_VOLUMES.map((v) => ({ source: v, replica: replica(v) })), presentation: { via: "vscsi" }, mode: "sync" },
  ],
};

function secretsOf(s: Sites): string[] {
  return [s.hmcA.password, s.hmcB.password, s.svcA.password, s.svcB.password, ...s.hmcA.issuedTokens, ...s.hmcB.issuedTokens, ...s.svcA.issuedTokens, ...s.svcB.issuedTokens];
}

/** Requests that changed something (not reads, logons or job polling). */
function actions(fake: FakeHmc): string[] {
  return fake.requests.filter((r) => r.method === "PUT" && r.path.includes("/do/")).map((r) => r.path.replace(/.*\/do\//, ""));
}

describe("hardware adapters over two sites", function () {
  this.timeout(20_000);
  const sandbox = sinon.createSandbox();
  let sites: Sites;
  let adapters: Adapters | undefined;
  let log: MemoryLog;

  async function start(coManaged: boolean): Promise<void> {
    sites = twoSites(coManaged);
    await Promise.all([sites.hmcA.start(), sites.hmcB.start(), sites.svcA.start(), sites.svcB.start()]);
    log = new MemoryLog();
  }

  function open(settings: HardwareSettings = settingsOf(sites)): Adapters {
    adapters = openHardwareAdapters(settings, { log, retryBaseDelayMs: 2 });
    return adapters;
  }

  async function loseSiteA(): Promise<void> {
    // The whole site is gone: its HMC and storage refuse connections, its system lost power,
    // and the surviving cluster sees its partner disconnected.
    await Promise.all([sites.hmcA.stop(), sites.svcA.stop()]);
    sites.hmcA.system("sys-a1").state = "no connection";
    sites.svcB.rcGroups.get("cg_apps")!.state = "consistent_disconnected";
  }

  afterEach(async () => {
    if (adapters) await Promise.all([adapters.compute.close(), adapters.storage.close()]);
    adapters = undefined;
    await Promise.all([sites.hmcA.stop(), sites.hmcB.stop(), sites.svcA.stop(), sites.svcB.stop()]);
    sandbox.restore();
  });

  it("merges the inventories of both sites; a system two HMCs manage is one system", async () => {
    // GIVEN both sites up, sys-a1 managed by both HMCs
    await start(true);
    const { compute, storage } = open();
    // WHEN the inventory is read
    const [c, s] = await Promise.all([compute.inventory(), storage.inventory()]);
    // THEN every system appears once, at its HMC's site, and both HMCs are known
    assert.deepEqual(c.hmcs.map((h) => [h.name, h.site]), [["hmc-a", "dc1"], ["hmc-b", "dc2"]]);
    assert.deepEqual(c.managedSystems.map((m) => [m.id, m.state]).sort(), [["sys-a1", "Operating"], ["sys-b1", "Operating"], ["sys-b2", "Operating"]]);
    assert.deepEqual(c.lpars.map((l) => l.id).sort(), ["lpar1", "lpar2", "lpar3"]);
    // AND each LPAR's volumes are its masters at svc-a, not the replicas
    assert.deepEqual(c.lpars.find((l) => l.id === "lpar1")!.volumes, ["lpar1_data", "lpar1_rootvg"]);
    // AND both storage systems with their volumes; the group both partners list is one group
    assert.deepEqual(s.storageSystems.map((x) => [x.id, x.site, x.state ?? "online"]), [["svc-a", "dc1", "online"], ["svc-b", "dc2", "online"]]);
    assert.equal(s.volumes.length, ALL_VOLUMES.length * 2);
    assert.equal(s.volumes.find((v) => v.id === replica("lpar2_rootvg"))!.storageSystem, "svc-b");
    assert.deepEqual(s.consistencyGroups.map((g) => [g.id, g.masterSystem, g.auxSystem, g.state]), [["cg_apps", "svc-a", "svc-b", "consistent_synchronized"]]);
    assert.deepEqual(s.hostMappings.filter((m) => m.volume === "lpar1_rootvg").map((m) => m.host), ["sys-a1"]);
    // AND the limits of every connection are there
    const limits = { ...(await compute.limits()), ...(await storage.limits()) };
    for (const key of ["hmc:hmc-a", "hmc:hmc-b", "system:sys-a1", "system:sys-b2", "storage:svc-a", "storage:svc-b"]) assert.ok(key in limits, key);
    assert.deepEqual(log.warnings, []);
  });

  it("sends each operation to the connection that owns the object", async () => {
    // GIVEN both sites up, and nothing co-managed
    await start(false);
    const { compute, storage } = open();
    await Promise.all([compute.inventory(), storage.inventory()]);
    const before = { a: sites.svcA.commands.length, b: sites.svcB.commands.length };
    // WHEN an LPAR of site A is powered off, a replica mapped at site B and the group failed over
    await compute.powerOff("lpar2", true);
    await storage.mapVolume({ volumeId: replica("lpar2_rootvg"), hostId: "sys-b1", via: "vscsi" });
    await storage.failoverConsistencyGroup("cg_apps");
    // THEN the power-off went to HMC A only
    assert.deepEqual(actions(sites.hmcA), ["PowerOff"]);
    assert.deepEqual(actions(sites.hmcB), []);
    // AND the map and the failover (stoprcconsistgrp -access: the auxiliary's volumes become
    // writable) went to svc-b only, even though svc-a, the master, answers too
    const sentA = sites.svcA.commands.slice(before.a);
    const sentB = sites.svcB.commands.slice(before.b);
    assert.deepEqual(sentA, []);
    assert.ok(sentB.includes(`mkvdiskhostmap ${replica("lpar2_rootvg")}`), sentB.join(", "));
    assert.ok(sentB.includes("stoprcconsistgrp cg_apps"), sentB.join(", "));
    assert.equal(sites.svcB.rcGroups.get("cg_apps")!.state, "idling");
    assert.equal(sites.svcA.rcGroups.get("cg_apps")!.state, "consistent_synchronized");
    // AND an LPAR defined since the last inventory is found by reading again
    sites.hmcB.addLpar("late1", "sys-b2", { state: "not activated" });
    assert.deepEqual(await compute.powerOn("late1"), { alreadyDone: false });
    assert.deepEqual(actions(sites.hmcB), ["PowerOn"]);
    // AND an LPAR no HMC manages is a clear notFound
    const err = await rejection(compute.powerOn("nope"));
    assert.ok(err instanceof AdapterError && err.failure === "notFound", err.message);
    assert.match(err.message, /hmc-a, hmc-b/);
  });

  it("reports a lost site as down instead of failing the inventory, with a warning", async () => {
    // GIVEN an inventory read while both sites were up, then site A lost (nothing co-managed)
    await start(false);
    const { compute, storage } = open();
    await Promise.all([compute.inventory(), storage.inventory()]);
    await loseSiteA();
    // WHEN the inventory is read again
    const [c, s] = await Promise.all([compute.inventory(), storage.inventory()]);
    // THEN site A's system is "No Connection" and its storage offline, with the volumes the
    // surviving partner's relationships name; the group is seen from svc-b
    assert.equal(c.managedSystems.find((m) => m.id === "sys-a1")!.state, "No Connection");
    assert.equal(c.managedSystems.find((m) => m.id === "sys-b1")!.state, "Operating");
    assert.deepEqual(s.storageSystems.map((x) => [x.id, x.state ?? "online"]), [["svc-b", "online"], ["svc-a", "offline"]]);
    assert.deepEqual(s.volumes.filter((v) => v.storageSystem === "svc-a").map((v) => v.id).sort(), [...ALL_VOLUMES].sort());
    assert.equal(s.volumes.find((v) => v.id === "lpar1_data")!.capacityGb, 50);
    assert.equal(s.consistencyGroups[0].state, "consistent_stopped");
    // AND a warning names each lost connection and its site
    assert.equal(log.warnings.filter((w) => /HMC hmc-a \(site dc1\) cannot be reached/.test(w) && w.includes("sys-a1")).length, 1, log.warnings.join("\n"));
    assert.equal(log.warnings.filter((w) => /storage system svc-a \(connection svc-a, site dc1\) cannot be reached/.test(w)).length, 1, log.warnings.join("\n"));
    // AND an operation for the lost site fails fast, and a restart onto site B says what is missing
    const unmap = await rejection(storage.unmapVolume({ volumeId: "lpar1_rootvg", hostId: "sys-a1", via: "vscsi" }));
    assert.ok(unmap instanceof AdapterError && unmap.failure === "transient", unmap.message);
    assert.match(unmap.message, /svc-a .*could not be reached/);
    const restart = await rejection(compute.remoteRestart({ lparId: "lpar1", targetSystemId: "sys-b1", volumeIds: [] }));
    assert.ok(restart instanceof AdapterError && restart.failure === "fatal", restart.message);
    assert.match(restart.message, /one HMC that manages both systems/);
    // AND fencing an LPAR whose only HMC is lost relies on that: its system has no connection
    assert.deepEqual(await compute.fenceLpar("lpar1", "sys-a1"), { alreadyDone: true, evidence: "No Connection" });
    assertNoSecrets([...log.warnings, ...log.debugs, unmap.message, restart.message], secretsOf(sites));
  });

  it("plans a site failover from the live inventory and runs it: every LPAR up at site B on its replicas", async () => {
    // GIVEN HMC B also manages site A's system, and site A is lost before anything was read
    await start(true);
    await loseSiteA();
    const opened = open();
    // WHEN the failover is planned from the live inventory and executed
    const inventory = { compute: await opened.compute.inventory(), storage: await opened.storage.inventory() };
    assert.deepEqual(inventory.compute.lpars.find((l) => l.id === "lpar3")!.volumes, ["lpar3_data", "lpar3_rootvg"]);
    const plan = planFailover({ model: MODEL, inventory });
    assert.deepEqual([plan.failure.failedHosts, plan.failure.failedSite], [["sys-a1"], "dc1"]);
    const result = await runPlan(plan, opened, { retry: { attempts: 2, baseDelayMs: 1, factor: 2, maxDelayMs: 2 } });
    // THEN every LPAR runs at site B where the plan put it
    assert.equal(result.status, "succeeded", JSON.stringify(failureOf(result)?.message));
    assert.deepEqual(plan.placements.map((p) => p.lpar).sort(), ["lpar1", "lpar2", "lpar3"]);
    for (const p of plan.placements) {
      const l = sites.hmcB.lpar(p.lpar);
      assert.equal(l.systemUuid, sites.hmcB.system(p.target!).uuid, `${p.lpar} runs on ${p.target}`);
      assert.equal(l.state, "running");
      // AND each of its replicas is mapped exactly once, to that system
      for (const v of VOLUMES[p.lpar]) assert.deepEqual(sites.svcB.maps.filter((m) => m.vdisk === replica(v)).map((m) => m.host), [p.target]);
    }
    // AND the group was failed over once, on svc-b; the restarts went to HMC B
    assert.equal(sites.svcB.commands.filter((c) => c === "stoprcconsistgrp cg_apps").length, 1);
    assert.equal(sites.svcB.rcGroups.get("cg_apps")!.state, "idling");
    assert.equal(actions(sites.hmcB).filter((a) => a === "RemoteRestart").length, 3, "one restart per LPAR");
    assert.equal(sites.hmcA.requests.length, 0);
    assert.equal(sites.svcA.requests.length, 0);
    assertNoSecrets([...log.warnings, ...log.debugs, JSON.stringify(result)], secretsOf(sites));
  });

  it("refuses two different objects with one id across connections, naming both", async () => {
    // GIVEN HMC B has its own system named sys-a1, and svc-b a volume named like one of svc-a
    await start(false);
    sites.hmcB.addSystem("sys-a1");
    sites.svcB.addVdisk("lpar2_rootvg");
    const { compute, storage } = open();
    // WHEN the inventories are read THEN each fails with a fatal error naming the id and both connections
    const s = await rejection(storage.inventory());
    assert.ok(s instanceof AdapterError && s.failure === "fatal", s.message);
    assert.match(s.message, /svc-a and svc-b .*"lpar2_rootvg"/);
    sites.svcB.vdisks.delete("lpar2_rootvg");
    const c = await rejection(compute.inventory());
    assert.ok(c instanceof AdapterError && c.failure === "fatal", c.message);
    assert.match(c.message, /sys-a1/);
    assert.match(c.message, /hmc-a and hmc-b/);
    assert.match(c.message, /identifyBy/);
    assertNoSecrets([c.message, s.message, c.stack ?? "", s.stack ?? ""], secretsOf(sites));
  });

  it("refuses a system two HMCs place at different sites, pointing at systemSites", async () => {
    // GIVEN HMC B co-manages sys-a1 but its settings do not say that sys-a1 is at dc1
    await start(true);
    const settings = settingsOf(sites);
    (settings.hmc as { systemSites?: Record<string, string> }[])[1].systemSites = {};
    const { compute } = open(settings);
    // WHEN the inventory is read THEN it fails, naming the system, both sites and the setting
    const err = await rejection(compute.inventory());
    assert.ok(err instanceof AdapterError && err.failure === "fatal", err.message);
    assert.match(err.message, /hmc-a and hmc-b both manage system "sys-a1" but place it at sites "dc1" and "dc2": set `systemSites`/);
  });

  it("fails the inventory on an error from a connection that answers, after retrying it", async () => {
    // GIVEN svc-b answers 500 to more requests than the retries cover
    await start(false);
    const { storage } = open();
    sites.svcB.failNext(20, 500, "internal error");
    // WHEN the inventory is read THEN it fails: an answering system is never reported offline
    const err = await rejection(storage.inventory());
    assert.ok(err instanceof AdapterError && err.failure === "transient", err.message);
    assert.ok(sites.svcB.requests.filter((r) => r.path !== "/rest/v1/auth").length > 1, "retried");
    assert.deepEqual(log.warnings, []);
  });
});

describe("hardware settings with several connections", () => {
  function settings(extra: Partial<HardwareSettings>): HardwareSettings {
    const hmc = { url: "https://hmc-a.example.com:12443", site: "dc1", username: "u", password: "hmc-secret-1" };
    const svc = { url: "https://svc-a.example.com:7443", site: "dc1", username: "u", password: "svc-secret-1" };
    return { type: "hardware", hmc, storage: svc, ...extra };
  }

  it("keeps the single-object form: one HMC and one storage system", () => {
    const a = openHardwareAdapters(settings({}));
    assert.deepEqual([a.compute.kind, a.storage.kind], ["hmc", "svc"]);
  });

  it("reports every bad connection list together, naming the fields", () => {
    // GIVEN two HMCs with one name, two storage connections to one address, one without a site
    const bad = settings({
      hmc: [
        { url: "https://hmc-a.example.com:12443", name: "hmc1", site: "dc1", username: "u", password: "hmc-secret-1" },
        { url: "https://hmc-b.example.com:12443", name: "hmc1", site: "dc2", username: "u", password: "hmc-secret-2" },
      ],
      storage: [
        { url: "https://svc-a.example.com:7443", site: "dc1", username: "u", password: "svc-secret-1" },
        { url: "https://SVC-A.example.com:7443", name: "other", username: "u", password: "svc-secret-2" },
      ],
    });
    // WHEN the adapters are opened THEN one ValidationError lists each issue by its path
    let err: unknown;
    try {
      openHardwareAdapters(bad);
    } catch (e) {
      err = e;
    }
    assert.ok(err instanceof ValidationError, String(err));
    assert.deepEqual(err.issues.map((i) => i.path).sort(), ["hmc[1].name", "storage[1].site", "storage[1].url"]);
    assert.match(err.message, /`hmc\[1\]\.name` repeats HMC name "hmc1" already used by `hmc\[0\]\.name`/);
    assert.match(err.message, /`storage\[1\]\.site` is missing/);
    assertNoSecrets([err.message], ["hmc-secret-1", "hmc-secret-2", "svc-secret-1", "svc-secret-2"]);
  });

  it("accepts an object or a list in the schema, and names the field inside either", () => {
    const hmc = { url: "https://hmc-a.example.com:12443", site: "dc1", username: "u", password: "p" };
    const storage = { url: "https://svc-a.example.com:7443", site: "dc1", username: "u", password: "p" };
    const check = (value: unknown): string[] => validate("adapter-settings", value).map((i) => i.path);
    assert.deepEqual(check({ type: "hardware", hmc, storage }), []);
    assert.deepEqual(check({ type: "hardware", hmc: [hmc, { ...hmc, name: "b" }], storage: [storage] }), []);
    // A missing url is named where it is missing, without noise about the other form
    assert.deepEqual(check({ type: "hardware", hmc: { ...hmc, url: undefined }, storage }), ["hmc.url"]);
    assert.deepEqual(check({ type: "hardware", hmc: [hmc, { ...hmc, url: undefined }], storage }), ["hmc[1].url"]);
    assert.deepEqual(check({ type: "hardware", hmc, storage: [] }), ["storage"]);
  });

  it("says which connection is missing", () => {
    let err: unknown;
    try {
      openHardwareAdapters({ type: "hardware", hmc: [settings({}).hmc as never] });
    } catch (e) {
      err = e;
    }
    assert.ok(err instanceof ValidationError);
    assert.deepEqual(err.issues.map((i) => i.path), ["storage"]);
  });
});
