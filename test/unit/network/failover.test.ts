// Networks follow the VMs on the simulator: a site failover puts each recovered LPAR on the
// mapped switch and VLANs (read back from the simulator's state), hands its new addresses to the
// post hook as JSON, and a failback maps everything back; placement refuses systems that do not
// bridge a mapped VLAN and says so in the plan.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { simFailSite, simRepair } from "../../../provider/adapters/simulator/control";
import { runPlan } from "../../../provider/executor/run";
import { failureOf } from "../../../provider/executor/outcome";
import { checkSurvivability, planFailback, planFailover } from "../../../provider/planner";
import { inventoryOf } from "../../fixtures/sim-world";
import { networkTopology, networkWorld } from "./world";

describe("networks follow the VMs (simulator)", () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "vmr-net-"));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("GIVEN site A lost WHEN it fails over THEN every LPAR is on site B's VLANs with its new address in the hook's JSON; failback maps back", async () => {
    const out = path.join(dir, "hook.jsonl");
    const hook = [process.execPath, "-e", "let s='';process.stdin.on('data',d=>s+=d).on('end',()=>require('fs').appendFileSync(process.argv[1],s))", out];
    const { sim, clock, model } = networkWorld(networkTopology(), hook);
    const before = new Map((await sim.compute.inventory()).lpars.map((l) => [l.id, l.adapters]));
    await simFailSite("site-a", { store: sim.store });
    const plan = planFailover({ model, inventory: await inventoryOf(sim), failure: { failedSite: "site-a" } });
    // The restarts run in virtual time; the post hooks (real processes) afterwards, in wall time.
    const hooks = plan.steps.filter((s) => s.kind === "RunHook");
    assert.equal(hooks.length, 12);
    const result = await runPlan({ ...plan, steps: plan.steps.filter((s) => s.kind !== "RunHook") }, sim, { clock });
    assert.equal(result.status, "succeeded", JSON.stringify(failureOf(result)?.message));
    const hooked = await runPlan({ ...plan, steps: hooks.map((s) => ({ ...s, dependsOn: [] })) }, sim);
    assert.deepEqual(hooked.steps.map((s) => s.status), hooks.map(() => "done"), JSON.stringify(hooked.steps.map((s) => s.error?.message)));

    // THEN (simulator state) each recovered LPAR's adapter carries VLAN v+100 for each v it had at site A
    const after = await sim.compute.inventory();
    assert.equal(plan.placements.length, 12);
    for (const p of plan.placements) {
      const lpar = after.lpars.find((l) => l.id === p.lpar)!;
      const [was] = before.get(p.lpar)!;
      const [now] = lpar.adapters!;
      assert.match(lpar.host, /^sys-b-/);
      assert.equal(now.switch, "ETHERNET0");
      assert.equal(now.pvid, was.pvid + 100, `${p.lpar} PVID mapped`);
      assert.deepEqual(now.taggedVlans, was.taggedVlans!.map((v) => v + 100));
      assert.equal(now.mac, was.mac, "the MAC is kept");
    }
    // AND the post hook read each VM's new address, host part kept, with the target's gateway and DNS
    const payloads = fs.readFileSync(out, "utf8").trim().split("\n").map((l) => JSON.parse(l));
    const vms = payloads.flatMap((p) => p.vms);
    assert.equal(vms.length, 12);
    for (const vm of vms) {
      const [was] = before.get(vm.lpar)!;
      assert.equal(vm.addresses[0].from, was.ipAddress);
      assert.equal(vm.addresses[0].address, was.ipAddress!.replace(/^10\.1\./, "10.2."));
      assert.equal(vm.addresses[0].gateway, "10.2.0.1");
      assert.deepEqual(vm.addresses[0].dns, ["10.2.0.53"]);
    }

    // WHEN site A is back and everything fails back THEN each LPAR is on its own VLANs again
    await simRepair("site-a", { store: sim.store });
    const back = planFailback({ model, inventory: await inventoryOf(sim) });
    // The failback hands back each VM's source address with the source subnet's gateway and DNS (declared per source subnet).
    for (const p of back.placements) {
      const [was] = before.get(p.lpar)!;
      assert.deepEqual(
        p.network!.addresses.map((a) => [a.address, a.gateway, a.dns]),
        [[was.ipAddress, "10.1.0.1", ["10.1.0.53"]]],
        `${p.lpar} back on its source address, gateway and DNS`,
      );
    }
    const second = await runPlan({ ...back, steps: back.steps.filter((s) => s.kind !== "RunHook") }, sim, { clock });
    assert.equal(second.status, "succeeded", JSON.stringify(failureOf(second)?.message));
    const moved = new Set(plan.placements.map((p) => p.lpar));
    assert.equal(back.placements.length, 12);
    for (const l of (await sim.compute.inventory()).lpars.filter((x) => moved.has(x.id))) {
      assert.match(l.host, /^sys-a-/);
      assert.deepEqual(l.adapters, before.get(l.id), `${l.id} back on its home VLANs`);
    }
  });

  it("GIVEN no site-B system bridges VLAN 203 WHEN planning THEN the LPARs on it are unplaced, the reason names the VLAN, the others are placed", async () => {
    const topology = networkTopology();
    for (const s of topology.managedSystems.filter((m) => m.site === "site-b")) {
      for (const b of s.virtualSwitches![0].bridges!) b.vlans = b.vlans.filter((v) => v !== 203);
    }
    const { sim, model } = networkWorld(topology);
    const needs103 = new Set(topology.lpars.filter((l) => l.adapters!.some((a) => [a.pvid, ...a.taggedVlans!].includes(103))).map((l) => l.id));
    assert.ok(needs103.size > 0 && needs103.size < 12);
    await simFailSite("site-a", { store: sim.store });
    const plan = planFailover({ model, inventory: await inventoryOf(sim), failure: { failedSite: "site-a" } });
    for (const p of plan.placements) {
      if (needs103.has(p.lpar)) {
        assert.equal(p.target, null, `${p.lpar} needs VLAN 103 -> 203`);
        assert.match(p.reason!, /no system qualifies for its network .*sys-b-01 lacks VLAN 203 on ETHERNET0/);
      } else {
        assert.match(p.target as string, /^sys-b-/);
      }
    }
  });

  it("GIVEN no site-B system bridges VLAN 203 WHEN `vmr check` runs THEN losing site A is not survivable, for that reason", async () => {
    const topology = networkTopology();
    for (const s of topology.managedSystems.filter((m) => m.site === "site-b")) {
      for (const b of s.virtualSwitches![0].bridges!) b.vlans = b.vlans.filter((v) => v !== 203);
    }
    const { sim, model } = networkWorld(topology);
    const report = checkSurvivability({ model, inventory: await inventoryOf(sim) });
    assert.ok(report.siteLosses.notSurvivable.includes("site-a"));
    const siteA = report.scenarios.find((s) => s.scope === "site" && s.name === "site-a")!;
    assert.ok(siteA.unplaced.length > 0);
    for (const u of siteA.unplaced) assert.match(u.reason, /lacks VLAN 203 on ETHERNET0/);
    // A single server's failure stays inside its site: nothing to map, so still survivable.
    assert.deepEqual(report.serverFailures.notSurvivable, []);
  });

  it("GIVEN one site-B system bridges VLAN 203 WHEN planning THEN every LPAR on it goes there", async () => {
    const topology = networkTopology();
    for (const s of topology.managedSystems.filter((m) => m.site === "site-b" && m.id !== "sys-b-02")) {
      for (const b of s.virtualSwitches![0].bridges!) b.vlans = b.vlans.filter((v) => v !== 203);
    }
    const { sim, model } = networkWorld(topology);
    await simFailSite("site-a", { store: sim.store });
    const plan = planFailover({ model, inventory: await inventoryOf(sim), failure: { failedSite: "site-a" } });
    const on203 = plan.placements.filter((p) => p.network!.adapters.some((a) => [a.pvid, ...a.taggedVlans!].includes(203)));
    assert.ok(on203.length > 0);
    for (const p of on203) assert.equal(p.target, "sys-b-02");
  });

  it("GIVEN an SR-IOV port or an unmapped VLAN WHEN planning THEN the LPAR is unplaced with the mapping's words", async () => {
    const topology = networkTopology();
    const [a, b] = topology.lpars;
    a.adapters = [{ ...a.adapters![0], kind: "sriov" }];
    b.adapters = [{ ...b.adapters![0], taggedVlans: [999] }];
    const { sim, model } = networkWorld(topology);
    await simFailSite("site-a", { store: sim.store });
    const plan = planFailover({ model, inventory: await inventoryOf(sim), failure: { failedSite: "site-a" } });
    const byId = new Map(plan.placements.map((p) => [p.lpar, p]));
    assert.match(byId.get(a.id)!.reason!, /SR-IOV logical port, which a remote restart cannot move/);
    assert.match(byId.get(b.id)!.reason!, /carries VLAN 999, which NetworkMapping site-a-to-site-b does not map in `vlans`/);
  });
});
