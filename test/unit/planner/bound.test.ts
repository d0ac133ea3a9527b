// The lower bound: sound against the executor's own runs on random small datacenters, tight
// where a resource's steps come in rounds or are released by another resource; and the plan's
// step order that keeps every HMC fed (sequence.ts).
import { strict as assert } from "assert";
import * as fc from "fast-check";
import * as sinon from "sinon";
import { VirtualClock } from "../../../provider/clock";
import { createInMemorySimulator, generateTopology } from "../../../provider/adapters/simulator";
import { simFailHost, simFailSite } from "../../../provider/adapters/simulator/control";
import { runPlan } from "../../../provider/executor/run";
import type { Plan, Step } from "../../../provider/generated/plan";
import { listSchedule, lowerBound, planFailover } from "../../../provider/planner";
import { protectionOf, zeroSpreadLatencies } from "../../bench/failover/scenario";
import { generateDatacenter } from "../../fixtures/datacenter";

const EPS = 1e-6;

function step(id: string, seconds: number, resources: string[], dependsOn: string[] = [], extra: Partial<Step> = {}): Step {
  return { id, kind: "RestartLpar", slaLevel: 1, params: {}, resources, dependsOn, estimateSeconds: seconds, ...extra } as Step;
}

describe("lower bound", () => {
  const sandbox = sinon.createSandbox();
  afterEach(() => sandbox.restore());

  it("counts the rounds of a resource whose steps do not split over its slots", () => {
    // GIVEN 5 steps of 10 s on a resource of 2 slots
    const steps = [0, 1, 2, 3, 4].map((i) => step(`s${i}`, 10, ["hmc:h"]));
    // WHEN bounded THEN 3 rounds (30 s), not 5 * 10 / 2 = 25 s; the list schedule takes as long
    const plan = { steps, resources: { "hmc:h": 2 } };
    assert.equal(lowerBound(plan).seconds, 30);
    assert.equal(listSchedule(plan).makespanSeconds, 30);
  });

  it("starts a resource's k-th step no earlier than the work another resource must do for the first k", () => {
    // GIVEN 3 maps of 1 s on a storage system taking one at a time, each releasing a 10 s restart
    // on an HMC with room for all three
    const steps = [0, 1, 2].flatMap((i) => [step(`map${i}`, 1, ["storage:s"]), step(`restart${i}`, 10, ["hmc:h"], [`map${i}`])]);
    const plan = { steps, resources: { "storage:s": 1, "hmc:h": 3 } };
    // WHEN bounded THEN the third restart starts at 3 s at the earliest: 13 s (the plain bound says 11)
    assert.equal(lowerBound(plan).seconds, 13);
    assert.equal(listSchedule(plan).makespanSeconds, 13);
  });

  it("lets best-effort steps run past the strict barrier, as the executor does", () => {
    // GIVEN level 2: a step and a 100 s best-effort cleanup after it; level 1: a step of 10 s
    const steps = [
      step("a", 10, ["hmc:h"], [], { slaLevel: 2 }),
      step("cleanup", 100, ["storage:s"], ["a"], { slaLevel: 2, bestEffort: true }),
      step("b", 10, ["hmc:h"], [], { slaLevel: 1 }),
    ];
    const plan = { steps, resources: { "hmc:h": 1, "storage:s": 1 } };
    // WHEN scheduled with strict barriers THEN level 1 does not wait for the cleanup: 110 s is the cleanup's end
    assert.equal(listSchedule(plan, { strictSla: true }).makespanSeconds, 110);
    assert.equal(listSchedule(plan, { strictSla: true }).finish.get("b"), 20);
    assert.ok(lowerBound(plan, { strictSla: true }).seconds <= 110 + EPS);
  });

  it("holds nothing back behind a level whose steps are all best effort", () => {
    // GIVEN level 2: only a best-effort step of 1 s; level 1: a step of 10 s
    const steps = [step("cleanup", 1, [], [], { slaLevel: 2, bestEffort: true }), step("b", 10, ["hmc:h"], [], { slaLevel: 1 })];
    const plan = { steps, resources: { "hmc:h": 1 } };
    // WHEN scheduled with strict barriers THEN level 1 starts at once (it waited for the first event, at 1 s)
    assert.equal(listSchedule(plan, { strictSla: true }).finish.get("b"), 10);
  });

  it("is never above the executor's makespan of the same plan, on random small datacenters (zero spread)", async () => {
    const latencies = zeroSpreadLatencies();
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          seed: fc.integer({ min: 1, max: 1000 }),
          hostsPerSite: fc.integer({ min: 2, max: 4 }),
          lparsPerHost: fc.integer({ min: 1, max: 5 }),
          lunsPerLpar: fc.integer({ min: 1, max: 3 }),
          storageSystemsPerSite: fc.integer({ min: 1, max: 2 }),
          hostsPerHmc: fc.integer({ min: 1, max: 4 }),
          maxRemoteRestarts: fc.integer({ min: 1, max: 4 }),
          hmcMaxConcurrentJobs: fc.integer({ min: 1, max: 4 }),
          storageMaxConcurrentConfigOps: fc.integer({ min: 1, max: 3 }),
          via: fc.constantFrom<"vscsi" | "npiv">("vscsi", "npiv"),
        }),
        fc.boolean(),
        fc.constantFrom<"strict" | "pipelined">("strict", "pipelined"),
        async (options, siteLoss, sla) => {
          // GIVEN a generated datacenter with a host or a site down in the simulator
          const topology = generateTopology({ ...options, simulation: { latencies } });
          const clock = new VirtualClock();
          const sim = createInMemorySimulator(topology, { clock });
          const host = topology.managedSystems[0].id;
          const site = topology.managedSystems[0].site;
          if (siteLoss) await simFailSite(site, { store: sim.store });
          else await simFailHost(host, { store: sim.store });
          const inventory = { compute: await sim.compute.inventory(), storage: await sim.storage.inventory() };
          const failure = siteLoss ? { failedSite: site } : { failedHosts: [host] };
          const plan = planFailover({ model: protectionOf(topology), inventory, failure, options: { latencies, slaMode: sla } });
          // WHEN the executor runs it in virtual time
          const result = await runPlan(plan, sim, { clock, mode: "parallel", sla });
          await sim.close();
          // THEN the bound over the durations the steps took in that run is at most its makespan
          const took = new Map(result.steps.map((s) => [s.id, ((s.finishedMs ?? 0) - (s.startedMs ?? 0)) / 1000]));
          const measured: Plan = { ...plan, steps: plan.steps.filter((s) => took.has(s.id)).map((s) => ({ ...s, estimateSeconds: took.get(s.id) as number, dependsOn: s.dependsOn.filter((d) => took.has(d)) })) };
          const bound = lowerBound(measured, { strictSla: sla === "strict" }).seconds;
          assert.ok(bound <= result.makespanSeconds + EPS, `bound ${bound} > executor makespan ${result.makespanSeconds} (${sla})`);
        },
      ),
      { numRuns: 40 },
    );
  });
});

describe("step order (sequence.ts)", () => {
  it("keeps a site failure recovered through two HMCs within 5% of its bound", () => {
    // GIVEN 2,000 LPARs on 100 hosts at site A, recovered on 100 hosts (2 HMCs, 1 storage system) at B
    const dc = generateDatacenter({ hosts: 200, vms: 2000, volumesPerVm: 4 });
    for (const slaMode of ["strict", "pipelined"] as const) {
      // WHEN site A fails THEN the plan comes within 5% of its lower bound (1.087 strict in name order)
      const plan = planFailover({ ...dc, failure: { failedSite: "A" }, options: { slaMode } });
      const ratio = plan.estimate.makespanSeconds / plan.estimate.lowerBoundSeconds;
      assert.ok(ratio <= 1.05, `${slaMode}: makespan ${plan.estimate.makespanSeconds} / bound ${plan.estimate.lowerBoundSeconds} = ${ratio.toFixed(3)}`);
      // AND the bound is sound for that very schedule
      assert.ok(plan.estimate.lowerBoundSeconds <= listSchedule(plan, { strictSla: slaMode === "strict" }).makespanSeconds + EPS);
    }
  });
});
