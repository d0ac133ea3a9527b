// Issue 20, point 3: a site lost with its storage. Work on the dead array is neither attempted
// at failover (it is known offline), nor retried, nor allowed to hold a level's barrier: it is
// deferred cleanup, listed in the plan, the result and the report, and the failback does it.
import { strict as assert } from "assert";
import { simFailHost, simFailSite, simRepair } from "../../../provider/adapters/simulator/control";
import { buildGraph } from "../../../provider/executor/graph";
import { failureOf } from "../../../provider/executor/outcome";
import { runPlan } from "../../../provider/executor/run";
import { Scheduler } from "../../../provider/executor/scheduler";
import { planFailback, planFailover } from "../../../provider/planner";
import { formatRunResult } from "../../../provider/cli/run-summary";
import { inventoryOf, simWorld } from "../../fixtures/sim-world";
import { plan, step } from "../executor/plans";

const world = simWorld;

const key = (m: { volume: string; host: string }) => `${m.volume}@${m.host}`;

describe("site loss with its storage offline: deferred cleanup", () => {
  it("plans no step on the dead array and lists every mapping it leaves there; the run leaves exactly those", async () => {
    // GIVEN site A lost, its storage system offline with it
    const { sim, clock, model } = world();
    await simFailSite("site-a", { store: sim.store });
    const before = await inventoryOf(sim);
    const dead = before.storage.storageSystems.filter((s) => s.state === "offline").map((s) => s.id);
    assert.deepEqual(dead, ["svc-a1"]);
    // WHEN the site is planned
    const over = planFailover({ model, inventory: before, failure: { failedSite: "site-a" } });
    // THEN no step holds the dead array, and the plan lists each mapping left on it
    assert.deepEqual(over.steps.filter((s) => s.resources.includes("storage:svc-a1")).map((s) => s.id), []);
    const siteA = new Set(before.compute.managedSystems.filter((s) => s.site === "site-a").map((s) => s.id));
    const leftOnA = before.storage.hostMappings.filter((m) => siteA.has(m.host)).map(key).sort();
    assert.ok(leftOnA.length > 0);
    assert.deepEqual((over.deferredCleanup ?? []).map(key).sort(), leftOnA);
    assert.ok(over.deferredCleanup?.every((d) => d.storageSystem === "svc-a1" && /offline/.test(d.reason)));
    // WHEN it runs THEN every LPAR recovers, the result lists the same cleanup and the summary says who does it
    const result = await runPlan(over, sim, { clock });
    assert.equal(result.status, "succeeded", failureOf(result)?.message);
    assert.deepEqual(result.deferredCleanup.map(key).sort(), leftOnA);
    assert.match(formatRunResult(result), /deferred cleanup: \d+ mappings of old volumes left on svc-a1, which did not answer; `vmr failback` removes them/);
    // AND the array holds exactly those mappings at site A (the simulator's verdict)
    const after = await sim.storage.inventory();
    assert.deepEqual(after.hostMappings.filter((m) => siteA.has(m.host)).map(key).sort(), leftOnA);
    // WHEN the site is back and the VMs fail back THEN no mapping of the old site is left but those in use
    await simRepair("site-a", { store: sim.store });
    const back = planFailback({ model, inventory: await inventoryOf(sim) });
    const second = await runPlan(back, sim, { clock });
    assert.equal(second.status, "succeeded", failureOf(second)?.message);
    const final = await inventoryOf(sim);
    const inUse = new Set(final.compute.lpars.flatMap((l) => l.volumes.map((v) => `${v}@${l.host}`)));
    assert.deepEqual(final.storage.hostMappings.map(key).filter((k) => !inUse.has(k)), []);
  });

  it("does not retry an unmap on an array that stops answering during the run, and records it as deferred", async () => {
    // GIVEN every server of site A down while its array still answers: the plan unmaps there, best effort
    const { sim, clock, model } = world();
    const inv = await inventoryOf(sim);
    for (const s of inv.compute.managedSystems.filter((x) => x.site === "site-a")) await simFailHost(s.id, { store: sim.store });
    const over = planFailover({ model, inventory: await inventoryOf(sim), failure: { failedSite: "site-a" } });
    const unmaps = over.steps.filter((s) => s.kind === "UnmapSourceVolume" && s.resources.includes("storage:svc-a1"));
    assert.ok(unmaps.length > 0 && unmaps.every((s) => s.bestEffort));
    assert.equal(over.deferredCleanup, undefined);
    // WHEN the array goes offline before the unmaps run (the rest of the site follows the servers)
    await simFailSite("site-a", { store: sim.store });
    const result = await runPlan(over, sim, { clock });
    // THEN the VMs recover, each unmap was tried once, and each is deferred cleanup
    assert.equal(result.status, "succeeded", failureOf(result)?.message);
    const outcomes = result.steps.filter((s) => unmaps.some((u) => u.id === s.id));
    assert.deepEqual([...new Set(outcomes.map((s) => `${s.status}/${s.attempts}`))], ["failed/1"]);
    assert.equal(result.deferredCleanup.length, unmaps.length);
    assert.ok(result.deferredCleanup.every((d) => d.storageSystem === "svc-a1" && /the unmap failed/.test(d.reason)));
  });

  it("lets a lower SLA level start while a higher level's best-effort cleanup still runs (strict SLA)", () => {
    // GIVEN a level-3 VM's restart and its best-effort unmap, and a level-2 restart
    const p = plan([
      step("restart-3", { slaLevel: 3 }),
      step("unmap-3", { slaLevel: 3, kind: "UnmapSourceVolume", bestEffort: true, resources: ["storage:dead"] }),
      step("restart-2", { slaLevel: 2 }),
    ], { resources: { "storage:dead": 1 } });
    const s = new Scheduler(buildGraph(p), { mode: "parallel", sla: "strict", limits: p.resources, isStorageStep: () => false });
    const first = s.next().map((i) => p.steps[i].id);
    assert.deepEqual(first.sort(), ["restart-3", "unmap-3"]);
    // WHEN the level-3 restart ends, the unmap still running
    s.complete(p.steps.findIndex((x) => x.id === "restart-3"));
    // THEN level 2 starts: the cleanup holds no barrier
    assert.deepEqual(s.next().map((i) => p.steps[i].id), ["restart-2"]);
  });
});
