// End to end on the hardware adapters: a failover planned from the live inventory of a fake HMC
// and a fake SVC, run by the executor, leaves every LPAR of the failed system running on its
// planned target with its volumes mapped there and nowhere else.
import { strict as assert } from "assert";
import * as sinon from "sinon";
import { openHardwareAdapters } from "../../../provider/adapters/hardware";
import type { Adapters } from "../../../provider/adapters";
import { failureOf } from "../../../provider/executor/outcome";
import { runPlan } from "../../../provider/executor/run";
import type { ProtectionModel } from "../../../provider/model/protection";
import { planFailover } from "../../../provider/planner";
import { FakeHmc } from "../../fakes/hmc";
import { FakeSvc, udidOf } from "../../fakes/svc";
import { assertNoSecrets, hmcSettings, MemoryLog, svcSettings } from "./helpers";

const VOLUMES: Record<string, string[]> = {
  lpar1: ["lpar1_rootvg", "lpar1_data"],
  lpar2: ["lpar2_rootvg"],
  lpar3: ["lpar3_rootvg", "lpar3_data"],
  web1: ["web1_rootvg"],
};
const HOME: Record<string, string> = { lpar1: "sys-a", lpar2: "sys-a", lpar3: "sys-a", web1: "sys-b" };

describe("hardware adapters: failover through the planner and the executor", function () {
  this.timeout(20_000);
  const sandbox = sinon.createSandbox();
  let hmc: FakeHmc;
  let svc: FakeSvc;
  let adapters: Adapters;
  let log: MemoryLog;

  function open(storageExtra: Record<string, unknown>): void {
    adapters = openHardwareAdapters(
      {
        type: "hardware",
        hmc: hmcSettings(hmc, { maxConcurrentJobs: 2 }),
        storage: svcSettings(svc, { site: "dc1", maxConcurrentRequests: 2, ...storageExtra }),
      },
      { log, retryBaseDelayMs: 5 },
    );
  }

  beforeEach(async () => {
    hmc = new FakeHmc();
    svc = new FakeSvc();
    for (const s of ["sys-a", "sys-b", "sys-c"]) {
      hmc.addSystem(s);
      svc.addHost(s);
    }
    for (const [lpar, home] of Object.entries(HOME)) {
      const l = hmc.addLpar(lpar, home, { memoryMb: 16384, processorUnits: 1 });
      for (const v of VOLUMES[lpar]) {
        l.disks.push(udidOf(svc.addVdisk(v, 50)));
        svc.map(v, home);
      }
    }
    // The VIOSes of a system see the disks the SAN maps to it.
    hmc.sanDisks = (system) => svc.maps.filter((m) => m.host === system.name).map((m) => udidOf(svc.vdisks.get(m.vdisk)!));
    await Promise.all([hmc.start(), svc.start()]);
    log = new MemoryLog();
  });

  afterEach(async () => {
    await adapters.compute.close();
    await adapters.storage.close();
    await Promise.all([hmc.stop(), svc.stop()]);
    sandbox.restore();
  });

  for (const [how, storageExtra] of [
    ["volumes named after their LPARs", { lparVolumePattern: "{lpar}_*" }],
    ["volumes found through the VIOSes' vSCSI mappings", {}],
  ] as const) {
    it(`restarts the LPARs of a failed system on the survivors and moves their volume mappings (${how})`, async () => {
      open(storageExtra);
      // GIVEN sys-a failed while its LPARs ran, and an HMC session that expires mid-run
      hmc.system("sys-a").state = "error";
      const model: ProtectionModel = {
        stack: "hw",
        groups: [{ name: "apps", slaLevel: 1, vms: Object.keys(HOME).map((lpar) => ({ lpar })), antiAffinity: [], recoveryTarget: "dc1", storageMappings: [] }],
        targets: [{ name: "dc1", site: "dc1", systems: ["sys-a", "sys-b", "sys-c"], reserve: { processorUnits: 0, memoryGb: 0 }, adapter: { type: "simulator" } }],
        storageMappings: [],
      };
      // WHEN a failover is planned from the live inventory and executed
      const inventory = { compute: await adapters.compute.inventory(), storage: await adapters.storage.inventory() };
      assert.deepEqual(inventory.compute.lpars.find((l) => l.id === "lpar1")!.volumes, ["lpar1_data", "lpar1_rootvg"]);
      const plan = planFailover({ model, inventory });
      assert.deepEqual(plan.failure.failedHosts, ["sys-a"]);
      hmc.expireSessions();
      const result = await runPlan(plan, adapters);
      // THEN every LPAR of sys-a runs on its planned survivor, the one on sys-b was left alone
      assert.equal(result.status, "succeeded", JSON.stringify(failureOf(result)?.message));
      assert.deepEqual(plan.placements.map((p) => p.lpar).sort(), ["lpar1", "lpar2", "lpar3"]);
      for (const p of plan.placements) {
        assert.ok(p.target === "sys-b" || p.target === "sys-c", `${p.lpar} goes to a survivor`);
        const lpar = await adapters.compute.getLpar(p.lpar);
        assert.deepEqual([lpar.host, lpar.state], [p.target, "Running"]);
        // AND each of its volumes is mapped to the target, and no longer to the failed system
        for (const v of VOLUMES[p.lpar]) assert.deepEqual(svc.maps.filter((m) => m.vdisk === v).map((m) => m.host), [p.target]);
        // AND the target's VIOS serves each of them to the LPAR (a VirtualSCSIMapping of its VirtualIOServer)
        const served = [...hmc.viosMappings.values()].flat().filter((m) => m.lparUuid === hmc.lpar(p.lpar).uuid);
        assert.deepEqual(served.map((m) => m.udid).sort(), VOLUMES[p.lpar].map((v) => udidOf(svc.vdisks.get(v)!)).sort());
      }
      assert.deepEqual(svc.maps.filter((m) => m.vdisk === "web1_rootvg").map((m) => m.host), ["sys-b"]);
      assert.equal(hmc.lpar("web1").systemUuid, hmc.system("sys-b").uuid);
      // AND the HMC's job limit held, the session was renewed, and no secret reached the log
      assert.ok(hmc.maxRunningJobs <= 2);
      assert.equal(hmc.logons, 2);
      assert.ok(svc.maxInFlight <= 2);
      assertNoSecrets([...log.warnings, ...log.debugs, JSON.stringify(result)], [hmc.password, svc.password, ...hmc.issuedTokens, ...svc.issuedTokens]);
    });
  }
});
