// A failover with flexible capacity, run by the executor on the simulator: the LPARs the plan
// shrinks run at the target with the reduced size the simulator holds for them, and the
// recovery site's capacity is never overcommitted.
import { strict as assert } from "assert";
import * as sinon from "sinon";
import { simFailSite } from "../../../provider/adapters/simulator/control";
import { runPlan } from "../../../provider/executor/run";
import { failureOf } from "../../../provider/executor/outcome";
import { planDrill, planFailover } from "../../../provider/planner";
import { inventoryOf, simWorld } from "../../fixtures/sim-world";
import { shortSite } from "../../fixtures/short-site";
import { MemoryJournal } from "../../../provider/executor/journal/file-journal";
import { buildReport } from "../../../provider/report/build";
import { runRecordFromJournal } from "../../../provider/report/journal";
import { renderMarkdown } from "../../../provider/report/markdown";
import { renderHtml } from "../../../provider/report/html";
import { escapeHtml } from "../../../provider/report/format";

describe("planner -> executor -> simulator: flexible capacity", () => {
  const sandbox = sinon.createSandbox();
  afterEach(() => sandbox.restore());

  it("starts the shrunk LPARs at their reduced size on the simulator, every one of them running, no system over its size", async () => {
    // GIVEN site B keeps 35% of its free capacity and every group allows 50% on a failover
    const { sim, clock, model } = simWorld(shortSite(0.35));
    const flexible = { ...model, groups: model.groups.map((g) => ({ ...g, flexibleCapacity: { processorPercent: 50, memoryPercent: 50, appliesTo: "failover" as const } })) };
    await simFailSite("site-a", { store: sim.store });
    const inventory = await inventoryOf(sim);
    const plan = planFailover({ model: flexible, inventory, failure: { failedSite: "site-a" } });
    const shrunk = plan.placements.filter((p) => p.target !== null && p.start?.shrunk === true);
    const without = planFailover({ model, inventory, failure: { failedSite: "site-a" } });
    // (the share places more of level 2 than full sizes alone: otherwise this test proves nothing)
    const placedAt = (p: typeof plan, level: number): number => p.placements.filter((x) => x.target !== null && x.slaLevel === level).length;
    assert.ok(shrunk.length > 0, "some LPARs are shrunk");
    assert.ok(placedAt(plan, 2) > placedAt(without, 2), `level 2: ${placedAt(plan, 2)} placed with the share, ${placedAt(without, 2)} without`);
    // WHEN the executor runs it
    const journal = new MemoryJournal();
    const result = await runPlan(plan, sim, { clock, journal });
    // (the waiting LPARs make the run a partial recovery; every placed one must have recovered)
    const notUp = result.vms.filter((v) => v.target !== null && v.status !== "recovered");
    assert.deepEqual(notUp, [], JSON.stringify(failureOf(result)?.message));
    // THEN each placed LPAR runs at its target; a shrunk one holds its start size, the others their size
    const after = await inventoryOf(sim);
    const byId = new Map(after.compute.lpars.map((l) => [l.id, l]));
    for (const p of plan.placements.filter((x) => x.target !== null)) {
      const l = byId.get(p.lpar);
      assert.deepEqual([l?.host, l?.state], [p.target, "Running"], p.lpar);
      const expected = p.start?.shrunk ? { processorUnits: p.start.processorUnits, memoryGb: p.start.memoryGb } : undefined;
      assert.deepEqual(l?.allocated, expected, `${p.lpar} holds its start size`);
    }
    // AND its report gives each VM's start size and why: in JSON, and in the Markdown and HTML sections
    const report = buildReport(runRecordFromJournal(journal.records));
    const md = renderMarkdown(report);
    const html = renderHtml(report);
    for (const p of shrunk) {
      assert.deepEqual(report.vms.find((v) => v.lpar === p.lpar)?.start, p.start, p.lpar);
      assert.ok(md.includes(`| ${p.name === p.lpar ? p.lpar : `${p.name} (${p.lpar})`} | ${p.target} | ${p.start?.processorUnits} processor units, ${p.start?.memoryGb} GiB (shrunk) |`), `${p.lpar} in the Markdown report`);
      assert.ok(html.includes(escapeHtml(p.start?.reason ?? "?")), `${p.lpar} in the HTML report`);
    }
    assert.match(md, /## Start sizes \(flexible capacity\)\n\n\| LPAR \| Target \| Started with \| Why \|/);
    // AND no system of site B holds more than its size
    for (const s of after.compute.managedSystems.filter((m) => m.site === "site-b")) {
      const held = after.compute.lpars.filter((l) => l.host === s.id && l.state === "Running");
      const pu = held.reduce((sum, l) => sum + (l.allocated?.processorUnits ?? l.processorUnits), 0);
      const mem = held.reduce((sum, l) => sum + (l.allocated?.memoryGb ?? l.memoryGb), 0);
      assert.ok(pu <= s.processorUnits + 1e-9 && mem <= s.memoryGb + 1e-9, `${s.id}: ${pu}/${s.processorUnits} units, ${mem}/${s.memoryGb} GiB`);
    }
  });

  it("runs a drill whose copies start shrunk: the simulator refuses a copy over the free capacity, so full-size copies would fail", async () => {
    // GIVEN site B keeps 35% of its free capacity and every group allows 50% for drills
    const { sim, clock, model } = simWorld(shortSite(0.35));
    const flexible = { ...model, groups: model.groups.map((g) => ({ ...g, flexibleCapacity: { processorPercent: 50, memoryPercent: 50, appliesTo: "drill" as const } })) };
    const plan = planDrill({ model: flexible, inventory: await inventoryOf(sim), failure: { failedSite: "site-a" } });
    const placed = plan.placements.filter((p) => p.target !== null);
    assert.ok(placed.some((p) => p.start?.shrunk === true), "some copies are shrunk");
    // (at full size the placed copies would not fit on site B: the sizes are what make the drill pass)
    const full = placed.reduce((s, p) => s + (p.processorUnits ?? 0), 0);
    const free = (await inventoryOf(sim)).compute.managedSystems
      .filter((m) => m.site === "site-b")
      .reduce((s, m) => s + m.processorUnits, 0) - (await inventoryOf(sim)).compute.lpars.filter((l) => l.host.startsWith("sys-b")).reduce((s, l) => s + l.processorUnits, 0);
    assert.ok(full > free, `full sizes ${full} > free ${free}`);
    // WHEN run THEN every placed copy came up and was cleaned up
    const result = await runPlan(plan, sim, { clock });
    const notUp = result.vms.filter((v) => v.target !== null && v.status !== "recovered");
    assert.deepEqual(notUp, [], JSON.stringify(failureOf(result)?.message));
    assert.equal(result.vms.filter((v) => v.status === "recovered").length, placed.length);
    assert.equal((await inventoryOf(sim)).compute.lpars.filter((l) => l.drillOf !== undefined).length, 0);
  });
});
