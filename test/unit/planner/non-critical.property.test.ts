// Property over random datacenters: non-critical VMs at a short recovery site (the target's
// `nonCritical`). The plan stops only VMs declared non-critical, each for someone of a higher
// level; it never overcommits a system; it never stops a VM whose room it leaves unused; level by
// level from the highest it places as many LPARs as without them, until a level where it places
// more; and no LPAR waits while one system's free room and its unstopped non-critical VMs of
// lower levels would hold it.
import { strict as assert } from "assert";
import * as fc from "fast-check";
import type { Placement, Plan } from "../../../provider/generated/plan";
import type { NonCriticalSpec, ProtectionModel } from "../../../provider/model/protection";
import { planFailover, type Inventory } from "../../../provider/planner";
import { buildWorld, hostId, lparId, type WorldSpec } from "./world";

const EPS = 1e-6;

interface Case {
  readonly spec: WorldSpec;
  /** By VM index (unprotected VMs at site B only): declared non-critical at this level and action. */
  readonly nonCritical: ReadonlyMap<number, { slaLevel: number; action: "stop" | "suspend" }>;
}

const caseArb = fc
  .record({
    hostsA: fc.integer({ min: 1, max: 2 }),
    hostsB: fc.array(fc.record({ pu: fc.integer({ min: 2, max: 16 }), mem: fc.integer({ min: 16, max: 256 }) }), { minLength: 1, maxLength: 4 }),
    protectedVms: fc.array(fc.record({ hostPick: fc.nat(), pu: fc.constantFrom(0.5, 1, 2, 4), mem: fc.constantFrom(8, 16, 32), level: fc.integer({ min: 1, max: 3 }), group: fc.integer({ min: 0, max: 2 }) }), { minLength: 1, maxLength: 14 }),
    testVms: fc.array(
      fc.record({ hostPick: fc.nat(), pu: fc.constantFrom(0.5, 1, 2, 4), mem: fc.constantFrom(8, 16, 32), level: fc.integer({ min: 0, max: 2 }), declared: fc.boolean(), suspend: fc.boolean() }),
      { minLength: 1, maxLength: 10 },
    ),
    reserve: fc.record({ processorUnits: fc.constantFrom(0, 1), memoryGb: fc.constantFrom(0, 8) }),
  })
  .map((r): Case => {
    const hosts: WorldSpec["hosts"] = [...Array.from({ length: r.hostsA }, () => ({ site: "A" as const, pu: 64, mem: 1024 })), ...r.hostsB.map((h) => ({ site: "B" as const, pu: h.pu, mem: h.mem }))];
    const protectedVms = r.protectedVms.map((v) => ({ host: v.hostPick % r.hostsA, pu: v.pu, mem: v.mem, level: v.level, group: v.group }));
    const testVms = r.testVms.map((v) => ({ host: r.hostsA + (v.hostPick % r.hostsB.length), pu: v.pu, mem: v.mem, level: 0, unprotected: true }));
    const nonCritical = new Map<number, { slaLevel: number; action: "stop" | "suspend" }>();
    r.testVms.forEach((v, k) => {
      if (v.declared) nonCritical.set(protectedVms.length + k, { slaLevel: v.level, action: v.suspend ? "suspend" : "stop" });
    });
    return { spec: { hosts, vms: [...protectedVms, ...testVms], reserve: r.reserve, groups: 3 }, nonCritical };
  });

function worldOf(c: Case, declare: boolean): { model: ProtectionModel; inventory: Inventory } {
  const { model, inventory } = buildWorld(c.spec);
  const specs: NonCriticalSpec[] = [...c.nonCritical].map(([i, n]) => ({ lpar: lparId(i), ...n }));
  return { model: { ...model, targets: model.targets.map((t) => ({ ...t, nonCritical: declare ? specs : [] })) }, inventory };
}

/** LPARs placed per SLA level, the highest first. */
const byLevel = (plan: Plan): number[] => [3, 2, 1, 0].map((level) => plan.placements.filter((p) => p.target !== null && p.slaLevel === level).length);

