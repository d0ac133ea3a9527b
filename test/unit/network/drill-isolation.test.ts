// Property: over random two-site topologies and valid NetworkMappings, no drill copy is ever
// attached to a production VLAN of its site. Verdict on the simulator's state, with the copies
// still up (the drill's cleanup phase is held back), and on the executor's own isolation check.
import { strict as assert } from "assert";
import * as fc from "fast-check";
import { VirtualClock } from "../../../provider/clock";
import { createInMemorySimulator, generateTopology } from "../../../provider/adapters/simulator";
import { GENERATED_SWITCH, siteVlans } from "../../../provider/adapters/simulator/generate-network";
import { runPlan } from "../../../provider/executor/run";
import type { NetworkMappingSpec } from "../../../provider/model/protection";
import { productionVlansOf } from "../../../provider/network/isolation";
import { vlansOf } from "../../../provider/network/adapters";
import { planDrill } from "../../../provider/planner";
import { mappingIssues } from "../../../provider/resources/runtime/network-mapping";
import { inventoryOf } from "../../fixtures/sim-world";
import { protectTopology } from "../../fixtures/protect";
import * as sinon from "sinon";
import { networkWorld } from "./world";
import { zeroSpreadLatencies } from "../../bench/failover/scenario";

const caseArb = fc
  .record({
    hostsPerSite: fc.integer({ min: 1, max: 3 }),
    lparsPerHost: fc.integer({ min: 1, max: 3 }),
    vlansPerSite: fc.integer({ min: 1, max: 6 }),
    vlansPerLpar: fc.integer({ min: 1, max: 3 }),
    seed: fc.integer({ min: 1, max: 1000 }),
    /** Drill VLAN IDs, any in 1-4094: collisions with production ones make the mapping invalid (skipped). */
    drillTargets: fc.uniqueArray(fc.integer({ min: 1, max: 4094 }), { minLength: 6, maxLength: 6 }),
    /** Which drill VLANs each target system bridges (bit k: drill VLAN k). */
    bridgeMasks: fc.array(fc.integer({ min: 0, max: 63 }), { minLength: 3, maxLength: 3 }),
    /** Rotation of the production map onto site B's VLANs. */
    shift: fc.integer({ min: 0, max: 5 }),
  });

describe("drill isolation (property)", () => {
  it("no drill copy is attached to a production VLAN of its site, whatever the topology and mapping", async () => {
    let copiesSeen = 0;
    await fc.assert(
      fc.asyncProperty(caseArb, async (c) => {
        const net = { vlansPerSite: c.vlansPerSite, vlansPerLpar: c.vlansPerLpar };
        // Zero spread: the property is about VLANs, and a long-tailed draw (a FlashCopy group past
        // its step's time limit, about one case in 400) would leave a placed copy unmade.
        const simulation = { latencies: zeroSpreadLatencies() };
        const topology = generateTopology({ sites: 2, hostsPerSite: c.hostsPerSite, lparsPerHost: c.lparsPerHost, lunsPerLpar: 1, seed: c.seed, network: net, simulation });
        const a = siteVlans(0, net);
        const b = siteVlans(1, net);
        const mapping: NetworkMappingSpec = {
          name: "a-to-b",
          sourceSite: "site-a",
          targetSite: "site-b",
          switches: [{ source: GENERATED_SWITCH, target: GENERATED_SWITCH }],
          vlans: a.map((v, k) => ({ source: v, target: b[(k + c.shift) % b.length] })),
          drillVlans: a.map((v, k) => ({ source: v, target: c.drillTargets[k] })),
        };
        fc.pre(mappingIssues(structuredClone(mapping) as never).length === 0);
        // Site B's systems bridge a random subset of the drill VLANs besides their own.
        topology.managedSystems
          .filter((m) => m.site === "site-b")
          .forEach((m, i) => {
            const extra = mapping.drillVlans.filter((_, k) => (c.bridgeMasks[i % 3] >> k) & 1).map((d) => d.target);
            for (const br of m.virtualSwitches![0].bridges!) br.vlans = [...new Set([...br.vlans, ...extra])];
          });
        const clock = new VirtualClock();
        const sim = createInMemorySimulator(topology, { clock });
        const base = protectTopology(topology);
        const model = { ...base, networkMappings: [mapping], groups: base.groups.map((g) => ({ ...g, networkMapping: mapping.name })) };
        const plan = planDrill({ model, inventory: await inventoryOf(sim), failure: { failedSite: "site-a" } });
        const held = { ...plan, steps: plan.steps.filter((s) => s.phase !== "cleanup") };
        await runPlan(held, sim, { clock });
        const production = new Set([...b, ...mapping.vlans.map((v) => v.target)]);
        const copies = (await sim.compute.inventory()).lpars.filter((l) => l.drillOf !== undefined);
        copiesSeen += copies.length;
        for (const copy of copies) {
          assert.equal(copy.adapters!.length, 1, `${copy.id} has its mapped adapter`);
          const onProduction = copy.adapters!.flatMap(vlansOf).filter((v) => production.has(v));
          assert.deepEqual(onProduction, [], `${copy.id} is on production VLAN(s) ${onProduction.join(", ")}`);
        }
        // Every placed copy was made (placement only chose systems that bridge its drill VLANs).
        assert.equal(copies.length, plan.placements.filter((p) => p.target !== null).length);
      }),
      { numRuns: 60 },
    );
    // Not vacuous: many cases place few copies (no target bridges their drill VLANs), so the
    // count over 60 cases varies widely (about 50 to 140); 30 is far below what any run sees.
    assert.ok(copiesSeen >= 30, `the property saw ${copiesSeen} drill copies`);
  });

  it("GIVEN an adapter that attaches a copy to a production VLAN WHEN the drill starts it THEN the step fails and says so", async () => {
    const sandbox = sinon.createSandbox();
    try {
      const { sim, clock, model } = networkWorld();
      const plan = planDrill({ model, inventory: await inventoryOf(sim), failure: { failedSite: "site-a" } });
      const real = sim.compute.getLpar.bind(sim.compute);
      sandbox.stub(sim.compute, "getLpar").callsFake(async (id: string) => {
        const l = await real(id);
        return l.drillOf !== undefined ? { ...l, adapters: [{ switch: "ETHERNET0", pvid: 201, taggedVlans: [] }] } : l;
      });
      const result = await runPlan({ ...plan, steps: plan.steps.filter((s) => s.phase !== "cleanup") }, sim, { clock });
      const starts = result.steps.filter((s) => s.kind === "StartDrillLpar");
      assert.ok(starts.length > 0);
      for (const s of starts) {
        assert.equal(s.status, "failed");
        assert.match(s.error!.message, /drill copy .* is attached to production VLAN 201 of the target site: the drill is not isolated/);
      }
    } finally {
      sandbox.restore();
    }
    assert.deepEqual(productionVlansOf({ adapters: [{ switch: "E", pvid: 3001, taggedVlans: [] }] }, [201]), []);
  });
});
