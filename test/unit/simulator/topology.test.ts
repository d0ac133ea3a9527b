// The topology generator's guarantees over its parameter space, the presets, and the table of
// cross-field rules.
import { strict as assert } from "assert";
import * as fc from "fast-check";
import * as sinon from "sinon";
import { generateTopology, presetTopology, PRESETS, PAPER_FAILED_HOST } from "../../../provider/adapters/simulator";
import type { ResolvedTopology } from "../../../provider/model";
import { topologyIssues, validateTopology } from "../../../provider/validation/topology-rules";
import { smallTopology } from "./fixture";

/** Paths of the issues a broken copy of the small topology has. */
function issuesAfter(breakIt: (t: ResolvedTopology) => void): { path: string; message: string }[] {
  const t = structuredClone(smallTopology());
  breakIt(t);
  return topologyIssues(t);
}

describe("simulator topologies", () => {
  let sandbox: sinon.SinonSandbox;
  beforeEach(() => {
    sandbox = sinon.createSandbox();
  });
  afterEach(() => sandbox.restore());

  describe("generator", () => {
    it("always yields valid topologies where every LPAR is mapped, replicated and can be received", () => {
      fc.assert(
        fc.property(
          fc.record({
            seed: fc.integer({ min: 0, max: 1000 }),
            sites: fc.integer({ min: 2, max: 3 }),
            hostsPerSite: fc.integer({ min: 1, max: 4 }),
            lparsPerHost: fc.integer({ min: 1, max: 12 }),
            lunsPerLpar: fc.integer({ min: 1, max: 8 }),
            storageSystemsPerSite: fc.integer({ min: 1, max: 3 }),
            lparsPerConsistencyGroup: fc.integer({ min: 1, max: 4 }),
            via: fc.constantFrom("vscsi" as const, "npiv" as const),
          }),
          (options) => {
            const t = generateTopology(options);
            assert.deepEqual(topologyIssues(t), []);
            assert.equal(t.lpars.length, options.sites * options.hostsPerSite * options.lparsPerHost);
            const systems = new Map(t.managedSystems.map((m) => [m.id, m]));
            const volumes = new Map(t.volumes.map((v) => [v.id, v]));
            const storageSite = new Map(t.storageSystems.map((s) => [s.id, s.site]));
            const pairOf = new Map(t.consistencyGroups.flatMap((g) => g.pairs.map((p) => [p.master, p.aux] as const)));
            for (const l of t.lpars) {
              assert.equal(l.volumes.length, options.lunsPerLpar);
              const host = systems.get(l.host)!;
              for (const v of l.volumes) {
                assert.equal(storageSite.get(volumes.get(v)!.storageSystem), host.site, `${v} at its host's site`);
                assert.ok(t.hostMappings.some((m) => m.volume === v && m.host === l.host), `${v} mapped to ${l.host}`);
                const aux = pairOf.get(v);
                assert.ok(aux, `${v} replicated`);
                assert.notEqual(storageSite.get(volumes.get(aux)!.storageSystem), host.site, `${v}'s replica at another site`);
              }
            }
            // Each system has room for the heaviest system's LPARs on top of its own.
            const load = new Map<string, number>();
            for (const l of t.lpars) load.set(l.host, (load.get(l.host) ?? 0) + l.memoryGb);
            const heaviest = Math.max(...load.values());
            for (const m of t.managedSystems) assert.ok(m.memoryGb - (load.get(m.id) ?? 0) >= heaviest, `${m.id} can receive`);
          },
        ),
        { numRuns: 40 },
      );
    });

    it("is deterministic for a seed and varies with it", () => {
      assert.deepEqual(generateTopology({ seed: 5 }), generateTopology({ seed: 5 }));
      assert.notDeepEqual(generateTopology({ seed: 5 }).lpars, generateTopology({ seed: 6 }).lpars);
    });

    it("honours the SLA mix", () => {
      const t = generateTopology({ hostsPerSite: 4, lparsPerHost: 20, slaMix: { 5: 1, 0: 0 } });
      assert.ok(t.lpars.every((l) => l.slaLevel === 5));
    });

    it("has presets small and paper as documented, with the paper's failing server", () => {
      const small = presetTopology("small");
      assert.equal(small.lpars.length, 24);
      assert.deepEqual(topologyIssues(small), []);
      const paper = presetTopology("paper");
      assert.equal(paper.lpars.filter((l) => l.host === PAPER_FAILED_HOST).length, 16);
      assert.ok(paper.lpars.every((l) => l.volumes.length === 4));
      assert.equal(PRESETS.large.options.hostsPerSite! * 2, 1000);
      assert.throws(() => presetTopology("huge"), /unknown preset "huge": use one of small, paper, large/);
    });
  });

  describe("cross-field rules", () => {
    const cases: { rule: string; breakIt: (t: ResolvedTopology) => void; path: string; message: RegExp }[] = [
      { rule: "unique ids", breakIt: (t) => (t.lpars[1].id = t.lpars[0].id), path: "lpars[1].id", message: /repeats LPAR id "lpar-00001" already used by `lpars\[0\].id`/ },
      { rule: "site exists", breakIt: (t) => (t.hmcs[0].site = "mars"), path: "hmcs[0].site", message: /refers to site "mars"/ },
      { rule: "hmc exists", breakIt: (t) => (t.managedSystems[0].hmc = "hmc-x"), path: "managedSystems[0].hmc", message: /refers to HMC "hmc-x"/ },
      { rule: "LPAR host exists", breakIt: (t) => (t.lpars[2].host = "sys-q"), path: "lpars[2].host", message: /refers to managed system "sys-q"/ },
      { rule: "LPAR volume exists", breakIt: (t) => (t.lpars[0].volumes[1] = "vol-x"), path: "lpars[0].volumes[1]", message: /refers to volume "vol-x"/ },
      { rule: "volume storage exists", breakIt: (t) => (t.volumes[0].storageSystem = "svc-z"), path: "volumes[0].storageSystem", message: /refers to storage system "svc-z"/ },
      { rule: "mapping volume exists", breakIt: (t) => (t.hostMappings[0].volume = "vol-x"), path: "hostMappings[0].volume", message: /refers to volume "vol-x"/ },
      { rule: "mapping VIOS exists", breakIt: (t) => (t.hostMappings[0].vios = "vios7"), path: "hostMappings[0].vios", message: /must be one of the VIOSes of sys-a-01 \(vios1, vios2\), got "vios7"/ },
      {
        rule: "CG master volume on master system",
        breakIt: (t) => (t.consistencyGroups[0].pairs[0].master = t.consistencyGroups[0].pairs[0].aux),
        path: "consistencyGroups[0].pairs[0].master",
        message: /must be a volume on masterSystem svc-a1, got "vol-00001-1-r" on svc-b1/,
      },
      {
        rule: "a volume in at most one CG",
        breakIt: (t) => (t.consistencyGroups[1].pairs[0] = { ...t.consistencyGroups[0].pairs[0] }),
        path: "consistencyGroups[1].pairs[0].master",
        message: /already in `consistencyGroups\[0\]`: a volume is in at most one consistency group/,
      },
      {
        rule: "host crashes name real systems",
        breakIt: (t) => (t.simulation = { faults: { hostCrashes: [{ host: "sys-9", atSeconds: 1 }] } }),
        path: "simulation.faults.hostCrashes[0].host",
        message: /refers to managed system "sys-9"/,
      },
      { rule: "running LPARs fit", breakIt: (t) => (t.managedSystems[0].memoryGb = 1), path: "managedSystems[0].memoryGb", message: /must be >= \d+ \(what its running LPARs use\), got 1/ },
      { rule: "latency names", breakIt: (t) => (t.simulation = { latencies: { teleport: { medianSeconds: 1 } } }), path: "simulation.latencies.teleport", message: /not a known operation/ },
      { rule: "per-system fault rates name a system", breakIt: (t) => (t.simulation = { systemFaults: { "sys-9": { midJobProbability: 0.1 } } }), path: "simulation.systemFaults.sys-9", message: /names no managed system of the topology: use one of sys-a-01/ },
      { rule: "per-system latencies name a system", breakIt: (t) => (t.simulation = { systemLatencies: { "sys-9": { bootLpar: { medianSeconds: 1 } } } }), path: "simulation.systemLatencies.sys-9", message: /names no managed system of the topology: use one of sys-a-01/ },
      { rule: "per-system latency names", breakIt: (t) => (t.simulation = { systemLatencies: { "sys-a-01": { teleport: { medianSeconds: 1 } } } }), path: "simulation.systemLatencies.sys-a-01.teleport", message: /not a known operation/ },
    ];
    for (const c of cases) {
      it(`reports: ${c.rule}`, () => {
        const issues = issuesAfter(c.breakIt);
        const issue = issues.find((i) => i.path === c.path);
        assert.ok(issue, `no issue at ${c.path}: ${JSON.stringify(issues)}`);
        assert.match(issue.message, c.message);
        assert.ok(issue.message.includes(`\`${c.path}\``), "the message names the path in backticks");
      });
    }

    it("reports every failure together, and fills defaults of a valid topology", () => {
      const issues = issuesAfter((t) => {
        t.lpars[0].host = "nope";
        t.volumes[0].storageSystem = "nope";
      });
      assert.ok(issues.length >= 2);
      const t = validateTopology({ sites: [{ name: "s" }], hmcs: [{ name: "h", site: "s" }], managedSystems: [{ id: "m", name: "m", site: "s", hmc: "h", processorUnits: 1, memoryGb: 1 }], lpars: [], storageSystems: [], volumes: [], hostMappings: [], consistencyGroups: [] });
      assert.deepEqual([t.managedSystems[0].state, t.managedSystems[0].maxRemoteRestarts, t.hmcs[0].maxConcurrentJobs], ["Operating", 32, 64]);
    });
  });
});
