import { strict as assert } from "assert";
import * as sinon from "sinon";
import fc from "fast-check";
import { boundOf, execute, prepare, protectionOf, serviceSeconds, withServiceTimes, type ScenarioSpec } from "../../bench/failover/scenario";
import type { ExecutionMode, SlaPolicy } from "../../../provider/executor/types";

// The benchmark's claim rests on this: the planner's lower bound, charged with the simulator's
// service times, is never beaten by the executor's measured makespan (else "within 1.05x of the
// bound" would mean nothing). Virtual time and seeded latencies: no wall-clock timing here.
describe("benchmark lower bound against the executor (in-memory simulator, virtual time)", () => {
  let sandbox: sinon.SinonSandbox;
  beforeEach(() => {
    sandbox = sinon.createSandbox();
  });
  afterEach(() => sandbox.restore());

  it("protects every LPAR of a generated datacenter once, in a group of its site and SLA level", async () => {
    // GIVEN a small generated datacenter
    const spec: ScenarioSpec = { generator: { sites: 2, hostsPerSite: 3, lparsPerHost: 4, lunsPerLpar: 2 }, failure: { host: "sys-a-01" } };
    const { topology, plan } = await prepare(spec);
    // WHEN its protection model is derived
    const model = protectionOf(topology);
    // THEN each LPAR is in exactly one group, whose level is the LPAR's, and every group's mappings exist
    const members = model.groups.flatMap((g) => g.vms.map((v) => v.lpar));
    assert.deepEqual([...members].sort(), topology.lpars.map((l) => l.id).sort());
    const level = new Map(topology.lpars.map((l) => [l.id, l.slaLevel]));
    for (const g of model.groups) for (const v of g.vms) assert.equal(level.get(v.lpar), g.slaLevel);
    const mappings = new Set(model.storageMappings.map((m) => m.name));
    for (const g of model.groups) for (const m of g.storageMappings) assert.ok(mappings.has(m), m);
    // AND the failed host's 4 LPARs are all placed on the survivors of its site
    assert.equal(plan.placements.length, 4);
    for (const p of plan.placements) assert.match(String(p.target), /^sys-a-0[23]$/);
  });

  it("is never beaten by the executor, in any parallel mode and SLA policy", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          lparsPerHost: fc.integer({ min: 1, max: 6 }),
          lunsPerLpar: fc.integer({ min: 1, max: 3 }),
          storageMaxConcurrentConfigOps: fc.integer({ min: 1, max: 3 }),
          seed: fc.integer({ min: 1, max: 1000 }),
        }),
        fc.constantFrom<ExecutionMode>("parallel", "parallel-restart"),
        fc.constantFrom<SlaPolicy>("strict", "pipelined"),
        async (generator, mode, sla) => {
          // GIVEN a generated datacenter whose server sys-a-01 fails
          const spec: ScenarioSpec = { generator: { sites: 2, hostsPerSite: 3, ...generator }, failure: { host: "sys-a-01" } };
          const prepared = await prepare(spec, sla);
          // WHEN the plan runs serially (service times) and in the mode
          const serial = await execute(spec, prepared, "serial", sla);
          const run = await execute(spec, prepared, mode, sla);
          // THEN the measured makespan is at or above the bound over the service times
          const bound = boundOf(withServiceTimes(prepared.plan, serviceSeconds(serial.result, prepared.plan)), mode, sla);
          assert.ok(run.result.makespanSeconds >= bound.seconds - 1e-6, `${mode}/${sla}: makespan ${run.result.makespanSeconds} < bound ${bound.seconds}`);
          assert.ok(bound.seconds > 0);
        },
      ),
      { numRuns: 12, seed: 7 },
    );
  });
});
