// Issue 20, point 1: a planned move of one server whose consistency group is shared with LPARs of
// other servers. A switch reverses the whole group, so either all of its writers move together
// (said in the plan) or none does (and the plan says why); no VM is ever left down.
import { strict as assert } from "assert";
import { generateTopology, type Simulator } from "../../../provider/adapters/simulator";
import { failureOf } from "../../../provider/executor/outcome";
import { runPlan } from "../../../provider/executor/run";
import { formatWayBack } from "../../../provider/cli/run-summary";
import type { ResolvedTopology } from "../../../provider/model";
import { simFailHost, simRepair } from "../../../provider/adapters/simulator/control";
import { planFailback, planFailover, planPlanned } from "../../../provider/planner";
import { inventoryOf, simWorld } from "../../fixtures/sim-world";

/**
 * Two sites of three servers; lpar-00001 (on sys-a-01) and lpar-00005 (on sys-a-02) replicate in
 * one consistency group, and the recovery target holds site B's servers only.
 */
function sharedGroupWorld(protectBoth: boolean) {
  const generated = generateTopology({ sites: 2, hostsPerSite: 3, lparsPerHost: 4, lunsPerLpar: 2 });
  const cg1 = generated.consistencyGroups.find((g) => g.id === "cg-00001")!;
  const cg5 = generated.consistencyGroups.find((g) => g.id === "cg-00005")!;
  const topology: ResolvedTopology = {
    ...generated,
    consistencyGroups: generated.consistencyGroups.filter((g) => g !== cg5).map((g) => (g === cg1 ? { ...g, pairs: [...g.pairs, ...cg5.pairs] } : g)),
  };
  const world = simWorld(topology);
  const protectedAll = world.model;
  const model = {
    ...protectedAll,
    targets: protectedAll.targets.map((t) => ({ ...t, systems: topology.managedSystems.filter((s) => s.site === "site-b").map((s) => s.id) })),
    groups: protectedAll.groups.map((g) => (protectBoth || g.name !== "pg-cg-00001" ? g : { ...g, vms: g.vms.filter((v) => v.lpar !== "lpar-00005") })),
  };
  return { ...world, model };
}

async function hostsAndStates(sim: Simulator): Promise<Map<string, string>> {
  return new Map((await sim.compute.inventory()).lpars.map((l) => [l.id, `${l.host}/${l.state}`]));
}

