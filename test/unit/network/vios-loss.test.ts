// VIOS loss and VLANs: a VLAN counts as bridged only where a surviving VIOS bridges it. With the
// bridges split between a system's two VIOSes, losing the VIOS that alone bridges a VLAN takes
// that VLAN off the system for placement, for `vmr check`, and for the simulator's restart.
import { strict as assert } from "assert";
import { simFailSite, simRepair, simSetVios } from "../../../provider/adapters/simulator/control";
import type { ResolvedTopology } from "../../../provider/model";
import { runPlan } from "../../../provider/executor/run";
import { validateTopology } from "../../../provider/validation/topology-rules";
import { checkSurvivability, planFailover } from "../../../provider/planner";
import { inventoryOf } from "../../fixtures/sim-world";
import { networkTopology, networkWorld } from "./world";

/** Site B's systems with vios1 bridging 201-202 and vios2 203-204 (both the drill range), vios2 failed on `failedOn`. */
function splitBridges(failedOn: (id: string) => boolean): ResolvedTopology {
  const topology = networkTopology();
  for (const s of topology.managedSystems.filter((m) => m.site === "site-b")) {
    const [one, two] = s.virtualSwitches![0].bridges!;
    one.vlans = one.vlans.filter((v) => v !== 203 && v !== 204);
    two.vlans = two.vlans.filter((v) => v !== 201 && v !== 202);
    if (failedOn(s.id)) s.failedVioses = [two.vios];
  }
  return topology;
}

const on = (vlan: number, adapters: readonly { pvid: number; taggedVlans?: number[] }[]) => adapters.some((a) => [a.pvid, ...(a.taggedVlans ?? [])].includes(vlan));

