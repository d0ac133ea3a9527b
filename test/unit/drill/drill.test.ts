// Drills on the simulator: non-disruptive (production LPARs, volumes, mappings and replication are
// the same before, during and after), measured against the groups' budgets, cleaned up, also when
// interrupted.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as sinon from "sinon";
import { createInMemorySimulator, type Simulator } from "../../../provider/adapters/simulator";
import type { Adapters } from "../../../provider/adapters";
import { drill } from "../../../provider/drill/run";
import { parseDrill } from "../../../provider/drill/file";
import { validate } from "../../../provider/validation";
import { renderMarkdown } from "../../../provider/report/markdown";
import { smallWorld } from "./world";

/** The production part of the datacenter: everything but the drill's own objects. */
async function production(adapters: Adapters): Promise<unknown> {
  const [c, s] = await Promise.all([adapters.compute.inventory(), adapters.storage.inventory()]);
  const fcTargets = new Set(s.flashCopyGroups.flatMap((g) => g.maps.map((m) => m.target)));
  return {
    systems: c.managedSystems.map((m) => [m.id, m.state]),
    lpars: c.lpars.filter((l) => l.drillOf === undefined).map((l) => ({ ...l })),
    volumes: s.volumes.filter((v) => !fcTargets.has(v.id)),
    mappings: s.hostMappings.filter((m) => !fcTargets.has(m.volume)),
    consistencyGroups: s.consistencyGroups.map((g) => ({ ...g })),
  };
}

async function drillObjects(adapters: Adapters): Promise<string[]> {
  const [c, s] = await Promise.all([adapters.compute.inventory(), adapters.storage.inventory()]);
  return [...c.lpars.filter((l) => l.drillOf !== undefined).map((l) => `lpar ${l.id}`), ...s.flashCopyGroups.map((g) => `fcg ${g.name}`)];
}