describe("planned move of a server whose consistency group spans servers", () => {
  it("moves the group's writers on other servers with it, says so, and leaves no VM down", async () => {
    const { sim, clock, model } = sharedGroupWorld(true);
    const before = await hostsAndStates(sim);
    // WHEN sys-a-01 is moved away
    const plan = planPlanned({ model, inventory: await inventoryOf(sim), failure: { failedHosts: ["sys-a-01"] } });
    // THEN lpar-00005 of sys-a-02 moves with lpar-00001, and the plan says why
    const joined = plan.placements.find((p) => p.lpar === "lpar-00005");
    assert.deepEqual(joined?.movesWith, { consistencyGroup: "cg-00001", lpar: "lpar-00001" });
    assert.match(joined?.target ?? "", /^sys-b-/);
    assert.ok(plan.warnings?.some((w) => /"cg-00001" changes sites as a whole, so its other writers move too, shut down cleanly first: lpar-00005 \(sys-a-02\)/.test(w)), String(plan.warnings));
    // AND the run leaves every LPAR running: the moved ones where the plan put them, the rest where they were
    const result = await runPlan(plan, sim, { clock });
    assert.equal(result.status, "succeeded", failureOf(result)?.message);
    const after = await hostsAndStates(sim);
    for (const [lpar, was] of before) {
      const p = plan.placements.find((x) => x.lpar === lpar);
      assert.equal(after.get(lpar), p ? `${p.target}/Running` : was, lpar);
    }
  });

  it("moves none of the group when one of its writers is not protected, and says why", async () => {
    const { sim, clock, model } = sharedGroupWorld(false);
    const before = await hostsAndStates(sim);
    const plan = planPlanned({ model, inventory: await inventoryOf(sim), failure: { failedHosts: ["sys-a-01"] } });
    const refused = plan.placements.find((p) => p.lpar === "lpar-00001");
    assert.equal(refused?.target, null);
    assert.match(refused?.reason ?? "", /consistency group cg-00001 is switched as a whole, and its writer lpar-00005 \(on sys-a-02\) cannot move: no ProtectionGroup protects it/);
    assert.equal(plan.steps.filter((s) => s.lpar === "lpar-00001").length, 0);
    // The other LPARs of sys-a-01 (groups of their own) still move
    assert.ok(plan.placements.filter((p) => p.target !== null).length >= 3);
    await runPlan(plan, sim, { clock });
    // THEN lpar-00001 and lpar-00005 still run where they were (the simulator's verdict)
    const after = await hostsAndStates(sim);
    assert.equal(after.get("lpar-00001"), before.get("lpar-00001"));
    assert.equal(after.get("lpar-00005"), before.get("lpar-00005"));
    for (const p of plan.placements.filter((x) => x.target !== null)) assert.equal(after.get(p.lpar), `${p.target}/Running`, p.lpar);
  });

  it("fails a server over without splitting its group: the writers on servers that are up move with it cleanly, and all fail back", async () => {
    // GIVEN sys-a-01 crashed; lpar-00005 on sys-a-02 writes to the same consistency group
    const { sim, clock, model } = sharedGroupWorld(true);
    const before = await hostsAndStates(sim);
    await simFailHost("sys-a-01", { store: sim.store });
    const plan = planFailover({ model, inventory: await inventoryOf(sim), failure: { failedHosts: ["sys-a-01"] } });
    // THEN lpar-00005 moves with it: shut down and moved, not fenced and remote-restarted
    assert.deepEqual(plan.placements.find((p) => p.lpar === "lpar-00005")?.movesWith, { consistencyGroup: "cg-00001", lpar: "lpar-00001" });
    const kinds = plan.steps.filter((s) => s.lpar === "lpar-00005").map((s) => s.kind);
    assert.ok(kinds.includes("ShutdownLpar") && kinds.includes("MoveLpar") && !kinds.includes("FenceSourceLpar") && !kinds.includes("RestartLpar"), kinds.join(","));
    assert.ok(!(plan.warnings ?? []).some((w) => /keep running at the source/.test(w)), String(plan.warnings));
    assert.equal(plan.splitGroups, undefined);
    const over = await runPlan(plan, sim, { clock });
    assert.equal(over.status, "succeeded", failureOf(over)?.message);
    // AND the summary offers the way back
    assert.deepEqual(formatWayBack(plan, over), [
      "way back: 4 consistency groups (cg-00001, cg-00002, cg-00003, cg-00004) no longer replicate; once sys-a-01 is repaired, `vmr failback` restarts replication towards home and returns each VM to the server it left",
    ]);
    const after = await hostsAndStates(sim);
    for (const p of plan.placements) assert.equal(after.get(p.lpar), `${p.target}/Running`, p.lpar);
    // WHEN the server is repaired and everything fails back THEN every LPAR runs at its home site
    // again (which server there is the stack's record of homes, not known to this model)
    await simRepair("sys-a-01", { store: sim.store });
    const back = planFailback({ model, inventory: await inventoryOf(sim) });
    const home = await runPlan(back, sim, { clock });
    assert.equal(home.status, "succeeded", failureOf(home)?.message);
    const site = (hostAndState: string | undefined) => hostAndState?.replace(/^(sys-[ab])-\d+/, "$1");
    for (const [lpar, was] of before) assert.equal(site((await hostsAndStates(sim)).get(lpar)), site(was), lpar);
  });

  it("says which LPARs lose protection when a failover must split a group, and warns before the way back", async () => {
    // GIVEN lpar-00005 writes to lpar-00001's group but is not protected: it cannot move with it
    const { sim, clock, model } = sharedGroupWorld(false);
    await simFailHost("sys-a-01", { store: sim.store });
    const plan = planFailover({ model, inventory: await inventoryOf(sim), failure: { failedHosts: ["sys-a-01"] } });
    // THEN the plan names it, structured and in words
    assert.deepEqual(plan.splitGroups, [{ consistencyGroup: "cg-00001", lpars: ["lpar-00005"] }]);
    assert.ok(plan.warnings?.some((w) => /"cg-00001" stops its replication for LPARs that keep running at the source, unprotected .*: lpar-00005/.test(w)), String(plan.warnings));
    const over = await runPlan(plan, sim, { clock });
    assert.equal(over.status, "succeeded", failureOf(over)?.message);
    assert.equal((await hostsAndStates(sim)).get("lpar-00005"), "sys-a-02/Running");
    const lines = formatWayBack(plan, over);
    assert.match(lines[1] ?? "", /^split: consistency group cg-00001 failed over while lpar-00005 keep running at the source, unprotected; failing back .* would overwrite their volumes/);
  });
});
