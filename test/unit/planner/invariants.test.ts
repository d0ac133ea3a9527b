// Property-based tests of the planner's invariants over random small datacenters.
import { strict as assert } from "assert";
import * as fc from "fast-check";
import * as sinon from "sinon";
import type { Plan } from "../../../provider/generated/plan";
import { lowerBound, listSchedule, makePlan, planFailback, planFailover, serialSeconds, type Inventory } from "../../../provider/planner";
import { validate } from "../../../provider/validation";
import { buildWorld, hostId, lparId, type WorldSpec } from "./world";

const EPS = 1e-6;

const worldArb: fc.Arbitrary<{ spec: WorldSpec; failed: { host: number } | { site: "A" | "B" } }> = fc
  .record({
    hosts: fc.array(
      fc.record({ site: fc.constantFrom<"A" | "B">("A", "B"), pu: fc.integer({ min: 2, max: 24 }), mem: fc.integer({ min: 16, max: 256 }), vioses: fc.constantFrom(["vios1"], ["vios1", "vios2"], ["v1", "v2", "v3"]).map((v) => [...v]) }),
      { minLength: 2, maxLength: 7 },
    ),
    vms: fc.array(
      fc.record({
        hostPick: fc.nat(),
        pu: fc.constantFrom(0.5, 1, 1.5, 2, 4, 8),
        mem: fc.constantFrom(4, 8, 16, 32, 64),
        level: fc.integer({ min: 0, max: 3 }),
        group: fc.integer({ min: 0, max: 2 }),
        afterPick: fc.option(fc.nat(), { nil: undefined }),
        volumes: fc.integer({ min: 1, max: 4 }),
        via: fc.constantFrom<"vscsi" | "npiv">("vscsi", "vscsi", "npiv"),
      }),
      { minLength: 1, maxLength: 24 },
    ),
    aaPairs: fc.array(fc.tuple(fc.nat(), fc.nat()), { maxLength: 3 }),
    reserve: fc.record({ processorUnits: fc.constantFrom(0, 1, 2), memoryGb: fc.constantFrom(0, 8, 16) }),
    maxConcurrentRestarts: fc.option(fc.integer({ min: 1, max: 4 }), { nil: undefined }),
    failPick: fc.nat(),
    failSite: fc.boolean(),
  })
  .map((r) => {
    const vms = r.vms.map((v, i) => {
      // Dependencies only point to earlier VMs of the same group: acyclic by construction.
      const earlier = r.vms.slice(0, i).map((_, j) => j).filter((j) => r.vms[j].group === v.group);
      const after = v.afterPick !== undefined && earlier.length > 0 ? [earlier[v.afterPick % earlier.length]] : [];
      return { host: v.hostPick % r.hosts.length, pu: v.pu, mem: v.mem, level: v.level, group: v.group, after, volumes: v.volumes, via: v.via };
    });
    const antiAffinity = r.aaPairs
      .map(([a, b]) => [a % vms.length, b % vms.length])
      .filter(([a, b]) => a !== b && vms[a].group === vms[b].group);
    const spec: WorldSpec = { hosts: r.hosts, vms, antiAffinity, reserve: r.reserve, maxConcurrentRestarts: r.maxConcurrentRestarts, groups: 3 };
    const failed = r.failSite ? { site: r.hosts[r.failPick % r.hosts.length].site } : { host: r.failPick % r.hosts.length };
    return { spec, failed };
  });

function planOf(spec: WorldSpec, failed: { host: number } | { site: "A" | "B" }): Plan {
  const { model, inventory } = buildWorld(spec);
  return planFailover({ model, inventory, failure: "host" in failed ? { failedHosts: [hostId(failed.host)] } : { failedSite: failed.site } });
}

function failedSet(spec: WorldSpec, failed: { host: number } | { site: "A" | "B" }): Set<string> {
  return new Set("host" in failed ? [hostId(failed.host)] : spec.hosts.map((h, i) => (h.site === failed.site ? hostId(i) : "")).filter(Boolean));
}

