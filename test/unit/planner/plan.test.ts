// Unit tests of the planner stages: storage actions, step kinds of each plan kind, errors that
// name the field, durations from the latency table, the estimate's modes.
import { strict as assert } from "assert";
import * as sinon from "sinon";
import { ValidationError } from "../../../provider/errors";
import type { Plan, Step } from "../../../provider/generated/plan";
import { DEFAULT_LATENCIES } from "../../../provider/model/latency";
import { checkSurvivability, lowerBound, listSchedule, planDrill, planFailback, planFailover, planPlanned } from "../../../provider/planner";
import { buildWorld, hostId, lparId, type WorldSpec } from "./world";

const big = { pu: 64, mem: 1024 };
const stepsOf = (plan: Plan, kind: Step["kind"]): Step[] => plan.steps.filter((s) => s.kind === kind);

/** Two sites of two hosts each; four VMs on sys0 (site A) in two groups. */
function twoSites(extra: Partial<WorldSpec> = {}): WorldSpec {
  return {
    hosts: [
      { site: "A", ...big },
      { site: "A", ...big },
      { site: "B", ...big },
      { site: "B", ...big },
    ],
    vms: [
      { host: 0, pu: 1, mem: 8, level: 3, group: 0, volumes: 4 },
      { host: 0, pu: 1, mem: 8, level: 2, group: 0, volumes: 2, after: [0] },
      { host: 0, pu: 1, mem: 8, level: 1, group: 1, volumes: 2 },
      { host: 0, pu: 1, mem: 8, level: 1, group: 1, volumes: 1, via: "npiv" },
    ],
    ...extra,
  };
}