describe("drill on the simulator", function () {
  this.timeout(30_000);
  let sandbox: sinon.SinonSandbox;
  let dir: string;
  let sim: Simulator;
  let adapters: Adapters;
  const world = smallWorld();
  beforeEach(() => {
    sandbox = sinon.createSandbox();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "vmr-drill-"));
    sim = createInMemorySimulator(world.topology, { timeScale: 0.001 });
    adapters = { compute: sim.compute, storage: sim.storage };
  });
  afterEach(async () => {
    sandbox.restore();
    await sim.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("starts copies in an isolated network, leaves production untouched, and cleans up", async () => {
    // GIVEN the production state before the drill
    const before = await production(adapters);
    const during: Promise<{ prod: unknown; networks: string[] }>[] = [];
    // WHEN a drill of site A runs
    const result = await drill({
      source: { model: world.model },
      drillFile: parseDrill({ version: 1, name: "site-loss", scenario: { failedSite: "site-a" } }),
      runsDir: path.join(dir, "runs"),
      openAdapters: async () => adapters,
      onEvent: (e) => {
        // (while the copies run: look at production and at the copies' network)
        if (e.type === "step-completed" && e.step.kind === "VerifyLpar" && during.length === 0)
          during.push(
            (async () => ({
              prod: await production(adapters),
              networks: (await adapters.compute.inventory()).lpars.filter((l) => l.drillOf !== undefined).map((l) => l.network),
            }))(),
          );
      },
    });
    // THEN while it ran, production was as before and the copies were on the isolated network only
    assert.equal(during.length, 1);
    const mid = await during[0];
    assert.deepEqual(mid.prod, before);
    assert.ok(mid.networks.length > 0);
    assert.deepEqual([...new Set(mid.networks)], ["vmr-drill"]);
    // AND afterwards production is exactly as before and nothing of the drill is left
    assert.deepEqual(await production(adapters), before);
    assert.deepEqual(await drillObjects(adapters), []);
    // AND every copy came up, each group within its budget, and every assertion held
    const report = result.report;
    assert.deepEqual(validate("report", report), []);
    assert.equal(report.kind, "drill");
    assert.equal(report.vms.length, 12);
    assert.ok(report.vms.every((v) => v.outcome === "restarted" && v.target!.startsWith("sys-b-")), JSON.stringify(report.vms.filter((v) => v.outcome !== "restarted")));
    assert.deepEqual(report.groups.map((g) => [g.name, g.verdict]), [["databases", "within"], ["apps", "within"], ["web", "within"]]);
    // AND each group shows its predicted band and where the measured RTO fell in it
    for (const g of report.groups) {
      assert.ok(g.predictedRto !== undefined && g.predictedRto.samples === 1000 && g.predictedRto.profile === "defaults", g.name);
      // The defaults model no faults: every run comes up, and every quantile is a number.
      assert.equal(g.predictedRto.unrecoveredShare, 0);
      assert.ok(g.predictedRto.p50Seconds! <= g.predictedRto.p95Seconds! && g.predictedRto.p95Seconds! <= g.predictedRto.p99Seconds!);
      assert.ok(g.measuredQuantile !== undefined && g.measuredQuantile > 0 && g.measuredQuantile < 1, `${g.name}: ${g.measuredQuantile}`);
    }
    assert.ok(report.plan.predictedMakespan !== undefined);
    assert.deepEqual(report.assertions!.map((a) => [a.type, a.passed]), [["rtoWithinBudget", true], ["allVmsPlaced", true], ["cleanupComplete", true]]);
    assert.equal(result.cleanup.complete, true);
    assert.equal(result.passed, true);
    assert.equal(result.interrupted, false);
    // AND the report's cleanup section says what the assertion says: the plan's cleanup steps
    // removed every copy and FlashCopy group (not "removed 0 objects")
    const cleanupMessage = report.assertions!.find((a) => a.type === "cleanupComplete")!.message;
    assert.match(cleanupMessage, /cleanup steps removed (\d+) object/);
    assert.notEqual(/removed (\d+)/.exec(cleanupMessage)![1], "0");
    assert.ok(renderMarkdown(report).includes(`Complete: ${cleanupMessage.replace("nothing left: ", "")}.`));
    for (const f of Object.values(result.reportFiles)) assert.ok(fs.existsSync(f!), f);
  });

  it("fails the assertions, not the process, when a group misses its budget", async () => {
    // GIVEN a budget no drill can meet
    const tight = smallWorld({ databases: 1 });
    const result = await drill({
      source: { model: tight.model },
      drillFile: parseDrill({ version: 1, name: "tight", scenario: { failedSite: "site-a" }, groups: ["databases"] }),
      runsDir: path.join(dir, "runs"),
      openAdapters: async () => adapters,
    });
    // THEN the drill ran and cleaned up, but did not pass
    assert.equal(result.passed, false);
    const rto = result.report.assertions!.find((a) => a.type === "rtoWithinBudget")!;
    assert.equal(rto.passed, false);
    assert.match(rto.message, /databases: .* > budget 1 s/);
    assert.deepEqual(result.report.groups.map((g) => g.name), ["databases"]);
    assert.deepEqual(await drillObjects(adapters), []);
  });

  it("when interrupted, starts nothing more and still removes everything it made", async () => {
    // GIVEN a drill that is interrupted once the first copy has started
    const controller = new AbortController();
    const before = await production(adapters);
    const result = await drill({
      source: { model: world.model },
      runsDir: path.join(dir, "runs"),
      openAdapters: async () => adapters,
      signal: controller.signal,
      onEvent: (e) => {
        if (e.type === "step-completed" && e.step.kind === "StartDrillLpar") controller.abort();
      },
    });
    // THEN it reports the interruption, cleaned up, and production is untouched
    assert.equal(result.interrupted, true);
    assert.equal(result.passed, false);
    assert.equal(result.cleanup.complete, true);
    assert.ok(result.cleanup.removed.some((r) => r.startsWith("drill LPAR")), JSON.stringify(result.cleanup));
    assert.deepEqual(await drillObjects(adapters), []);
    assert.deepEqual(await production(adapters), before);
    // AND the report calls the run incomplete; copies that never started are not counted as up
    assert.equal(result.report.status, "incomplete");
    assert.ok(result.report.vms.some((v) => v.outcome !== "restarted"));
    assert.ok(result.report.assertions!.some((a) => a.type === "notInterrupted" && !a.passed));
  });
});