/** Free capacity of each system after the plan: size minus LPARs that stay minus LPARs placed there. */
function freeAfter(spec: WorldSpec, plan: Plan, failed: Set<string>): Map<string, { pu: number; mem: number }> {
  const free = new Map(spec.hosts.map((h, i) => [hostId(i), { pu: h.pu, mem: h.mem }]));
  spec.vms.forEach((vm, i) => {
    if (failed.has(hostId(vm.host))) return;
    const f = free.get(hostId(vm.host)) as { pu: number; mem: number };
    f.pu -= vm.pu;
    f.mem -= vm.mem;
    void i;
  });
  for (const p of plan.placements) {
    if (p.target === null) continue;
    const f = free.get(p.target) as { pu: number; mem: number };
    f.pu -= p.processorUnits as number;
    f.mem -= p.memoryGb as number;
  }
  return free;
}

function assertUniqueIds(steps: readonly { id: string }[]): void {
  const seen = new Set<string>();
  for (const s of steps) {
    assert.ok(!seen.has(s.id), `step id ${s.id} is used twice`);
    seen.add(s.id);
  }
}

describe("planner invariants (property-based)", () => {
  const sandbox = sinon.createSandbox();
  afterEach(() => sandbox.restore());
  const runs = { numRuns: 150 };

  it("produces a plan valid against schemas/plan.schema.json, each step id once", () => {
    fc.assert(
      fc.property(worldArb, ({ spec, failed }) => {
        // GIVEN a random datacenter and failure WHEN planned THEN the plan matches its schema
        const plan = planOf(spec, failed);
        assert.deepEqual(validate("plan", JSON.parse(JSON.stringify(plan))), []);
        // AND no step id is used twice: the executor and the journal key steps by id
        assertUniqueIds(plan.steps);
      }),
      runs,
    );
  });

  it("places every affected VM or says why, and never fills a system beyond its capacity minus the reserve", () => {
    fc.assert(
      fc.property(worldArb, ({ spec, failed }) => {
        const plan = planOf(spec, failed);
        const down = failedSet(spec, failed);
        // The VMs of the failed servers, and the writers of their consistency groups that move with them.
        const affected = spec.vms.map((vm, i) => ({ vm, i })).filter(({ vm }) => down.has(hostId(vm.host))).map(({ i }) => lparId(i)).sort();
        assert.deepEqual(plan.placements.filter((p) => p.movesWith === undefined).map((p) => p.lpar).sort(), affected);
        for (const p of plan.placements.filter((x) => x.movesWith !== undefined)) assert.ok(p.target !== null && !down.has(p.source), `${p.lpar} joins only to be placed`);
        for (const p of plan.placements) {
          if (p.target === null) assert.ok(p.reason && p.reason.length > 10, `${p.lpar} has no reason`);
          else assert.ok(!down.has(p.target), `${p.lpar} placed on failed ${p.target}`);
        }
        const free = freeAfter(spec, plan, down);
        const reserve = spec.reserve ?? { processorUnits: 0, memoryGb: 0 };
        const targets = new Set(plan.placements.map((p) => p.target).filter((t): t is string => t !== null));
        for (const t of targets) {
          const f = free.get(t) as { pu: number; mem: number };
          assert.ok(f.pu >= reserve.processorUnits - EPS && f.mem >= reserve.memoryGb - EPS, `${t} over capacity: ${JSON.stringify(f)}`);
        }
      }),
      runs,
    );
  });

  it("never lets a higher SLA level wait for capacity that a lower level got", () => {
    fc.assert(
      fc.property(worldArb, ({ spec, failed }) => {
        const plan = planOf(spec, failed);
        const down = failedSet(spec, failed);
        const free = freeAfter(spec, plan, down);
        const reserve = spec.reserve ?? { processorUnits: 0, memoryGb: 0 };
        const where = new Map(plan.placements.filter((p) => p.target).map((p) => [p.lpar, p.target as string]));
        // Where each LPAR runs after the plan: placed ones (those on failed servers, and the
        // writers that move with their consistency group) at their targets, the others at home.
        spec.vms.forEach((vm, i) => {
          if (!down.has(hostId(vm.host)) && !where.has(lparId(i))) where.set(lparId(i), hostId(vm.host));
        });
        for (const w of plan.placements.filter((p) => p.waiting && p.reason?.startsWith("waits for capacity"))) {
          const banned = new Set(
            (spec.antiAffinity ?? []).filter((s) => s.map(lparId).includes(w.lpar)).flatMap((s) => s.map(lparId)).filter((l) => l !== w.lpar).map((l) => where.get(l)),
          );
          for (const p of plan.placements) {
            if (p.target === null || p.slaLevel >= w.slaLevel || banned.has(p.target)) continue;
            const f = free.get(p.target) as { pu: number; mem: number };
            const fits =
              f.pu + (p.processorUnits as number) - reserve.processorUnits >= (w.processorUnits as number) - EPS &&
              f.mem + (p.memoryGb as number) - reserve.memoryGb >= (w.memoryGb as number) - EPS;
            assert.ok(!fits, `${w.lpar} (level ${w.slaLevel}) waits while ${p.lpar} (level ${p.slaLevel}) took room it fits in on ${p.target}`);
          }
        }
      }),
      runs,
    );
  });

  it("honours anti-affinity, dependencies, fencing and storage order, and SLA levels along every edge", () => {
    fc.assert(
      fc.property(worldArb, ({ spec, failed }) => {
        const plan = planOf(spec, failed);
        const down = failedSet(spec, failed);
        const where = new Map(plan.placements.filter((p) => p.target).map((p) => [p.lpar, p.target as string]));
        // Where each LPAR runs after the plan: placed ones (those on failed servers, and the
        // writers that move with their consistency group) at their targets, the others at home.
        spec.vms.forEach((vm, i) => {
          if (!down.has(hostId(vm.host)) && !where.has(lparId(i))) where.set(lparId(i), hostId(vm.host));
        });
        for (const set of spec.antiAffinity ?? []) {
          // The generated starting point may already break a set; the plan must not add to it.
          for (const moved of set.map(lparId).filter((l) => plan.placements.some((p) => p.lpar === l && p.target))) {
            const others = set.map(lparId).filter((l) => l !== moved).map((l) => where.get(l));
            assert.ok(!others.includes(where.get(moved)), `anti-affinity ${set.map(lparId)}: ${moved} placed next to a member on ${where.get(moved)}`);
          }
        }
        const byId = new Map(plan.steps.map((s, i) => [s.id, { s, i }]));
        plan.steps.forEach((s, i) => {
          for (const d of s.dependsOn) {
            const dep = byId.get(d);
            assert.ok(dep && dep.i < i, `${s.id} depends on ${d}, which is missing or later`);
            assert.ok(dep.s.slaLevel >= s.slaLevel, `${s.id} (level ${s.slaLevel}) depends on lower-level ${d}`);
          }
        });
        for (const p of plan.placements.filter((x) => x.target)) {
          // An LPAR moving with its consistency group runs on a server that is up: shut down and moved.
          const restart = byId.get(p.movesWith ? `MoveLpar:${p.lpar}` : `RestartLpar:${p.lpar}`)?.s;
          assert.ok(restart, `no restart for placed ${p.lpar}`);
          assert.ok(restart.dependsOn.includes(p.movesWith ? `ShutdownLpar:${p.lpar}` : `FenceSourceLpar:${p.lpar}`));
          if (p.movesWith) assert.ok(!down.has(p.source) && p.target !== null, `${p.lpar} joins from a server that is up, and is placed`);
          for (const v of p.volumes) {
            const map = byId.get(`MapReplicaVolume:${p.lpar}:${v.attach}`)?.s;
            assert.ok(map && map.resources.every((r) => r.startsWith("storage:")), `${v.attach}: the SAN map of ${p.lpar} holds only its storage system`);
            if (v.via === "vscsi") {
              // The VIOS part is a step of its own, after the SAN map, holding only that VIOS.
              const attach = byId.get(`AttachVirtualDisk:${p.lpar}:${v.attach}`)?.s;
              assert.ok(attach && attach.dependsOn.includes(map.id), `${p.lpar}: ${v.attach} is attached on the VIOS before it is mapped on the SAN`);
              assert.deepEqual(attach.resources, [`vios:${p.target}/${v.vios}`]);
              assert.ok(restart.dependsOn.includes(attach.id), `${p.lpar} restarts before its VIOS serves ${v.attach}`);
            } else assert.ok(restart.dependsOn.includes(map.id), `${p.lpar} restarts before ${v.attach} is mapped`);
          }
          const i = Number(p.lpar.slice(4));
          for (const a of spec.vms[i].after ?? []) {
            const other = plan.placements.find((x) => x.lpar === lparId(a));
            if (!other) continue; // not affected: it already runs
            if (other.target === null) assert.equal(p.target, null);
            else {
              assert.ok(restart.dependsOn.includes(`VerifyLpar:${lparId(a)}`), `${p.lpar} does not wait for ${lparId(a)}`);
              assert.ok(other.slaLevel >= p.slaLevel);
            }
          }
        }
      }),
      runs,
    );
  });

  it("is deterministic, also when the inventory lists things in another order", () => {
    fc.assert(
      fc.property(worldArb, ({ spec, failed }) => {
        const { model, inventory } = buildWorld(spec);
        const failure = "host" in failed ? { failedHosts: [hostId(failed.host)] } : { failedSite: failed.site };
        const a = planFailover({ model, inventory, failure });
        const reversed = {
          compute: { ...inventory.compute, lpars: [...inventory.compute.lpars].reverse(), managedSystems: [...inventory.compute.managedSystems].reverse() },
          storage: { ...inventory.storage, volumes: [...inventory.storage.volumes].reverse(), hostMappings: [...inventory.storage.hostMappings].reverse() },
        };
        const b = planFailover({ model, inventory: reversed, failure });
        assert.equal(JSON.stringify(b), JSON.stringify(a));
      }),
      { numRuns: 80 },
    );
  });

  it("keeps every lower bound at or below the list-scheduled makespan of the same mode", () => {
    fc.assert(
      fc.property(worldArb, ({ spec, failed }) => {
        const plan = planOf(spec, failed);
        assert.ok(plan.estimate.lowerBoundSeconds <= plan.estimate.makespanSeconds + EPS);
        for (const strictSla of [false, true]) {
          const bounds = (["parallel", "parallel-restart", "serial"] as const).map((mode) => {
            const lb = lowerBound(plan, { strictSla, mode }).seconds;
            const ms = listSchedule(plan, { strictSla, mode }).makespanSeconds;
            assert.ok(lb <= ms + EPS, `${mode} strict=${strictSla}: bound ${lb} > makespan ${ms}`);
            return lb;
          });
          assert.ok(bounds[0] <= bounds[1] + EPS && bounds[1] <= bounds[2] + EPS, `bounds not ordered: ${bounds}`);
          assert.ok(Math.abs(bounds[2] - serialSeconds(plan)) < EPS);
        }
      }),
      runs,
    );
  });

  it("makes planned, drill and failback plans that match the schema, keep the DAG ordered and bound their makespan", () => {
    fc.assert(
      fc.property(worldArb, fc.constantFrom("planned" as const, "drill" as const, "failback" as const), ({ spec, failed }, kind) => {
        // GIVEN a random datacenter WHEN a plan of another kind is made
        const { model, inventory } = buildWorld(spec);
        const failure = kind === "failback" ? {} : "host" in failed ? { failedHosts: [hostId(failed.host)] } : { failedSite: failed.site };
        const plan = makePlan(kind, { model, inventory, failure });
        // THEN it is valid, every dependency comes earlier and is of a level at least as high
        assert.deepEqual(validate("plan", JSON.parse(JSON.stringify(plan))), []);
        assertUniqueIds(plan.steps);
        const position = new Map(plan.steps.map((s, i) => [s.id, i]));
        const level = new Map(plan.steps.map((s) => [s.id, s.slaLevel]));
        plan.steps.forEach((s, i) => {
          for (const d of s.dependsOn) {
            assert.ok((position.get(d) as number) < i, `${s.id} before its dependency ${d}`);
            assert.ok((level.get(d) as number) >= s.slaLevel);
          }
        });
        // AND no placed LPAR lands on a host being vacated, and the lower bound holds
        for (const p of plan.placements) if (p.target !== null && kind !== "failback") assert.notEqual(p.target, p.source);
        assert.ok(plan.estimate.lowerBoundSeconds <= plan.estimate.makespanSeconds + EPS);
      }),
      { numRuns: 100 },
    );
  });

  it("fails back after a lost site with every volume mapped once, to the host its LPAR goes to", () => {
    fc.assert(
      fc.property(worldArb, fc.nat(), ({ spec }, viosPick) => {
        // GIVEN site A's VMs recovered on site B's replicas, their home mappings left behind
        // (through any VIOS of the home host): the lost site's unmaps failed
        const { model, inventory } = buildWorld(spec);
        const bHosts = spec.hosts.map((h, i) => (h.site === "B" ? i : -1)).filter((i) => i >= 0);
        if (bHosts.length === 0) return;
        const viosesOf = (i: number): string[] => (spec.hosts[i].vioses && spec.hosts[i].vioses.length > 0 ? spec.hosts[i].vioses : ["vios1", "vios2"]) as string[];
        const lpars = inventory.compute.lpars.map((l, i) =>
          spec.hosts[spec.vms[i].host].site !== "A" ? l : { ...l, host: hostId(bHosts[i % bHosts.length]), volumes: l.volumes.map((v) => v.replace(/^v/, "r")) },
        );
        const home = inventory.storage.hostMappings.map((m, k) => {
          const vioses = viosesOf(Number(m.host.slice(3)));
          return m.via === "vscsi" ? { ...m, vios: vioses[(viosPick + k) % vioses.length] } : m;
        });
        const replicas = lpars
          .filter((l) => l.volumes.some((v) => v.startsWith("r")))
          .flatMap((l) => l.volumes.map((volume) => ({ volume, host: l.host, via: "vscsi" as const, vios: viosesOf(Number(l.host.slice(3)))[0] })));
        const after: Inventory = {
          compute: { ...inventory.compute, lpars },
          storage: {
            ...inventory.storage,
            hostMappings: [...home, ...replicas],
            consistencyGroups: inventory.storage.consistencyGroups.map((c) => ({ ...c, primary: "aux" as const })),
          },
        };
        // WHEN failback is planned and its unmaps and maps are applied to the mapping table
        const plan = planFailback({ model, inventory: after });
        const table = new Map<string, { host: string; via: string; vios?: string }[]>();
        for (const m of after.storage.hostMappings) table.set(m.volume, [...(table.get(m.volume) ?? []), { host: m.host, via: m.via, vios: m.vios }]);
        const unmaps = plan.steps.filter((s) => s.kind === "UnmapSourceVolume");
        for (const u of unmaps) table.set(u.params?.volume as string, (table.get(u.params?.volume as string) ?? []).filter((m) => m.host !== u.params?.host));
        for (const m of plan.steps.filter((s) => s.kind === "MapReplicaVolume")) {
          const volume = m.params?.volume as string;
          // THEN no map asks for a mapping the storage would refuse, and each waits for the unmaps of its volume
          const existing = (table.get(volume) ?? []).find((x) => x.host === m.params?.host);
          if (existing) assert.deepEqual([existing.via, existing.vios], [m.params?.via, m.params?.vios], `${m.id} reuses the surviving mapping`);
          else table.set(volume, [...(table.get(volume) ?? []), { host: m.params?.host as string, via: m.params?.via as string, vios: m.params?.vios }]);
          for (const u of unmaps) if (u.params?.volume === volume) assert.ok(m.dependsOn.includes(u.id), `${m.id} waits for ${u.id}`);
        }
        // AND every volume of every placed LPAR ends mapped once, to its target, before it moves
        for (const p of plan.placements) {
          if (p.target === null) continue;
          for (const v of p.volumes) assert.deepEqual((table.get(v.attach) ?? []).map((m) => m.host), [p.target], `${v.attach} of ${p.lpar}`);
          const move = plan.steps.find((s) => s.id === `MoveLpar:${p.lpar}`) as Plan["steps"][number];
          for (const u of unmaps) if (u.lpar === p.lpar) assert.ok(move.dependsOn.includes(u.id), `${move.id} waits for ${u.id}`);
        }
      }),
      { numRuns: 100 },
    );
  });
});