describe("planner", () => {
  const sandbox = sinon.createSandbox();
  afterEach(() => sandbox.restore());

  describe("storage actions", () => {
    it("fails each consistency group over once, after every LPAR writing to it is fenced, and maps replicas after it", () => {
      // GIVEN four VMs of two groups (two consistency groups) on site A WHEN site A fails
      const plan = planFailover({ ...buildWorld(twoSites()), failure: { failedSite: "A" } });
      // THEN each consistency group fails over exactly once
      const failovers = stepsOf(plan, "FailoverConsistencyGroup");
      assert.deepEqual(failovers.map((s) => s.params?.consistencyGroup).sort(), ["cg0", "cg1"]);
      assert.deepEqual(failovers.find((s) => s.params?.consistencyGroup === "cg0")?.dependsOn, ["FenceSourceLpar:lpar0", "FenceSourceLpar:lpar1"]);
      assert.deepEqual(failovers[0].resources, ["storage:svc-B"]);
      // AND every volume is presented as its replica, mapped after its group failed over
      for (const p of plan.placements) {
        assert.ok(p.target === hostId(2) || p.target === hostId(3));
        for (const v of p.volumes) {
          assert.equal(v.attach, v.source.replace(/^v/, "r"));
          const map = plan.steps.find((s) => s.id === `MapReplicaVolume:${p.lpar}:${v.attach}`) as Step;
          assert.ok(map.dependsOn.includes(`FailoverConsistencyGroup:${v.consistencyGroup}`));
        }
      }
      // AND unmapping the old volumes at the lost site is best effort
      assert.ok(stepsOf(plan, "UnmapSourceVolume").every((s) => s.bestEffort === true));
    });

    it("keeps a host failure on the shared SAN: the same volume, unmapped from the failed host before it is mapped", () => {
      const plan = planFailover({ ...buildWorld(twoSites()), failure: { failedHosts: [hostId(0)] } });
      assert.equal(stepsOf(plan, "FailoverConsistencyGroup").length, 0);
      for (const p of plan.placements) {
        assert.equal(p.target, hostId(1), "the other system of site A");
        for (const v of p.volumes) {
          assert.equal(v.attach, v.source);
          const map = plan.steps.find((s) => s.id === `MapReplicaVolume:${p.lpar}:${v.attach}`) as Step;
          assert.ok(map.dependsOn.includes(`UnmapSourceVolume:${p.lpar}:${v.source}`));
        }
      }
      assert.equal(plan.warnings, undefined);
    });

    it("spreads vSCSI mappings over the target's VIOSes, holding each VIOS, and gives NPIV none", () => {
      const spec = twoSites();
      const plan = planFailover({ ...buildWorld({ ...spec, hosts: spec.hosts.map((h, i) => (i === 1 ? { ...h, vioses: ["va", "vb", "vc"] } : h)) }), failure: { failedHosts: [hostId(0)] } });
      const vios = plan.placements.flatMap((p) => p.volumes.filter((v) => v.via === "vscsi").map((v) => v.vios));
      assert.equal(vios.length, 8);
      for (const name of ["va", "vb", "vc"]) assert.ok(vios.filter((v) => v === name).length >= 2, `${name} serves ${vios}`);
      // The SAN map holds the storage system only; the VIOS's part is its own step, holding that VIOS.
      for (const s of stepsOf(plan, "MapReplicaVolume")) assert.deepEqual(s.resources, ["storage:svc-A"]);
      const attaches = stepsOf(plan, "AttachVirtualDisk");
      assert.equal(attaches.length, 8, "one VIOS attach per vSCSI volume, none for NPIV");
      for (const s of attaches) {
        assert.deepEqual(s.resources, [`vios:${hostId(1)}/${s.params?.vios}`]);
        assert.deepEqual(s.dependsOn, [`MapReplicaVolume:${s.lpar}:${s.params?.volume}`]);
        assert.ok(plan.steps.find((r) => r.id === `RestartLpar:${s.lpar}`)?.dependsOn.includes(s.id), `${s.lpar} restarts after ${s.id}`);
      }
      // A source named failed that still answers (Operating): its VIOS lets go of each disk before the SAN unmap.
      for (const s of stepsOf(plan, "DetachVirtualDisk")) {
        assert.deepEqual(s.resources, [`vios:${hostId(0)}/${s.params?.vios}`]);
        assert.deepEqual(plan.steps.find((u) => u.id === `UnmapSourceVolume:${s.lpar}:${s.params?.volume}`)?.dependsOn, [s.id]);
      }
      assert.equal(stepsOf(plan, "DetachVirtualDisk").length, 8);
      // WHEN the source is down THEN its VIOS cannot answer: no detach, the SAN unmap alone cuts it off.
      const down = planFailover({ ...buildWorld({ ...spec, hosts: spec.hosts.map((h, i) => (i === 0 ? { ...h, state: "Error" as const } : h)) }), failure: { failedHosts: [hostId(0)] } });
      assert.equal(stepsOf(down, "DetachVirtualDisk").length, 0);
      for (const s of stepsOf(down, "UnmapSourceVolume")) assert.deepEqual(s.dependsOn, [`FenceSourceLpar:${s.lpar}`]);
      const npiv = plan.placements.find((p) => p.lpar === lparId(3));
      assert.deepEqual(npiv?.volumes.map((v) => [v.via, v.vios]), [["npiv", undefined]]);
    });
  });

  describe("steps and estimate", () => {
    it("takes durations from the latency table (the SAN map and the VIOS attach apart) and limits from the inventory and target", () => {
      const plan = planFailover({ ...buildWorld({ ...twoSites(), maxConcurrentRestarts: 3 }), failure: { failedHosts: [hostId(0)] } });
      const m = (op: keyof typeof DEFAULT_LATENCIES): number => DEFAULT_LATENCIES[op].medianSeconds;
      const vscsiMap = stepsOf(plan, "MapReplicaVolume").find((s) => s.params?.via === "vscsi") as Step;
      assert.equal(vscsiMap.estimateSeconds, m("mapVolume"));
      assert.equal(stepsOf(plan, "AttachVirtualDisk")[0].estimateSeconds, m("viosMapping"));
      assert.equal(stepsOf(plan, "UnmapSourceVolume")[0].estimateSeconds, m("unmapVolume"));
      assert.equal(stepsOf(plan, "RestartLpar")[0].estimateSeconds, m("remoteRestart"));
      assert.equal(stepsOf(plan, "VerifyLpar")[0].estimateSeconds, m("bootLpar"));
      assert.deepEqual(stepsOf(plan, "VerifyLpar")[0].resources, []);
      assert.deepEqual(stepsOf(plan, "RestartLpar")[0].resources, ["hmc:hmc-A", `system:${hostId(1)}`]);
      assert.equal(plan.resources[`system:${hostId(1)}`], 3);
      assert.equal(plan.resources["hmc:hmc-A"], 8);
      assert.equal(plan.resources["storage:svc-A"], 1);
    });

    it("raises a dependency's level to its dependant's and restarts the dependant after it is verified", () => {
      // lpar1 (level 2) waits for lpar0 (level 3): nothing to raise; make lpar0 level 1 instead
      const spec = twoSites();
      const vms = spec.vms.map((v, i) => (i === 0 ? { ...v, level: 1 } : v));
      const plan = planFailover({ ...buildWorld({ ...spec, vms }), failure: { failedHosts: [hostId(0)] } });
      assert.equal(plan.placements.find((p) => p.lpar === lparId(0))?.slaLevel, 2);
      assert.ok(plan.steps.find((s) => s.id === "RestartLpar:lpar1")?.dependsOn.includes("VerifyLpar:lpar0"));
    });

    it("under strict SLA starts no lower-level step before every higher-level step has finished", () => {
      const plan = planFailover({ ...buildWorld(twoSites()), failure: { failedHosts: [hostId(0)] } });
      const { finish } = listSchedule(plan, { strictSla: true });
      const start = (s: Step): number => (finish.get(s.id) as number) - s.estimateSeconds;
      for (const low of plan.steps) {
        for (const high of plan.steps) if (high.slaLevel > low.slaLevel) assert.ok(start(low) >= (finish.get(high.id) as number) - 1e-9, `${low.id} starts before ${high.id} ends`);
      }
    });

    it("computes the lower bound of each mode on a hand-made plan", () => {
      // GIVEN two independent chains: map (storage:s, 10 s) -> restart (system:t limit 2, 100 s)
      const step = (id: string, kind: Step["kind"], secs: number, resources: string[], dependsOn: string[] = []): Step => ({ id, kind, slaLevel: 1, dependsOn, resources, estimateSeconds: secs });
      const plan = {
        steps: [
          step("m1", "MapReplicaVolume", 10, ["storage:s"]),
          step("m2", "MapReplicaVolume", 10, ["storage:s"]),
          step("r1", "RestartLpar", 100, ["system:t"], ["m1"]),
          step("r2", "RestartLpar", 100, ["system:t"], ["m2"]),
        ],
        resources: { "storage:s": 2, "system:t": 2 },
      };
      // THEN parallel: the critical path; parallel-restart: the two maps one after another (20 s)
      // and a restart still to come after the last (100 s); serial: the sum
      assert.equal(lowerBound(plan, { mode: "parallel" }).seconds, 110);
      assert.equal(lowerBound(plan, { mode: "parallel" }).bottleneck, "critical-path");
      assert.equal(lowerBound(plan, { mode: "parallel-restart" }).seconds, 120);
      assert.equal(lowerBound(plan, { mode: "parallel-restart" }).bottleneck, "(one storage step at a time)");
      assert.equal(lowerBound(plan, { mode: "serial" }).seconds, 220);
      assert.equal(listSchedule(plan, { mode: "parallel" }).makespanSeconds, 110);
      assert.equal(listSchedule(plan, { mode: "parallel-restart" }).makespanSeconds, 120);
      assert.equal(listSchedule(plan, { mode: "serial" }).makespanSeconds, 220);
    });
  });

  describe("placement", () => {
    it("lets the lowest level wait when capacity is short, and says why", () => {
      // GIVEN one surviving system with room for one of two VMs
      const plan = planFailover({
        ...buildWorld({ hosts: [{ site: "A", pu: 8, mem: 64 }, { site: "A", pu: 4, mem: 32 }], vms: [{ host: 0, pu: 3, mem: 16, level: 1 }, { host: 0, pu: 3, mem: 16, level: 2 }] }),
        failure: { failedHosts: [hostId(0)] },
      });
      const [high, low] = plan.placements;
      assert.deepEqual([high.lpar, high.target], [lparId(1), hostId(1)]);
      assert.deepEqual([low.lpar, low.target, low.waiting], [lparId(0), null, true]);
      assert.match(low.reason as string, /waits for capacity/);
      assert.equal(plan.groups[0].verdict, "unplaceable");
    });

    it("explains an LPAR too big for any allowed system, and one that is not remote-restart capable", () => {
      const plan = planFailover({
        ...buildWorld({
          hosts: [{ site: "A", pu: 64, mem: 512 }, { site: "A", pu: 8, mem: 64 }],
          vms: [{ host: 0, pu: 16, mem: 32, level: 1 }, { host: 0, pu: 1, mem: 4, level: 1, capable: false }],
          reserve: { processorUnits: 2, memoryGb: 0 },
        }),
        failure: { failedHosts: [hostId(0)] },
      });
      const reasons = new Map(plan.placements.map((p) => [p.lpar, p.reason]));
      assert.match(reasons.get(lparId(0)) as string, /needs 16 processor units and 32 GiB.*at most 6 processor units/);
      assert.match(reasons.get(lparId(1)) as string, /not remote-restart capable/);
    });

    it("keeps anti-affinity members apart, also from members that keep running", () => {
      const plan = planFailover({
        ...buildWorld({
          hosts: [{ site: "A", ...big }, { site: "A", ...big }, { site: "A", ...big }],
          vms: [{ host: 0, pu: 1, mem: 4, level: 1 }, { host: 0, pu: 1, mem: 4, level: 1 }, { host: 1, pu: 1, mem: 4, level: 1 }],
          antiAffinity: [[0, 1, 2]],
        }),
        failure: { failedHosts: [hostId(0)] },
      });
      const targets = new Map(plan.placements.map((p) => [p.lpar, p.target]));
      assert.equal(targets.get(lparId(0)) === hostId(2) || targets.get(lparId(1)) === hostId(2), true);
      assert.ok([...targets.values()].filter((t) => t === hostId(2)).length === 1);
      assert.match(plan.placements.find((p) => p.target === null)?.reason as string, /anti-affinity/);
    });

    it("reads the failure from the inventory when none is given", () => {
      const spec = twoSites();
      const plan = planFailover(buildWorld({ ...spec, hosts: spec.hosts.map((h, i) => (i === 0 ? { ...h, state: "Error" } : h)) }));
      assert.deepEqual(plan.failure, { failedHosts: [hostId(0)], detected: true });
      assert.equal(plan.placements.length, 4);
    });
  });

  describe("errors name the field", () => {
    it("refuses a dependency cycle, naming the VMs and the field", () => {
      const spec = twoSites();
      const vms = spec.vms.map((v, i) => (i === 0 ? { ...v, after: [1] } : v));
      assert.throws(
        () => planFailover({ ...buildWorld({ ...spec, vms }), failure: { failedHosts: [hostId(0)] } }),
        (err: unknown) => err instanceof ValidationError && /`groups\[0\]\.vms\[\d\]\.after` closes a dependency cycle "lpar\d" -> "lpar\d" -> "lpar\d"/.test(err.message),
      );
    });

    it("refuses an unknown recovery target, a dependency on an unprotected LPAR and an unknown failed host together", () => {
      const world = buildWorld(twoSites());
      const model = { ...world.model, groups: world.model.groups.map((g, i) => (i === 0 ? { ...g, recoveryTarget: "nowhere" } : { ...g, vms: [{ lpar: g.vms[0].lpar, after: ["ghost"] }] })) };
      assert.throws(() => planFailover({ model, inventory: world.inventory }), (err: unknown) => {
        assert.ok(err instanceof ValidationError);
        assert.deepEqual(err.issues.map((i) => i.path), ["groups[0].recoveryTarget", "groups[1].vms[0].after[0]"]);
        return true;
      });
      assert.throws(() => planFailover({ ...world, failure: { failedHosts: ["nope"] } }), /`failedHosts\[0\]` "nope" is not a managed system/);
    });

    it("refuses an anti-affinity set naming another group's VM and an LPAR protected twice", () => {
      const world = buildWorld(twoSites());
      const [g0, g1] = world.model.groups;
      const model = {
        ...world.model,
        groups: [{ ...g0, antiAffinity: [[g0.vms[0].lpar, g1.vms[0].lpar]] }, { ...g1, vms: [...g1.vms, { lpar: g0.vms[1].lpar }] }],
      };
      assert.throws(() => planFailover({ model, inventory: world.inventory }), (err: unknown) => {
        assert.ok(err instanceof ValidationError);
        assert.deepEqual(err.issues.map((i) => i.path), ["groups[0].antiAffinity[0][1]", "groups[1].vms[2].lpar"]);
        assert.match(err.message, /names LPAR "lpar2", which is not a VM of group "pg0"/);
        assert.match(err.message, /"lpar1" is already protected by group "pg0"/);
        return true;
      });
    });
  });

  describe("other plan kinds", () => {
    it("planned: shuts down, switches each consistency group after its writers stop, moves and starts", () => {
      const plan = planPlanned({ ...buildWorld(twoSites()), failure: { failedSite: "A" } });
      const kinds = new Set(plan.steps.map((s) => s.kind));
      assert.deepEqual([...kinds].sort(), ["AttachVirtualDisk", "DetachVirtualDisk", "MapReplicaVolume", "MoveLpar", "ShutdownLpar", "StartLpar", "SwitchConsistencyGroup", "UnmapSourceVolume", "VerifyLpar"]);
      // The sources run: each vSCSI disk leaves its VIOS first, then the SAN mapping goes.
      const unmap = plan.steps.find((s) => s.id === "UnmapSourceVolume:lpar2:v2-0") as Step;
      const detach = plan.steps.find((s) => s.id === "DetachVirtualDisk:lpar2:v2-0") as Step;
      assert.deepEqual(unmap.dependsOn, [detach.id]);
      assert.deepEqual(detach.dependsOn, ["ShutdownLpar:lpar2"]);
      assert.deepEqual(detach.resources, [`vios:${hostId(0)}/${detach.params?.vios}`]);
      const sw = stepsOf(plan, "SwitchConsistencyGroup").find((s) => s.params?.consistencyGroup === "cg1") as Step;
      assert.deepEqual(sw.dependsOn, ["ShutdownLpar:lpar2", "ShutdownLpar:lpar3"]);
      assert.equal(sw.params?.primary, "aux");
      const move = plan.steps.find((s) => s.id === "MoveLpar:lpar2") as Step;
      assert.ok(move.dependsOn.includes("UnmapSourceVolume:lpar2:v2-0") && move.dependsOn.includes("AttachVirtualDisk:lpar2:r2-0"));
    });

    it("failback: moves LPARs running on replicas back home, switching replication back", () => {
      // GIVEN the VMs after a failover: on site B, using their replicas
      const world = buildWorld(twoSites());
      const lpars = world.inventory.compute.lpars.map((l) => ({ ...l, host: hostId(2), volumes: l.volumes.map((v) => v.replace(/^v/, "r")) }));
      const hostMappings = lpars.flatMap((l) => l.volumes.map((v) => ({ volume: v, host: hostId(2), via: "vscsi" as const, vios: "vios1" })));
      const consistencyGroups = world.inventory.storage.consistencyGroups.map((c) => ({ ...c, primary: "aux" as const, state: "consistent_synchronized" as const }));
      const plan = planFailback({ model: world.model, inventory: { compute: { ...world.inventory.compute, lpars }, storage: { ...world.inventory.storage, hostMappings, consistencyGroups } } });
      assert.equal(plan.placements.length, 4);
      for (const p of plan.placements) {
        assert.ok(p.target === hostId(0) || p.target === hostId(1), `${p.lpar} goes home, not to ${p.target}`);
        for (const v of p.volumes) assert.equal(v.attach, v.source.replace(/^r/, "v"));
      }
      assert.ok(stepsOf(plan, "SwitchConsistencyGroup").every((s) => s.params?.primary === "master"));
      assert.equal(stepsOf(plan, "ReverseReplication").length, 0);
    });

    it("failback after a lost site: reuses a mapping surviving at the target and unmaps the others before the move", () => {
      // GIVEN the VMs on site B's replicas, and their home mappings on sys0 still there (vSCSI through vios2):
      // the failover's best-effort unmaps failed with the lost site
      const world = buildWorld(twoSites());
      const lpars = world.inventory.compute.lpars.map((l) => ({ ...l, host: hostId(2), volumes: l.volumes.map((v) => v.replace(/^v/, "r")) }));
      const survivors = world.inventory.storage.hostMappings.map((m) => (m.via === "vscsi" ? { ...m, vios: "vios2" } : m));
      const hostMappings = [...survivors, ...lpars.flatMap((l) => l.volumes.map((v) => ({ volume: v, host: hostId(2), via: "vscsi" as const, vios: "vios1" })))];
      const consistencyGroups = world.inventory.storage.consistencyGroups.map((c) => ({ ...c, primary: "aux" as const, state: "consistent_synchronized" as const }));
      // WHEN failback is planned
      const plan = planFailback({ model: world.model, inventory: { compute: { ...world.inventory.compute, lpars }, storage: { ...world.inventory.storage, hostMappings, consistencyGroups } } });
      // THEN LPARs go home to both sys0 (where the mappings survive) and sys1
      const targets = new Set(plan.placements.map((p) => p.target));
      assert.deepEqual([...targets].sort(), [hostId(0), hostId(1)]);
      const byId = new Map(plan.steps.map((s) => [s.id, s]));
      for (const p of plan.placements) {
        const move = byId.get(`MoveLpar:${p.lpar}`) as Step;
        for (const v of p.volumes) {
          const survivor = survivors.find((m) => m.volume === v.attach) as (typeof survivors)[number];
          const map = byId.get(`MapReplicaVolume:${p.lpar}:${v.attach}`) as Step;
          const staleId = `UnmapSourceVolume:${p.lpar}:${v.attach}:${hostId(0)}`;
          if (p.target === hostId(0)) {
            // the surviving mapping is asked for as it is: same protocol, same VIOS
            assert.equal(v.via, survivor.via);
            assert.equal(v.vios, survivor.vios, `${v.attach} keeps its VIOS at ${p.target}`);
            assert.equal(map.params?.vios, survivor.vios);
            assert.ok(!byId.has(staleId), `${v.attach} is not unmapped from the host it stays on`);
          } else {
            // the home mapping on another host goes before the volume is mapped and the LPAR moves
            const unmap = byId.get(staleId);
            assert.ok(unmap, `${v.attach} is unmapped from ${hostId(0)}`);
            assert.deepEqual({ volume: unmap.params?.volume, host: unmap.params?.host }, { volume: v.attach, host: hostId(0) });
            assert.ok(!unmap.bestEffort);
            assert.ok(map.dependsOn.includes(staleId), `${map.id} waits for ${staleId}`);
            assert.ok(move.dependsOn.includes(staleId), `${move.id} waits for ${staleId}`);
          }
        }
      }
    });

    it("drill: FlashCopies each consistency group once, starts copies in the isolated network, then cleans up", () => {
      const plan = planDrill({ ...buildWorld(twoSites()), options: { drillNetwork: "iso" } });
      assert.deepEqual(stepsOf(plan, "CreateFlashCopyGroup").map((s) => s.params?.flashCopyGroup).sort(), ["vmr-drill-cg0", "vmr-drill-cg1"]);
      assert.equal(stepsOf(plan, "FenceSourceLpar").length + stepsOf(plan, "FailoverConsistencyGroup").length, 0, "production is left alone");
      for (const s of stepsOf(plan, "StartDrillLpar")) assert.equal(s.params?.network, "iso");
      const cleanup = plan.steps.filter((s) => s.phase === "cleanup");
      assert.deepEqual([...new Set(cleanup.map((s) => s.kind))].sort(), ["DeleteDrillLpar", "DeleteFlashCopyGroup"]);
      assert.ok(cleanup.every((s) => s.slaLevel === 1), "cleanup runs after every copy is up under strict SLA");
      for (const p of plan.placements) assert.ok(p.target === hostId(2) || p.target === hostId(3));
    });
  });

  describe("N-1 check", () => {
    it("finds the host whose LPARs cannot restart elsewhere", () => {
      // GIVEN a big LPAR on sys0 that fits nowhere else, and small ones on sys1
      const world = buildWorld({
        hosts: [{ site: "A", pu: 32, mem: 256 }, { site: "A", pu: 16, mem: 128 }, { site: "B", pu: 16, mem: 128 }],
        vms: [{ host: 0, pu: 20, mem: 64, level: 1 }, { host: 1, pu: 2, mem: 16, level: 1 }],
        rtoBudgetSeconds: 3600,
      });
      const report = checkSurvivability(world);
      const verdicts = new Map(report.scenarios.map((s) => [`${s.scope} ${s.name}`, s.survivable]));
      assert.equal(verdicts.get(`host ${hostId(0)}`), false);
      assert.equal(verdicts.get(`host ${hostId(1)}`), true);
      assert.equal(verdicts.get(`host ${hostId(2)}`), true);
      assert.equal(verdicts.get("site A"), false);
      assert.equal(report.survivable, false);
    });
  });
});
