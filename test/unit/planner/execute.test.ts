// The planner's plans, run by the executor against the in-memory simulator in virtual time: the
// contract between planner, executor and adapters holds end to end.
import { strict as assert } from "assert";
import * as sinon from "sinon";
import type { Simulator } from "../../../provider/adapters/simulator";
import { simFailHost, simFailSite, simRepair } from "../../../provider/adapters/simulator/control";
import { runPlan } from "../../../provider/executor/run";
import { failureOf } from "../../../provider/executor/outcome";
import type { Plan } from "../../../provider/generated/plan";
import { planDrill, planFailback, planFailover, planPlanned } from "../../../provider/planner";
import { inventoryOf, simWorld, type SimWorld } from "../../fixtures/sim-world";

async function world(): Promise<SimWorld> {
  return simWorld();
}

async function assertRecovered(sim: Simulator, plan: Plan): Promise<void> {
  for (const p of plan.placements) {
    const lpar = await sim.compute.getLpar(p.lpar);
    assert.equal(lpar.host, p.target, `${p.lpar} runs on its planned target`);
    assert.equal(lpar.state, "Running");
  }
}

/** Every volume an LPAR uses is mapped exactly once, to the host it runs on; every LPAR runs. */
async function assertMappedOnceWhereRunning(sim: Simulator): Promise<void> {
  const { compute, storage } = await inventoryOf(sim);
  for (const lpar of compute.lpars) {
    assert.equal(lpar.state, "Running", `${lpar.id} runs`);
    for (const v of lpar.volumes) {
      const hosts = storage.hostMappings.filter((m) => m.volume === v).map((m) => m.host);
      assert.deepEqual(hosts, [lpar.host], `volume ${v} of ${lpar.id} is mapped once, to ${lpar.host}`);
    }
  }
}

describe("planner -> executor -> simulator", () => {
  const sandbox = sinon.createSandbox();
  afterEach(() => sandbox.restore());

  it("recovers a failed host detected from the inventory, on the same site", async () => {
    // GIVEN sys-a-01 crashed
    const { sim, clock, model } = await world();
    await simFailHost("sys-a-01", { store: sim.store });
    // WHEN the failure is read from the inventory, planned and executed
    const plan = planFailover({ model, inventory: await inventoryOf(sim) });
    assert.deepEqual(plan.failure.failedHosts, ["sys-a-01"]);
    const result = await runPlan(plan, sim, { clock });
    // THEN every LPAR of the host runs where the plan put it
    assert.equal(result.status, "succeeded", JSON.stringify(failureOf(result)?.message));
    assert.equal(result.vms.length, 4);
    await assertRecovered(sim, plan);
  });

  it("recovers a lost site on the replicas at the other site", async () => {
    const { sim, clock, model } = await world();
    await simFailSite("site-a", { store: sim.store });
    const plan = planFailover({ model, inventory: await inventoryOf(sim), failure: { failedSite: "site-a" } });
    assert.ok(plan.steps.some((s) => s.kind === "FailoverConsistencyGroup"));
    const result = await runPlan(plan, sim, { clock });
    assert.equal(result.status, "succeeded", JSON.stringify(failureOf(result)?.message));
    assert.equal(result.vms.length, 12);
    await assertRecovered(sim, plan);
  });

  it("runs a drill and leaves no drill LPAR or FlashCopy group behind", async () => {
    const { sim, clock, model } = await world();
    const plan = planDrill({ model, inventory: await inventoryOf(sim), failure: { failedSite: "site-a" } });
    assert.equal(plan.placements.length, 12);
    const result = await runPlan(plan, sim, { clock });
    assert.equal(result.status, "succeeded", JSON.stringify(failureOf(result)?.message));
    const after = await inventoryOf(sim);
    assert.equal(after.compute.lpars.filter((l) => l.drillOf !== undefined).length, 0);
    assert.equal(after.storage.flashCopyGroups.length, 0);
  });

  it("moves a site away in a planned move, then fails back home", async () => {
    // GIVEN both sites up WHEN site A is moved to site B
    const { sim, clock, model } = await world();
    const moved = planPlanned({ model, inventory: await inventoryOf(sim), failure: { failedSite: "site-a" } });
    assert.equal(moved.placements.length, 12);
    const first = await runPlan(moved, sim, { clock });
    assert.equal(first.status, "succeeded", JSON.stringify(failureOf(first)?.message));
    await assertRecovered(sim, moved);
    for (const p of moved.placements) assert.match(p.target as string, /^sys-b-/);
    // WHEN they fail back THEN every LPAR runs at site A again, on its original volumes
    const back = planFailback({ model, inventory: await inventoryOf(sim) });
    assert.equal(back.placements.length, 12);
    const second = await runPlan(back, sim, { clock });
    assert.equal(second.status, "succeeded", JSON.stringify(failureOf(second)?.message));
    await assertRecovered(sim, back);
    for (const p of back.placements) {
      assert.match(p.target as string, /^sys-a-/);
      assert.deepEqual((await sim.compute.getLpar(p.lpar)).volumes, p.volumes.map((v) => v.attach));
    }
  });

  it("fails back after a lost site without mapping a volume twice or to the wrong host", async () => {
    // GIVEN site A lost and recovered at site B: unmapping at the lost site failed (best effort),
    // so site A's host mappings of the original volumes survive
    const { sim, clock, model } = await world();
    const home = new Map((await sim.compute.inventory()).lpars.map((l) => [l.id, l.host]));
    await simFailSite("site-a", { store: sim.store });
    const over = planFailover({ model, inventory: await inventoryOf(sim), failure: { failedSite: "site-a" } });
    const first = await runPlan(over, sim, { clock });
    assert.equal(first.status, "succeeded", JSON.stringify(failureOf(first)?.message));
    const stale = (await sim.storage.inventory()).hostMappings.filter((m) => /^sys-a-/.test(m.host));
    assert.ok(stale.length > 0, "the lost site's mappings survived the failover");
    // WHEN site A is repaired and everything fails back
    await simRepair("site-a", { store: sim.store });
    const back = planFailback({ model, inventory: await inventoryOf(sim) });
    assert.equal(back.placements.length, 12);
    // (both cases happen: LPARs going back to the server they left, where the mappings survive, and to another one)
    assert.ok(back.placements.some((p) => p.target === home.get(p.lpar)));
    assert.ok(back.placements.some((p) => p.target !== home.get(p.lpar)));
    const second = await runPlan(back, sim, { clock });
    // THEN every LPAR runs at home, each volume mapped once, to the host the LPAR runs on
    assert.equal(second.status, "succeeded", JSON.stringify(failureOf(second)?.message));
    await assertRecovered(sim, back);
    await assertMappedOnceWhereRunning(sim);
  });
});
