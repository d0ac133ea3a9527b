// Property over random datacenters: placement by priority with flexible capacity. A level is
// never left waiting, nor shrunk, while a lower level holds capacity it could have had: for
// every LPAR waiting for capacity (or shrunk), no allowed system has room for its start (or its
// full size) in what is free there plus everything lower levels hold there.
import { strict as assert } from "assert";
import * as fc from "fast-check";
import * as sinon from "sinon";
import type { Placement, Plan } from "../../../provider/generated/plan";
import { planFailover } from "../../../provider/planner";
import { buildWorld, hostId, type WorldSpec } from "./world";

const EPS = 1e-6;

const worldArb = fc
  .record({
    hostsA: fc.integer({ min: 1, max: 3 }),
    hostsB: fc.array(fc.record({ pu: fc.integer({ min: 1, max: 16 }), mem: fc.integer({ min: 8, max: 256 }) }), { minLength: 1, maxLength: 4 }),
    vms: fc.array(
      fc.record({
        hostPick: fc.nat(),
        pu: fc.constantFrom(0.5, 1, 2, 4, 8),
        mem: fc.constantFrom(8, 16, 32, 64),
        level: fc.integer({ min: 0, max: 3 }),
        group: fc.integer({ min: 0, max: 2 }),
        minShare: fc.constantFrom(0.1, 0.5, 1),
        onB: fc.boolean(),
      }),
      { minLength: 1, maxLength: 20 },
    ),
    share: fc.option(fc.record({ pu: fc.integer({ min: 10, max: 100 }), mem: fc.integer({ min: 10, max: 100 }) }), { nil: undefined }),
    reserve: fc.record({ processorUnits: fc.constantFrom(0, 1), memoryGb: fc.constantFrom(0, 8) }),
  })
  .map((r): WorldSpec => {
    const hosts: WorldSpec["hosts"] = [
      ...Array.from({ length: r.hostsA }, () => ({ site: "A" as const, pu: 64, mem: 1024 })),
      ...r.hostsB.map((h) => ({ site: "B" as const, pu: h.pu, mem: h.mem })),
    ];
    // Some VMs already run at site B (unprotected): they hold capacity the recovery cannot use.
    const vms = r.vms.map((v) => {
      const host = v.onB ? r.hostsA + (v.hostPick % r.hostsB.length) : v.hostPick % r.hostsA;
      return { host, pu: v.pu, mem: v.mem, level: v.level, group: v.group, min: { pu: v.pu * v.minShare, mem: v.mem * v.minShare }, unprotected: v.onB };
    });
    return {
      hosts,
      vms,
      reserve: r.reserve,
      groups: 3,
      ...(r.share ? { flexible: { processorPercent: r.share.pu, memoryPercent: r.share.mem, appliesTo: "both" as const } } : {}),
    };
  });

interface Size {
  pu: number;
  mem: number;
}
const held = (p: Placement): Size => (p.start?.shrunk ? { pu: p.start.processorUnits, mem: p.start.memoryGb } : { pu: p.processorUnits ?? 0, mem: p.memoryGb ?? 0 });

/** Per site-B system: free after the plan (beyond the reserve), and what LPARs placed there hold, by LPAR. */
function capacityAfter(spec: WorldSpec, plan: Plan): Map<string, { free: Size; placed: Placement[] }> {
  const out = new Map<string, { free: Size; placed: Placement[] }>();
  spec.hosts.forEach((h, i) => {
    if (h.site !== "B") return;
    const running = spec.vms.filter((v) => v.host === i);
    const placed = plan.placements.filter((p) => p.target === hostId(i));
    const pu = h.pu - (spec.reserve?.processorUnits ?? 0) - running.reduce((s, v) => s + v.pu, 0) - placed.reduce((s, p) => s + held(p).pu, 0);
    const mem = h.mem - (spec.reserve?.memoryGb ?? 0) - running.reduce((s, v) => s + v.mem, 0) - placed.reduce((s, p) => s + held(p).mem, 0);
    out.set(hostId(i), { free: { pu, mem }, placed });
  });
  return out;
}

describe("planner: placement by priority with flexible capacity (property)", () => {
  const sandbox = sinon.createSandbox();
  afterEach(() => sandbox.restore());

  it("never leaves a level waiting or shrunk while a lower level holds room it could have had; never overcommits; never goes below a minimum", () => {
    fc.assert(
      fc.property(worldArb, (spec) => {
        const plan = planFailover({ ...buildWorld(spec), failure: { failedSite: "A" } });
        const systems = capacityAfter(spec, plan);
        const minOf = new Map(spec.vms.map((v, i) => [`lpar${i}`, v.min ?? { pu: v.pu, mem: v.mem }]));
        // (what ran there before may already eat into the reserve: only what the plan adds is judged)
        for (const [id, s] of systems) if (s.placed.length > 0) assert.ok(s.free.pu >= -EPS && s.free.mem >= -EPS, `${id} overcommitted: ${JSON.stringify(s.free)}`);
        for (const p of plan.placements) {
          const start = held(p);
          const min = minOf.get(p.lpar) as Size;
          assert.ok(start.pu >= min.pu - EPS && start.mem >= min.mem - EPS, `${p.lpar} starts below its minimum`);
          const waits = p.target === null && p.waiting === true && (p.reason ?? "").startsWith("waits for capacity");
          const shrunk = p.target !== null && p.start?.shrunk === true;
          if (!waits && !shrunk) continue;
          // What it needed: its start size when waiting, its full size when shrunk.
          const need: Size = waits ? held(p) : { pu: p.processorUnits ?? 0, mem: p.memoryGb ?? 0 };
          for (const [id, s] of systems) {
            const lower = s.placed.filter((q) => q.slaLevel < p.slaLevel);
            const own = p.target === id ? held(p) : { pu: 0, mem: 0 };
            const room = { pu: s.free.pu + own.pu + lower.reduce((x, q) => x + held(q).pu, 0), mem: s.free.mem + own.mem + lower.reduce((x, q) => x + held(q).mem, 0) };
            assert.ok(
              room.pu < need.pu - EPS || room.mem < need.mem - EPS,
              `${p.lpar} (level ${p.slaLevel}) ${waits ? "waits" : "is shrunk"} though ${id} has ${JSON.stringify(room)} counting lower levels, for ${JSON.stringify(need)}`,
            );
          }
        }
      }),
      { numRuns: 300 },
    );
  });
});
