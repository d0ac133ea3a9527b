// The recovery functions behind `vmr failover --planned` and `vmr failback`, on a simulator state
// directory and a stack file: the planner's plans executed by the executor's step implementations.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { openSimulator } from "../../../provider/adapters/simulator";
import { simFailHost, simRepair } from "../../../provider/adapters/simulator/control";
import { AdapterError } from "../../../provider/errors";
import { formatRollback } from "../../../provider/cli/run-summary";
import { ValidationError } from "../../../provider/errors";
import { failback, failover, plannedFailover } from "../../../provider/recovery/recover";
import { smallDatacenter, type Datacenter } from "./stack-fixture";

async function world(stateDir: string) {
  const sim = await openSimulator({ stateDir });
  try {
    return { lpars: (await sim.compute.inventory()).lpars, storage: await sim.storage.inventory() };
  } finally {
    await sim.close();
  }
}

describe("recovery functions: planned failover and failback", function () {
  this.timeout(20_000);
  let dc: Datacenter;
  let runsDir: string;
  beforeEach(async () => {
    dc = await smallDatacenter(fs.mkdtempSync(path.join(os.tmpdir(), "vmr-recover-")), 0.0002);
    runsDir = path.join(dc.dir, "runs");
  });
  afterEach(() => fs.rmSync(dc.dir, { recursive: true, force: true }));

  it("a planned failover shuts the LPARs down cleanly, moves them and starts them at their targets", async () => {
    // GIVEN sys-a-01 runs 4 LPARs and is healthy
    const moving = dc.topology.lpars.filter((l) => l.host === "sys-a-01").map((l) => l.id);
    // WHEN it is evacuated with a planned failover
    const outcome = await plannedFailover({ stackFile: dc.stackFile, runsDir, failedHosts: ["sys-a-01"] });
    // THEN the plan stopped each LPAR before moving it, and each runs at its target
    assert.equal(outcome.run?.status, "succeeded", JSON.stringify(outcome.run?.vms));
    const kinds = new Set(outcome.plan.steps.map((s) => s.kind));
    for (const k of ["ShutdownLpar", "MoveLpar", "StartLpar", "VerifyLpar"]) assert.ok(kinds.has(k as never), `no ${k} step`);
    assert.ok(!kinds.has("RestartLpar"), "a planned move does not remote-restart");
    const { lpars } = await world(dc.stateDir);
    for (const vm of outcome.run!.vms) {
      assert.ok(moving.includes(vm.lpar));
      const l = lpars.find((x) => x.id === vm.lpar)!;
      assert.deepEqual([l.host, l.state], [vm.target, "Running"]);
      assert.notEqual(vm.target, "sys-a-01");
    }
  });

  it("a planned move that fails part way starts the VMs it shut down again where they were, in a journaled run", async () => {
    // GIVEN sys-a-01's LPARs, and the SAN refusing to map one of them at its target
    const moving = dc.topology.lpars.filter((l) => l.host === "sys-a-01");
    const victim = moving[0];
    const before = await world(dc.stateDir);
    const sim = await openSimulator({ stateDir: dc.stateDir });
    const mapVolume = sim.storage.mapVolume.bind(sim.storage);
    sim.storage.mapVolume = async (r) => {
      if (r.volumeId === victim.volumes[0] && r.hostId !== "sys-a-01") throw new AdapterError("fatal", "mapVolume", r.volumeId, "the SAN refuses the mapping (test)");
      return mapVolume(r);
    };
    // WHEN sys-a-01 is evacuated
    let outcome: Awaited<ReturnType<typeof plannedFailover>>;
    try {
      outcome = await plannedFailover({ stackFile: dc.stackFile, runsDir, failedHosts: ["sys-a-01"], adapters: sim });
    } finally {
      await sim.close();
    }
    // THEN the move failed for that LPAR, and the rollback started it again where it was, its volumes mapped there as before
    assert.equal(outcome.run?.status, "failed");
    assert.equal(outcome.rollback?.run?.status, "succeeded", JSON.stringify(outcome.rollback));
    assert.deepEqual(outcome.rollback?.run?.vms.map((v) => [v.lpar, v.target]), [[victim.id, "sys-a-01"]]);
    assert.ok(fs.existsSync(outcome.rollback!.run!.journalFile), "the rollback is journaled");
    const after = await world(dc.stateDir);
    const l = after.lpars.find((x) => x.id === victim.id)!;
    assert.deepEqual([l.host, l.state, l.volumes], ["sys-a-01", "Running", victim.volumes]);
    const mappingsOf = (w: typeof before, volume: string) => w.storage.hostMappings.filter((m) => m.volume === volume && m.host === "sys-a-01").map((m) => `${m.via}/${m.vios ?? "-"}`);
    for (const v of victim.volumes) assert.deepEqual(mappingsOf(after, v), mappingsOf(before, v), v);
    // AND every other LPAR of the server runs where the move put it
    for (const vm of outcome.run!.vms.filter((v) => v.lpar !== victim.id)) {
      const x = after.lpars.find((y) => y.id === vm.lpar)!;
      assert.deepEqual([x.host, x.state], [vm.target, "Running"]);
    }
    assert.match(formatRollback(outcome.rollback!), new RegExp(`rolled back \\(run .*, succeeded\\): 1 LPAR started again where it was: ${victim.id}`));
  });

  it("failback reprotects and brings the VMs home after every server of their site failed", async () => {
    // GIVEN every server of site A failed (its storage lived on) and the VMs failed over to site B
    const siteA = dc.topology.managedSystems.filter((m) => m.site === dc.topology.sites[0].name).map((m) => m.id);
    for (const host of siteA) await simFailHost(host, { stateDir: dc.stateDir });
    const away = await failover({ stackFile: dc.stackFile, runsDir, failedHosts: siteA });
    assert.equal(away.run?.status, "succeeded");
    const home = new Map(dc.topology.lpars.map((l) => [l.id, l.host]));
    // WHEN the servers are back and the operator fails back
    for (const host of siteA) await simRepair(host, { stateDir: dc.stateDir });
    const back = await failback({ stackFile: dc.stackFile, runsDir });
    // THEN replication was reversed and every VM runs at site A again, from its home volumes
    assert.equal(back.run?.status, "succeeded", JSON.stringify(back.run?.vms.filter((v) => v.status !== "recovered")));
    assert.ok(back.plan.steps.some((s) => s.kind === "ReverseReplication"));
    const { lpars, storage } = await world(dc.stateDir);
    for (const vm of back.run!.vms) {
      const l = lpars.find((x) => x.id === vm.lpar)!;
      assert.equal(l.state, "Running", vm.lpar);
      assert.ok(siteA.includes(l.host), `${vm.lpar} runs on ${l.host}, not at site A (home ${home.get(vm.lpar)})`);
      for (const v of l.volumes) assert.deepEqual(storage.hostMappings.filter((m) => m.volume === v).map((m) => m.host), [l.host], v);
    }
    for (const cg of storage.consistencyGroups) assert.equal(cg.primary, "master", cg.id);
  });

  it("says what is wrong when there is nothing to do", async () => {
    await assert.rejects(failover({ stackFile: dc.stackFile, runsDir }), (err: unknown) => {
      assert.ok(err instanceof ValidationError);
      assert.match(err.message, /nothing to fail over: no protected LPAR is affected \(no managed system is down/);
      return true;
    });
    await assert.rejects(failback({ stackFile: dc.stackFile, runsDir }), /nothing to failback: no protected LPAR runs away from its home site/);
  });
});