describe("VIOS loss and VLANs", () => {
  it("GIVEN vios2 (the only bridge of 203 and 204) failed on every site-B system but sys-b-02 WHEN site A fails over THEN the VMs on 203/204 go to sys-b-02", async () => {
    const topology = splitBridges((id) => id !== "sys-b-02");
    // Site A's 103 and 104 map to 203 and 204.
    const needs = new Set(topology.lpars.filter((l) => on(103, l.adapters ?? []) || on(104, l.adapters ?? [])).map((l) => l.id));
    const { sim, model } = networkWorld(topology);
    await simFailSite("site-a", { store: sim.store });
    const plan = planFailover({ model, inventory: await inventoryOf(sim), failure: { failedSite: "site-a" } });
    assert.ok(needs.size > 0 && needs.size < plan.placements.length, `${needs.size} of ${plan.placements.length}`);
    for (const p of plan.placements) {
      if (!needs.has(p.lpar)) {
        // vios1 still bridges 201 and 202 everywhere: placed anywhere at site B.
        assert.match(String(p.target), /^sys-b-/, `${p.lpar}: ${p.reason ?? ""}`);
      } else if (p.target !== "sys-b-02") {
        // No other system carries its VLANs now: it goes to sys-b-02 or waits for capacity there.
        assert.match(p.reason ?? "", /waits for capacity: .* on "sys-b-02"/, `${p.lpar} -> ${p.target}`);
      }
    }
    assert.ok(plan.placements.some((p) => needs.has(p.lpar) && p.target === "sys-b-02"));
  });

  it("GIVEN vios2 failed on every site-B system WHEN `vmr check` runs THEN losing site A is not survivable and the reason names the failed VIOS", async () => {
    const { sim, model } = networkWorld(splitBridges(() => true));
    const report = checkSurvivability({ model, inventory: await inventoryOf(sim) });
    assert.ok(report.siteLosses.notSurvivable.includes("site-a"));
    const siteA = report.scenarios.find((s) => s.scope === "site" && s.name === "site-a")!;
    assert.ok(siteA.unplaced.length > 0);
    for (const u of siteA.unplaced) assert.match(u.reason, /lacks VLAN 20[34] on ETHERNET0 \(bridged only by failed VIOS vios2\)/);
  });

  it("GIVEN the same VIOSes but none failed THEN site A's loss is survivable (the split alone is no problem)", async () => {
    const { sim, model } = networkWorld(splitBridges(() => false));
    const report = checkSurvivability({ model, inventory: await inventoryOf(sim) });
    assert.ok(!report.siteLosses.notSurvivable.includes("site-a"), JSON.stringify(report.siteLosses));
  });

  it("GIVEN a plan made while vios2 ran WHEN it runs after vios2 failed THEN the simulator refuses the restarts onto a dead network, naming the VIOS", async () => {
    const before = networkWorld(splitBridges(() => false));
    const after = networkWorld(splitBridges(() => true));
    await simFailSite("site-a", { store: before.sim.store });
    await simFailSite("site-a", { store: after.sim.store });
    const plan = planFailover({ model: before.model, inventory: await inventoryOf(before.sim), failure: { failedSite: "site-a" } });
    const result = await runPlan({ ...plan, steps: plan.steps.filter((s) => s.kind !== "RunHook") }, after.sim, { clock: after.clock });
    assert.notEqual(result.status, "succeeded");
    const refused = result.steps.filter((s) => s.status === "failed" && /bridged only by failed VIOS vios2/.test(s.error?.message ?? ""));
    assert.ok(refused.length > 0, JSON.stringify(result.steps.filter((s) => s.status === "failed").map((s) => s.error?.message)));
    // THEN (simulator state) no LPAR needing 203 or 204 runs at site B off the system that still bridges them (none does)
    const recovered = new Set(plan.placements.map((p) => p.lpar));
    const lpars = (await after.sim.compute.inventory()).lpars.filter((l) => recovered.has(l.id) && l.host.startsWith("sys-b-") && (on(203, l.adapters ?? []) || on(204, l.adapters ?? [])));
    assert.deepEqual(lpars.map((l) => l.id), []);
  });

  it("GIVEN failedVioses names a VIOS the system does not have THEN the topology is refused, naming the field, the value and the VIOSes allowed", () => {
    const topology = networkTopology();
    const b1 = topology.managedSystems.findIndex((m) => m.id === "sys-b-01");
    topology.managedSystems[b1].failedVioses = ["vios9"];
    assert.throws(() => validateTopology(JSON.parse(JSON.stringify(topology))), (err: Error) => {
      assert.match(err.message, new RegExp(`managedSystems\\[${b1}\\]\\.failedVioses\\[0\\]. is "vios9", not a VIOS of sys-b-01: use one of vios1, vios2`));
      return true;
    });
  });

  it("GIVEN a running simulator WHEN vios2 of every site-B system is failed (vmr sim fail-vios) THEN the inventory shows it and placement avoids its VLANs; WHEN repaired THEN they are back", async () => {
    const { sim, model } = networkWorld(splitBridges(() => false));
    const siteB = ["sys-b-01", "sys-b-02", "sys-b-03"];
    for (const id of siteB) {
      const r = await simSetVios(id, "vios2", false, { store: sim.store });
      assert.deepEqual(r.failedVioses, ["vios2"]);
    }
    const inv = await inventoryOf(sim);
    assert.deepEqual(inv.compute.managedSystems.filter((m) => siteB.includes(m.id)).map((m) => m.failedVioses), [["vios2"], ["vios2"], ["vios2"]]);
    const report = checkSurvivability({ model, inventory: inv });
    assert.ok(report.siteLosses.notSurvivable.includes("site-a"));
    // An unknown VIOS is refused, naming those the system has
    await assert.rejects(simSetVios("sys-b-01", "vios7", false, { store: sim.store }), /"vios7" is not a VIOS of sys-b-01: use one of vios1, vios2/);
    // WHEN vios2 is back on each (fail-vios --repair) THEN losing site A is survivable again
    for (const id of siteB) await simSetVios(id, "vios2", true, { store: sim.store });
    assert.ok(!checkSurvivability({ model, inventory: await inventoryOf(sim) }).siteLosses.notSurvivable.includes("site-a"));
    // AND a repaired server comes back with all its VIOSes
    await simSetVios("sys-b-01", "vios1", false, { store: sim.store });
    await simRepair("sys-b-01", { store: sim.store });
    assert.deepEqual((await inventoryOf(sim)).compute.managedSystems.find((m) => m.id === "sys-b-01")!.failedVioses, []);
  });
});