describe("planner: non-critical VMs at a short recovery site (property)", () => {
  it("stops only declared VMs, each for a higher level and only when its room is used; never overcommits; places as many at each level, from the highest, until it places more; leaves none waiting that one system could hold", () => {
    fc.assert(
      fc.property(caseArb, (c) => {
        const plan = planFailover({ ...worldOf(c, true), failure: { failedSite: "A" } });
        const without = planFailover({ ...worldOf(c, false), failure: { failedSite: "A" } });
        const stopped = new Map((plan.nonCritical ?? []).filter((n) => n.resume !== true).map((n) => [n.lpar, n]));
        const levelOf = new Map(plan.placements.map((p) => [p.lpar, p.slaLevel]));
        const reserve = c.spec.reserve ?? { processorUnits: 0, memoryGb: 0 };
        // Only declared VMs, each for someone placed above its level
        for (const [lpar, n] of stopped) {
          const declared = c.nonCritical.get(Number(lpar.slice("lpar".length)));
          assert.ok(declared !== undefined, `${lpar} stopped but not declared non-critical`);
          assert.equal(n.action, declared.action, `${lpar} ${n.action}, declared ${declared.action}`);
          assert.ok((n.for ?? []).length > 0 && (n.for ?? []).every((l) => (levelOf.get(l) as number) > declared.slaLevel), `${lpar} (level ${declared.slaLevel}) stopped for ${JSON.stringify(n.for)}`);
        }
        // Level by level from the highest, as many placed as without them, until a level has more
        const lead = byLevel(plan).map((n, k) => n - byLevel(without)[k]).find((d) => d !== 0) ?? 0;
        assert.ok(lead >= 0, `fewer placed at some level with non-critical VMs than without: ${JSON.stringify(byLevel(plan))} against ${JSON.stringify(byLevel(without))}`);
        // Per site-B system: free after the plan beyond the reserve, the stopped VMs' room counted free
        const freeAfter = new Map<string, { pu: number; mem: number }>();
        c.spec.hosts.forEach((h, i) => {
          if (h.site !== "B") return;
          const running = c.spec.vms.map((v, k) => ({ v, id: lparId(k) })).filter(({ v, id }) => v.host === i && !stopped.has(id));
          const placed = plan.placements.filter((p) => p.target === hostId(i));
          const pu = h.pu - reserve.processorUnits - running.reduce((s, { v }) => s + v.pu, 0) - placed.reduce((s, p) => s + (p.processorUnits ?? 0), 0);
          const mem = h.mem - reserve.memoryGb - running.reduce((s, { v }) => s + v.mem, 0) - placed.reduce((s, p) => s + (p.memoryGb ?? 0), 0);
          if (placed.length > 0) assert.ok(pu >= -EPS && mem >= -EPS, `${hostId(i)} overcommitted: ${pu} units, ${mem} GiB free`);
          freeAfter.set(hostId(i), { pu, mem });
        });
        for (const [lpar, n] of stopped) {
          const v = c.spec.vms[Number(lpar.slice("lpar".length))];
          const free = freeAfter.get(n.system) as { pu: number; mem: number };
          assert.ok(free.pu < v.pu - EPS || free.mem < v.mem - EPS, `${lpar} stopped, yet ${n.system} keeps ${JSON.stringify(free)} free after the plan, room for it`);
        }
        // No LPAR waits while a system's free room and its unstopped non-critical VMs below its level would hold it
        const waiting = plan.placements.filter((p: Placement) => p.target === null && p.waiting === true && (p.reason ?? "").startsWith("waits for capacity"));
        for (const p of waiting) {
          for (const [system, free] of freeAfter) {
            const yielding = [...c.nonCritical].filter(([i, n]) => hostId(c.spec.vms[i].host) === system && n.slaLevel < p.slaLevel && !stopped.has(lparId(i)));
            const pu = free.pu + yielding.reduce((s, [i]) => s + c.spec.vms[i].pu, 0);
            const mem = free.mem + yielding.reduce((s, [i]) => s + c.spec.vms[i].mem, 0);
            assert.ok(pu < (p.processorUnits ?? 0) - EPS || mem < (p.memoryGb ?? 0) - EPS, `${p.lpar} (level ${p.slaLevel}) waits though ${system} has ${pu} units and ${mem} GiB with its non-critical VMs below that level`);
          }
        }
      }),
      { numRuns: 300 },
    );
  });
});
