// A site-loss drill through the hardware adapters, end to end against a fake HMC and a fake
// Spectrum Virtualize per site: plan from the live inventory, FlashCopy of the replicas, an
// isolated copy of each LPAR built on the other site's systems, started and verified, the RTO
// measured, everything removed, the assertions and the report. Verdicts are read from the fakes'
// state. `vmr drill --cleanup` after a crash removes what a drill left, and nothing else.
import { strict as assert } from "assert";
import { spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as sinon from "sinon";
import type { Adapters } from "../../../provider/adapters";
import { openHardwareAdapters } from "../../../provider/adapters/hardware";
import { drillCleanup } from "../../../provider/drill/cleanup-command";
import { parseDrill } from "../../../provider/drill/file";
import { drill } from "../../../provider/drill/run";
import type { HardwareSettings } from "../../../provider/generated/adapter-settings";
import type { ProtectionModel } from "../../../provider/model/protection";
import { SECRET_SIG, SECRET_SIG_KEY } from "../../../provider/stack/secrets";
import { validate } from "../../../provider/validation";
import { FakeHmc } from "../../fakes/hmc";
import { FakeSvc, udidOf } from "../../fakes/svc";
import { ValidationError } from "../../../provider/errors";
import { assertNoSecrets, hmcSettings, MemoryLog, rejection, svcSettings } from "./helpers";

const VOLUMES: Record<string, string[]> = {
  lpar1: ["lpar1_rootvg", "lpar1_data"],
  lpar2: ["lpar2_rootvg"],
  lpar3: ["lpar3_rootvg", "lpar3_data"],
};
const ALL_VOLUMES = Object.values(VOLUMES).flat();
const replica = (v: string): string => `dr_${v}`;

const MODEL: ProtectionModel = {
  stack: "hw",
  groups: [{ name: "apps", slaLevel: 1, vms: Object.keys(VOLUMES).map((lpar) => ({ lpar })), antiAffinity: [], recoveryTarget: "dc2", storageMappings: ["apps-volumes"], rtoBudgetSeconds: 600 }],
  targets: [{ name: "dc2", site: "dc2", systems: ["sys-b1", "sys-b2"], reserve: { processorUnits: 0, memoryGb: 0 }, adapter: { type: "simulator" } }],
  storageMappings: [
    { name: "apps-volumes", consistencyGroup: "cg_apps", pairs: ALL_VOLUMES.map((v) => ({ source: v, replica: replica(v) })), presentation: { via: "vscsi" }, mode: "sync" },
  ],
};

describe("drill through the hardware adapters (fake HMC and SVC per site)", function () {
  this.timeout(30_000);
  const sandbox = sinon.createSandbox();
  let hmcA: FakeHmc;
  let hmcB: FakeHmc;
  let svcA: FakeSvc;
  let svcB: FakeSvc;
  let log: MemoryLog;
  let dir: string;
  const opened: Adapters[] = [];

  function settings(): HardwareSettings {
    return {
      type: "hardware",
      hmc: [hmcSettings(hmcA, { name: "hmc-a", site: "dc1" }), hmcSettings(hmcB, { name: "hmc-b", site: "dc2", systemSites: { "sys-a1": "dc1" }, bootTimeoutSeconds: 5 })],
      storage: [
        svcSettings(svcA, { name: "svc-a", site: "dc1", lparVolumePattern: "{lpar}_*" }),
        svcSettings(svcB, { name: "svc-b", site: "dc2", lparVolumePattern: "{lpar}_*" }),
      ],
    };
  }

  async function open(): Promise<Adapters> {
    const a = openHardwareAdapters(settings(), { log, retryBaseDelayMs: 2 });
    opened.push(a);
    return a;
  }

  /** The fakes' production state: what a drill must leave as it found it. */
  function production(): unknown {
    return {
      lpars: [...hmcA.lpars.values()].map((l) => [l.name, l.state, l.systemUuid, l.memoryMb, l.processorUnits]),
      vdisksA: [...svcA.vdisks.keys()].sort(),
      vdisksB: [...svcB.vdisks.keys()].sort(),
      mapsA: svcA.maps.map((m) => `${m.vdisk}@${m.host}`).sort(),
      mapsB: svcB.maps.map((m) => `${m.vdisk}@${m.host}`).sort(),
      rc: [...svcB.rcGroups.values()].map((g) => [g.name, g.state, g.primary]),
    };
  }

  beforeEach(async () => {
    // Site dc1: sys-a1 runs the LPARs on svc-a's volumes; HMC B also manages it (remote restart
    // needs one HMC that sees source and target). Site dc2: sys-b1, sys-b2 and svc-b's replicas.
    hmcA = new FakeHmc("hscroot", "hmcA-Pa$$<&>");
    hmcB = new FakeHmc("hscroot", "hmcB-Pa$$<&>");
    svcA = new FakeSvc("superuser", 'svcA-"pass"', "svc-a");
    svcB = new FakeSvc("superuser", 'svcB-"pass"', "svc-b");
    const sysA = hmcA.addSystem("sys-a1");
    hmcB.systems.set(sysA.uuid, sysA);
    hmcB.addSystem("sys-b1");
    hmcB.addSystem("sys-b2");
    svcA.addHost("sys-a1");
    for (const h of ["sys-b1", "sys-b2"]) svcB.addHost(h);
    for (const [lpar, vols] of Object.entries(VOLUMES)) {
      // lpar3 is a dedicated-processor LPAR that is not running: its copy is built from its desired values.
      const l = hmcA.addLpar(lpar, "sys-a1", lpar === "lpar3" ? { memoryMb: 32768, processorUnits: 2, dedicated: true, state: "not activated" } : { memoryMb: 16384, processorUnits: 1 });
      hmcB.lpars.set(l.uuid, l);
      for (const v of vols) {
        svcA.addVdisk(v, 50);
        svcA.map(v, "sys-a1");
        svcB.addVdisk(replica(v), 50);
      }
    }
    const pairs = ALL_VOLUMES.map((v): [string, string] => [v, replica(v)]);
    svcA.addRcGroup("cg_apps", pairs, "consistent_synchronized", "metro", "svc-a", "svc-b");
    svcB.addRcGroup("cg_apps", pairs, "consistent_synchronized", "metro", "svc-a", "svc-b");
    hmcA.sanDisks = (system) => svcA.maps.filter((m) => m.host === system.name).map((m) => udidOf(svcA.vdisks.get(m.vdisk)!));
    hmcB.sanDisks = (system) => [
      ...svcA.maps.filter((m) => m.host === system.name).map((m) => udidOf(svcA.vdisks.get(m.vdisk)!)),
      ...svcB.maps.filter((m) => m.host === system.name).map((m) => udidOf(svcB.vdisks.get(m.vdisk)!)),
    ];
    await Promise.all([hmcA.start(), hmcB.start(), svcA.start(), svcB.start()]);
    log = new MemoryLog();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "vmr-hw-drill-"));
  });

  afterEach(async () => {
    for (const a of opened.splice(0)) await Promise.all([a.compute.close(), a.storage.close()]);
    await Promise.all([hmcA.stop(), hmcB.stop(), svcA.stop(), svcB.stop()]);
    fs.rmSync(dir, { recursive: true, force: true });
    sandbox.restore();
  });

  it("runs a site-loss drill: FlashCopy of the replicas, isolated copies on site B started and verified, all removed", async () => {
    // GIVEN production as it is before the drill
    const before = production();
    type Copy = { name: string; system: string; state: string; memoryMb: number; processorUnits: number; dedicated: boolean; disks: string[] };
    // Each copy as it was when its VerifyLpar step completed; the FlashCopy state then.
    const seenCopies = new Map<string, Copy>();
    const fcSeen = new Set<string>();
    const targetDisks = new Map<string, string>();
    // WHEN a site-loss drill of dc1 runs through the hardware adapters
    const result = await drill({
      source: { model: MODEL },
      drillFile: parseDrill({ version: 1, name: "site-loss", scenario: { failedSite: "dc1" } }),
      runsDir: path.join(dir, "runs"),
      openAdapters: open,
      onEvent: (e) => {
        if (e.type !== "step-completed" || e.step.kind !== "VerifyLpar") return;
        const served = (uuid: string): string[] => [...hmcB.viosMappings.values()].flat().filter((m) => m.lparUuid === uuid).map((m) => m.udid).sort();
        for (const l of hmcB.lpars.values()) {
          if (!l.name.startsWith(`${e.step.lpar}-drill-`)) continue;
          const system = [...hmcB.systems.values()].find((x) => x.uuid === l.systemUuid)!.name;
          seenCopies.set(l.name, { name: l.name, system, state: l.state, memoryMb: l.memoryMb, processorUnits: l.processorUnits, dedicated: l.dedicated, disks: served(l.uuid) });
        }
        for (const m of svcB.fcMaps) fcSeen.add(`${m.source}->${m.target}:${svcB.fcGroups.get(m.group)?.status}`);
        for (const v of svcB.vdisks.values()) targetDisks.set(udidOf(v), v.name);
      },
    });
    // THEN while the copies ran: one per LPAR at site B, built from the source's configuration
    // (lpar3's desired values although it is not running), served the FlashCopy targets only
    const copies = [...seenCopies.values()].sort((x, y) => (x.name < y.name ? -1 : 1));
    assert.deepEqual(copies.map((c) => c.name), ["lpar1-drill-vmr-drill", "lpar2-drill-vmr-drill", "lpar3-drill-vmr-drill"], JSON.stringify(result.report.vms));
    assert.ok(copies.every((c) => c.state === "running" && (c.system === "sys-b1" || c.system === "sys-b2")), JSON.stringify(copies));
    assert.deepEqual(copies.map((c) => [c.memoryMb, c.processorUnits, c.dedicated]), [[16384, 1, false], [16384, 1, false], [32768, 2, true]]);
    for (const c of copies) {
      const lpar = c.name.replace(/-drill-.*/, "");
      const names = c.disks.map((d) => targetDisks.get(d)).sort();
      assert.deepEqual(names, VOLUMES[lpar].map((v) => `${replica(v)}_drill`).sort(), `${c.name} is served its FlashCopy targets, and only them`);
    }
    assert.deepEqual([...fcSeen].sort(), ALL_VOLUMES.map((v) => `${replica(v)}->${replica(v)}_drill:copying`).sort());
    // AND FlashCopy went create -> map targets -> prepare and start, on svc-b only
    assert.ok(svcB.commands.includes("mkfcconsistgrp"));
    assert.equal(svcB.commands.filter((c) => c === "mkfcmap").length, ALL_VOLUMES.length);
    assert.ok(svcB.commands.includes("startfcconsistgrp vmr-drill-cg_apps"));
    assert.ok(!svcA.commands.some((c) => c.startsWith("mk") || c.startsWith("rm") || c.startsWith("stop")));
    // AND afterwards production is exactly as before and nothing of the drill is left
    assert.deepEqual(production(), before);
    assert.deepEqual([...hmcB.lpars.values()].filter((l) => l.name.includes("-drill-")).map((l) => l.name), []);
    assert.equal(hmcB.lparsCreated, 3);
    assert.equal(hmcB.lparsDeleted, 3);
    assert.deepEqual([...svcB.fcGroups.keys()], []);
    assert.deepEqual([...svcB.vdisks.keys()].filter((v) => v.endsWith("_drill")), []);
    assert.deepEqual([...hmcB.viosMappings.values()].flat(), []);
    // AND the report: every VM restarted (as a copy), RTO measured, assertions held, cleanup complete
    const report = result.report;
    assert.deepEqual(validate("report", report), []);
    assert.equal(report.kind, "drill");
    assert.deepEqual(report.vms.map((v) => [v.lpar, v.outcome]).sort(), [["lpar1", "restarted"], ["lpar2", "restarted"], ["lpar3", "restarted"]]);
    assert.ok(report.groups[0].rtoSeconds !== undefined && report.groups[0].rtoSeconds > 0, JSON.stringify(report.groups[0]));
    assert.deepEqual(report.assertions!.map((a) => [a.type, a.passed]), [["rtoWithinBudget", true], ["allVmsPlaced", true], ["cleanupComplete", true]]);
    assert.equal(result.passed, true, JSON.stringify(report.assertions));
    assertNoSecrets([...log.warnings, ...log.debugs, JSON.stringify(report)], [hmcA.password, hmcB.password, svcA.password, svcB.password, ...hmcB.issuedTokens, ...svcB.issuedTokens]);
  });

  it("`vmr drill --stack-file` runs the site-loss drill through the hardware adapters and exits 0; no secret in its output or the run's files", async () => {
    // GIVEN a stack export (as `pulumi stack export --show-secrets` writes it) whose target uses
    // the hardware adapters of both sites, passwords as secrets, and a drill file
    const secret = (value: string): object => ({ [SECRET_SIG_KEY]: SECRET_SIG, plaintext: JSON.stringify(value) });
    const hw = settings() as unknown as { hmc: Record<string, unknown>[]; storage: Record<string, unknown>[] };
    const adapter = { type: "hardware", hmc: hw.hmc.map((c) => ({ ...c, password: secret(String(c.password)) })), storage: hw.storage.map((c) => ({ ...c, password: secret(String(c.password)) })) };
    const urn = (type: string, name: string): string => `urn:pulumi:dev::hw::pulumi-nodejs:dynamic/vmr:${type}::${name}`;
    const [group, target] = [MODEL.groups[0], MODEL.targets[0]];
    const stack = {
      version: 3,
      deployment: {
        resources: [
          { urn: urn("RecoveryTarget", target.name), type: "pulumi-nodejs:dynamic/vmr:RecoveryTarget", custom: true, outputs: { ...target, adapter } },
          { urn: urn("StorageMapping", "apps-volumes"), type: "pulumi-nodejs:dynamic/vmr:StorageMapping", custom: true, outputs: MODEL.storageMappings[0] },
          { urn: urn("ProtectionGroup", group.name), type: "pulumi-nodejs:dynamic/vmr:ProtectionGroup", custom: true, outputs: group },
        ],
      },
    };
    const stackFile = path.join(dir, "stack.json");
    const drillFile = path.join(dir, "site-loss.yaml");
    fs.writeFileSync(stackFile, JSON.stringify(stack));
    fs.writeFileSync(drillFile, "version: 1\nname: site-loss\nscenario:\n  failedSite: dc1\n");
    const runs = path.join(dir, "runs");
    // WHEN the CLI runs the drill (the fakes answer from this process)
    const main = path.resolve(__dirname, "..", "..", "..", "provider", "cli", "main.js");
    const child = spawn(process.execPath, [main, "drill", "--stack-file", stackFile, "--drill-file", drillFile, "--runs-dir", runs], { stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (d: Buffer) => (output += d.toString()));
    child.stderr.on("data", (d: Buffer) => (output += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
    // THEN it passed: copies were made and removed on site B, FlashCopy on svc-b, nothing left
    assert.equal(code, 0, output);
    assert.equal(hmcB.lparsCreated, 3, output);
    assert.equal(hmcB.lparsDeleted, 3);
    assert.ok(svcB.commands.includes("mkfcconsistgrp"));
    assert.deepEqual([...svcB.fcGroups.keys()], []);
    assert.deepEqual([...svcB.vdisks.keys()].filter((v) => v.endsWith("_drill")), []);
    // AND no password or token is in what it printed or in the run's files
    const files = fs.readdirSync(runs, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => fs.readFileSync(path.join(e.parentPath ?? (e as unknown as { path: string }).path, e.name), "utf8"));
    assert.ok(files.length > 0);
    assertNoSecrets([output, ...files], [hmcA.password, hmcB.password, svcA.password, svcB.password, ...hmcB.issuedTokens, ...svcB.issuedTokens]);
  });

  it("when interrupted (Ctrl-C) after the first copy started, starts nothing more and removes everything it made", async () => {
    // GIVEN production before the drill, and a drill interrupted once the first copy is up
    const before = production();
    const controller = new AbortController();
    const startedAfterAbort: string[] = [];
    const result = await drill({
      source: { model: MODEL },
      drillFile: parseDrill({ version: 1, name: "site-loss", scenario: { failedSite: "dc1" } }),
      runsDir: path.join(dir, "runs"),
      openAdapters: open,
      signal: controller.signal,
      drainSeconds: 10,
      onEvent: (e) => {
        if (e.type === "step-started" && controller.signal.aborted) startedAfterAbort.push(e.step.id);
        if (e.type === "step-completed" && e.step.kind === "StartDrillLpar") controller.abort();
      },
    });
    // THEN it says it was interrupted and did not pass, and the sweep left nothing of it
    assert.equal(result.interrupted, true);
    assert.equal(result.passed, false);
    assert.equal(result.cleanup.complete, true, JSON.stringify(result.cleanup.leftovers));
    assert.deepEqual(startedAfterAbort, []);
    assert.ok(hmcB.lparsCreated >= 1, `created ${hmcB.lparsCreated} copies`);
    assert.equal(hmcB.lparsDeleted, hmcB.lparsCreated);
    assert.deepEqual([...hmcB.lpars.values()].filter((l) => l.name.includes("-drill-")).map((l) => l.name), []);
    assert.deepEqual([...svcB.fcGroups.keys()], []);
    assert.deepEqual([...svcB.vdisks.keys()].filter((v) => v.endsWith("_drill")), []);
    assert.deepEqual([...hmcB.viosMappings.values()].flat(), []);
    // AND production is as it was
    assert.deepEqual(production(), before);
  });

  it("`vmr drill --cleanup` after a crash removes the drill's copies and FlashCopy group, and nothing it did not create", async () => {
    // GIVEN a drill that crashed with a copy running and its FlashCopy group in place, and
    // look-alikes the drill did not make: an LPAR named like a copy of an LPAR that does not
    // exist, a FlashCopy group and a `_drill` volume of someone else's
    const adapters = await open();
    await adapters.compute.inventory();
    await adapters.storage.inventory();
    const { group } = await adapters.storage.createFlashCopyGroup({ name: "vmr-drill-cg_apps", storageSystemId: "svc-b", sourceVolumeIds: VOLUMES.lpar1.map(replica) });
    for (const m of group.maps) await adapters.storage.mapVolume({ volumeId: m.target, hostId: "sys-b1", via: "vscsi", vios: hmcB.system("sys-b1").vioses[0] });
    const copy = await adapters.compute.createDrillLpar({ sourceLparId: "lpar1", targetSystemId: "sys-b1", volumeIds: group.maps.map((m) => m.target), network: "vmr-drill" });
    assert.equal(copy.lparId, "lpar1-drill-vmr-drill");
    hmcB.addLpar("ghost-drill-vmr-drill", "sys-b2", { state: "not activated" });
    svcB.addVdisk("backup_drill", 10);
    svcB.fcGroups.set("nightly", { id: "900", name: "nightly", status: "copying" });
    const inventory = await adapters.compute.inventory();
    assert.equal(inventory.lpars.find((l) => l.id === "lpar1-drill-vmr-drill")?.drillOf, "lpar1");
    assert.equal(inventory.lpars.find((l) => l.id === "ghost-drill-vmr-drill")?.drillOf, undefined);
    // WHEN the cleanup runs
    const result = await drillCleanup({ source: { model: MODEL }, runsDir: path.join(dir, "runs"), openAdapters: open });
    // THEN the copy and the drill's group with its targets are gone, the look-alikes are not
    assert.equal(result.complete, true, JSON.stringify(result.leftovers));
    assert.deepEqual([...hmcB.lpars.values()].filter((l) => l.name.includes("-drill-")).map((l) => l.name), ["ghost-drill-vmr-drill"]);
    assert.deepEqual([...svcB.fcGroups.keys()], ["nightly"]);
    assert.deepEqual([...svcB.vdisks.keys()].filter((v) => v.endsWith("_drill")), ["backup_drill"]);
    assert.deepEqual(svcB.maps.filter((m) => m.vdisk.endsWith("_drill")), []);
    // AND a direct request to delete the look-alike is refused, touching nothing
    await assert.rejects(adapters.compute.deleteDrillLpar("ghost-drill-vmr-drill"), /not named as the drill copy of an LPAR/);
    assert.ok(hmcB.lpars.has(hmcB.lpar("ghost-drill-vmr-drill").uuid));
  });

  it("refuses at plan time, naming each reason and creating nothing: a target that cannot remote-restart, an LPAR the HMC cannot copy, a source at its FlashCopy mapping limit", async () => {
    // GIVEN sys-b2 reports no simplified remote restart, lpar2 is an IBM i partition, and
    // dr_lpar3_data is already in 256 FlashCopy mappings of other tools
    hmcB.system("sys-b2").srrCapable = false;
    hmcA.lpar("lpar2").type = "OS400";
    svcB.foreignFcMaps.set("dr_lpar3_data", 256);
    // WHEN the drill is asked for
    const err = await rejection(
      drill({ source: { model: MODEL }, drillFile: parseDrill({ version: 1, name: "site-loss", scenario: { failedSite: "dc1" } }), runsDir: path.join(dir, "runs"), openAdapters: open }),
    );
    // THEN it is refused with every reason, each naming the object and what to do
    assert.ok(err instanceof ValidationError, err.message);
    assert.match(err.message, /system sys-b2: the HMC reports it cannot remote-restart partitions .*take it out of the RecoveryTarget's `systems`/);
    assert.match(err.message, /LPAR lpar2: the HMC cannot build a drill copy of it: its PartitionType is "OS400"/);
    assert.match(err.message, /volume dr_lpar3_data on svc-b: already in 256 FlashCopy mappings, the most a source can have \(256\)/);
    // AND nothing was created on either site: no partition, no FlashCopy object, no mapping
    assert.equal(hmcB.lparsCreated, 0);
    assert.deepEqual(svcB.commands.filter((c) => /^(mk|rm|start|stop)/.test(c)), []);
    assert.deepEqual(hmcB.requests.filter((r) => r.method !== "GET" && !r.path.startsWith("/rest/api/web/Logon")), []);
  });

  it("refuses at plan time a drill of LPARs whose volumes reach them through NPIV, creating nothing", async () => {
    const npiv: ProtectionModel = { ...MODEL, storageMappings: [{ ...MODEL.storageMappings[0], presentation: { via: "npiv" } }] };
    const err = await rejection(drill({ source: { model: npiv }, drillFile: parseDrill({ version: 1, name: "site-loss", scenario: { failedSite: "dc1" } }), runsDir: path.join(dir, "runs"), openAdapters: open }));
    assert.ok(err instanceof ValidationError, err.message);
    assert.match(err.message, /LPAR lpar1: its volumes dr_lpar1_data, dr_lpar1_rootvg reach it through NPIV, .*vSCSI/);
    assert.equal(hmcB.lparsCreated, 0);
    assert.deepEqual(svcB.commands.filter((c) => /^(mk|rm|start|stop)/.test(c)), []);
  });
});
