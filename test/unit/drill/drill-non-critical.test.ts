// A drill at a short recovery site told to stop non-critical VMs (the drill file's
// stopNonCritical): it frees room as a failover would, each freed VM is down while the copies
// given its room run, and every one is back as it was once the drill ends: by the plan's cleanup
// steps, by the sweep when the drill is cut short, or by `vmr drill --cleanup` after that failed.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as sinon from "sinon";
import { createInMemorySimulator, type Simulator } from "../../../provider/adapters/simulator";
import type { Adapters } from "../../../provider/adapters";
import { drill } from "../../../provider/drill/run";
import { drillCleanup } from "../../../provider/drill/cleanup-command";
import { parseDrill } from "../../../provider/drill/file";
import { AdapterError } from "../../../provider/errors";
import type { Plan } from "../../../provider/generated/plan";
import type { ProtectionModel } from "../../../provider/model/protection";
import { FileRunStore } from "../../../provider/run-store/file-store";
import { stoppedNonCriticalIn } from "../../../provider/recovery/stopped-by-vmr";
import { validate } from "../../../provider/validation";
import { protectTopology } from "../../fixtures/protect";
import { shortSite } from "../../fixtures/short-site";

describe("drill on the simulator: stopping non-critical VMs for the copies' room", function () {
  this.timeout(60_000);
  let sandbox: sinon.SinonSandbox;
  let dir: string;
  let sim: Simulator;
  let adapters: Adapters;
  let model: ProtectionModel;
  let siteB: string[];
  const siteLoss = (stopNonCritical: boolean) => parseDrill({ version: 1, name: "short-site", scenario: { failedSite: "site-a" }, stopNonCritical });

  beforeEach(async () => {
    sandbox = sinon.createSandbox();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "vmr-drill-nc-"));
    // Site B keeps 35% of its free room; its own LPARs are non-critical, alternately stopped and suspended.
    const topology = shortSite(0.35);
    sim = createInMemorySimulator(topology, { timeScale: 0.0005 });
    adapters = { compute: sim.compute, storage: sim.storage };
    siteB = (await sim.compute.inventory()).lpars.filter((l) => l.host.startsWith("sys-b-")).map((l) => l.id);
    const base = protectTopology(topology);
    const nonCritical = siteB.map((lpar, i) => ({ lpar, action: i % 2 === 0 ? ("stop" as const) : ("suspend" as const), slaLevel: 0 }));
    model = { ...base, stack: "drill-nc", targets: base.targets.map((t) => ({ ...t, nonCritical })) };
  });
  afterEach(async () => {
    sandbox.restore();
    await sim.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** Site B's LPARs as [id, host, state]. */
  async function siteBState(): Promise<string[][]> {
    const lpars = (await sim.compute.inventory()).lpars;
    return siteB.map((id) => {
      const l = lpars.find((x) => x.id === id)!;
      return [id, l.host, l.state];
    });
  }

  it("frees room as a failover would, keeps each freed VM down while the copies run, and brings every one back at cleanup", async () => {
    const before = await siteBState();
    assert.ok(before.every(([, , state]) => state === "Running"));
    // GIVEN the drill without the option: copies wait for room, nothing is stopped
    const plainPlans: Plan[] = [];
    const plain = await drill({ source: { model }, drillFile: siteLoss(false), runsDir: path.join(dir, "runs"), openAdapters: async () => adapters, onPlan: (p) => plainPlans.push(p) });
    const placed = (p: Plan): number => p.placements.filter((x) => x.target !== null).length;
    assert.equal(plainPlans[0].nonCritical, undefined);
    assert.ok(plainPlans[0].placements.some((p) => p.target === null && p.wouldTake?.stopLpars !== undefined));
    assert.ok(!plain.report.assertions!.find((a) => a.type === "allVmsPlaced")!.passed);
    assert.deepEqual(await siteBState(), before);
    // WHEN the drill runs with stopNonCritical, looking at site B while its copies run
    const plans: Plan[] = [];
    let during: Promise<string[][]> | undefined;
    const result = await drill({
      source: { model },
      drillFile: siteLoss(true),
      runsDir: path.join(dir, "runs"),
      openAdapters: async () => adapters,
      onPlan: (p) => plans.push(p),
      onEvent: (e) => {
        if (e.type === "step-completed" && e.step.kind === "VerifyLpar" && during === undefined) during = siteBState();
      },
    });
    const plan = plans[0];
    const stops = (plan.nonCritical ?? []).filter((n) => n.resume !== true);
    const resumes = (plan.nonCritical ?? []).filter((n) => n.resume === true);
    // THEN it stopped some, not all, and placed more copies than without
    assert.ok(stops.length > 0 && stops.length < siteB.length, `${stops.length} of ${siteB.length} stopped`);
    assert.deepEqual(resumes.map((r) => [r.lpar, r.system, r.action]), stops.map((s) => [s.lpar, s.system, s.action]));
    assert.ok(placed(plan) > placed(plainPlans[0]), `${placed(plan)} placed with, ${placed(plainPlans[0])} without`);
    // AND while the copies ran, each freed VM was down as its action leaves it
    const mid = new Map((await during!).map(([id, host, state]) => [id, [host, state]]));
    for (const s of stops) assert.deepEqual(mid.get(s.lpar), [s.system, s.action === "suspend" ? "Suspended" : "Not Activated"], s.lpar);
    // AND afterwards site B is as it was, the journal leaves nothing stopped, and the drill passed its cleanup
    assert.deepEqual(await siteBState(), before);
    const store = new FileRunStore(path.join(dir, "runs"), "drill-nc");
    assert.deepEqual(stoppedNonCriticalIn([await store.readRecords(result.runId)]), []);
    assert.equal(result.cleanup.complete, true);
    assert.ok(result.report.assertions!.find((a) => a.type === "cleanupComplete")!.passed);
    // AND the report names each stop and each bring-back, every one succeeded
    assert.deepEqual(validate("report", result.report), []);
    assert.deepEqual(
      (result.report.nonCritical ?? []).map((n) => [n.lpar, n.status]).sort(),
      [...stops, ...resumes].map((n) => [n.lpar, "succeeded"]).sort(),
    );
  });

  it("cut short after its stops, the sweep brings back what the cleanup steps did not; after a failed sweep, vmr drill --cleanup does", async () => {
    const before = await siteBState();
    // GIVEN the sweep's first bring-backs fail (the HMC refuses), and the drill is interrupted once a copy started
    const powerOn = sim.compute.powerOn.bind(sim.compute);
    const resumeLpar = sim.compute.resumeLpar.bind(sim.compute);
    const refuse = (): never => {
      throw new AdapterError("fatal", "powerOn", "hmc", "the HMC is not answering");
    };
    const onPower = sandbox.stub(sim.compute, "powerOn").callsFake(refuse);
    const onResume = sandbox.stub(sim.compute, "resumeLpar").callsFake(refuse);
    const controller = new AbortController();
    const plans: Plan[] = [];
    const result = await drill({
      source: { model },
      drillFile: siteLoss(true),
      runsDir: path.join(dir, "runs"),
      openAdapters: async () => adapters,
      signal: controller.signal,
      onPlan: (p) => plans.push(p),
      onEvent: (e) => {
        if (e.type === "step-completed" && e.step.kind === "StartDrillLpar") controller.abort();
      },
    });
    // THEN the drill is interrupted, its copies are gone, and the freed VMs it could not bring back are named as left over
    assert.equal(result.interrupted, true);
    const store = new FileRunStore(path.join(dir, "runs"), "drill-nc");
    const stoppedByRun = stoppedNonCriticalIn([await store.readRecords(result.runId)]);
    assert.ok(stoppedByRun.length > 0, "the run stopped some before it was cut");
    assert.equal(result.cleanup.complete, false);
    for (const lpar of stoppedByRun) assert.ok(result.cleanup.leftovers.some((l) => l.startsWith(`non-critical LPAR ${lpar} `) && l.includes("the HMC is not answering")), lpar);
    assert.ok(!result.cleanup.leftovers.some((l) => l.startsWith("drill LPAR") || l.startsWith("FlashCopy")), JSON.stringify(result.cleanup.leftovers));
    // WHEN the HMC answers again and `vmr drill --cleanup` runs
    onPower.callsFake(powerOn);
    onResume.callsFake(resumeLpar);
    const cleaned = await drillCleanup({ source: { model }, store, openAdapters: async () => adapters });
    // THEN it brings each back, says so, and site B is as it was
    assert.equal(cleaned.complete, true, JSON.stringify(cleaned.leftovers));
    assert.deepEqual(cleaned.runs, [result.runId]);
    for (const lpar of stoppedByRun) assert.ok(cleaned.removed.some((r) => r.startsWith(`non-critical LPAR ${lpar} `) && / brought back \((powered on|resumed)\)$/.test(r)), `${lpar}: ${JSON.stringify(cleaned.removed)}`);
    assert.deepEqual(await siteBState(), before);
    // AND a second cleanup finds nothing left to do
    const again = await drillCleanup({ source: { model }, store, openAdapters: async () => adapters });
    assert.deepEqual([again.complete, again.removed], [true, []]);
  });
});
