// Unplaced LPARs: the shortfall on the best candidate system, per dimension, and who took the
// room there; an `after` closure that cannot run whole spends no capacity.
import { strict as assert } from "assert";
import * as sinon from "sinon";
import type { Placement } from "../../../provider/generated/plan";
import { planFailover } from "../../../provider/planner";
import { buildWorld, hostId, lparId } from "./world";

const failed = { site: "A" as const, pu: 64, mem: 1024 };
const byLpar = (placements: readonly Placement[]): Map<string, Placement> => new Map(placements.map((p) => [p.lpar, p]));

describe("planner: shortfall of an unplaced LPAR", () => {
  const sandbox = sinon.createSandbox();
  afterEach(() => sandbox.restore());

  it("gives the processor units short on the best candidate, not the LPAR's size, and names an equal-priority LPAR that took the room", () => {
    // GIVEN sys0 fails; sys1 has 16.1 processor units and 256 GiB, sys2 only 0.5 units (but 512 GiB)
    // AND lpar2 (level 2, 0.1 units) and lpar0 (level 1, 15.2 units) are placed before lpar1 (level 1, 16 units, 64 GiB)
    const plan = planFailover({
      ...buildWorld({
        hosts: [failed, { site: "A", pu: 16.1, mem: 256 }, { site: "A", pu: 0.5, mem: 512 }],
        vms: [
          { host: 0, pu: 15.2, mem: 160, level: 1 },
          { host: 0, pu: 16, mem: 64, level: 1 },
          { host: 0, pu: 0.1, mem: 8, level: 2 },
        ],
      }),
      failure: { failedHosts: [hostId(0)] },
    });
    // THEN lpar1 waits, short of 16 - 0.8 = 15.2 units on sys1 (the smaller relative shortfall:
    // 15.2/16 against 15.5/16 on sys2), memory not short, the room taken by lpar2 and lpar0
    const p = byLpar(plan.placements);
    assert.deepEqual([p.get(lparId(0))?.target, p.get(lparId(2))?.target], [hostId(1), hostId(1)]);
    const low = p.get(lparId(1)) as Placement;
    assert.deepEqual([low.target, low.waiting], [null, true]);
    assert.deepEqual(low.shortfall, {
      system: hostId(1),
      processorUnits: 15.2,
      takenBy: [
        { lpar: lparId(2), slaLevel: 2, relation: "higher" },
        { lpar: lparId(0), slaLevel: 1, relation: "equal" },
      ],
    });
    assert.equal(
      low.reason,
      'waits for capacity: short of 15.2 processor units on "sys1" (memory is enough): taken by "lpar2" (higher priority) and "lpar0" (equal priority)',
    );
  });

  it("gives the memory short when only memory is short, on the system where it is proportionally least short", () => {
    // GIVEN sys1 with 8 units and 64 GiB, sys2 with 0.5 units and 1 TiB; lpar0 (2 units, 48 GiB) goes first
    const plan = planFailover({
      ...buildWorld({
        hosts: [failed, { site: "A", pu: 8, mem: 64 }, { site: "A", pu: 0.5, mem: 1024 }],
        vms: [
          { host: 0, pu: 2, mem: 48, level: 1 },
          { host: 0, pu: 2, mem: 40, level: 1 },
        ],
      }),
      failure: { failedHosts: [hostId(0)] },
    });
    // THEN lpar1 is 24 GiB short on sys1 (24/40 = 0.6 against 1.5/2 = 0.75 units on sys2), processor units enough
    const low = byLpar(plan.placements).get(lparId(1)) as Placement;
    assert.deepEqual(low.shortfall, { system: hostId(1), memoryGb: 24, takenBy: [{ lpar: lparId(0), slaLevel: 1, relation: "equal" }] });
    assert.equal(low.reason, 'waits for capacity: short of 24 GiB of memory on "sys1" (processor units are enough): taken by "lpar0" (equal priority)');
  });

  it("lists a few of the LPARs that took the room, then counts the others", () => {
    // GIVEN five small level-2 LPARs fill sys1, then a level-1 LPAR needs more than is left
    const plan = planFailover({
      ...buildWorld({
        hosts: [failed, { site: "A", pu: 6, mem: 64 }],
        vms: [...[0, 1, 2, 3, 4].map(() => ({ host: 0, pu: 1, mem: 4, level: 2 })), { host: 0, pu: 3, mem: 4, level: 1 }],
      }),
      failure: { failedHosts: [hostId(0)] },
    });
    const low = byLpar(plan.placements).get(lparId(5)) as Placement;
    assert.equal(low.shortfall?.processorUnits, 2);
    assert.equal(low.shortfall?.takenBy.length, 5);
    assert.match(low.reason as string, /: taken by "lpar\d" \(higher priority\), "lpar\d" \(higher priority\), "lpar\d" \(higher priority\) and 2 more$/);
  });

  it("says how short an LPAR too big for any system is, before any recovery", () => {
    const plan = planFailover({
      ...buildWorld({ hosts: [failed, { site: "A", pu: 8, mem: 64 }], vms: [{ host: 0, pu: 10, mem: 32, level: 1 }] }),
      failure: { failedHosts: [hostId(0)] },
    });
    const p = plan.placements[0];
    assert.deepEqual([p.waiting, p.shortfall], [undefined, { system: hostId(1), processorUnits: 2, takenBy: [] }]);
    assert.match(p.reason as string, /more than any allowed system has free.*: short of 2 processor units on "sys1" \(memory is enough\) before any recovery$/);
  });
});

describe("planner: an `after` closure is placed whole or not at all", () => {
  it("spends no capacity on a database whose application cannot be placed, so a lower level fits", () => {
    // GIVEN sys0 fails; sys1 has 10 units. Group 0: lpar0 (db, 4 units, level 2) and lpar1 (app,
    // 8 units, level 2, after lpar0). Group 1: lpar2 (7 units, level 1).
    const plan = planFailover({
      ...buildWorld({
        hosts: [failed, { site: "A", pu: 10, mem: 256 }],
        vms: [
          { host: 0, pu: 4, mem: 8, level: 2, group: 0 },
          { host: 0, pu: 8, mem: 8, level: 2, group: 0, after: [0] },
          { host: 0, pu: 7, mem: 8, level: 1, group: 1 },
        ],
      }),
      failure: { failedHosts: [hostId(0)] },
    });
    // THEN db and app together do not fit: neither is placed, and lpar2 takes the room
    const p = byLpar(plan.placements);
    assert.deepEqual(
      [lparId(0), lparId(1), lparId(2)].map((l) => p.get(l)?.target),
      [null, null, hostId(1)],
    );
    // AND the app says what it lacks with the db placed; the db says why it is left out
    const app = p.get(lparId(1)) as Placement;
    assert.equal(app.waiting, true);
    assert.deepEqual(app.shortfall, { system: hostId(1), processorUnits: 2, takenBy: [{ lpar: lparId(0), slaLevel: 2, relation: "equal", leftOut: true }] });
    assert.equal(app.reason, 'its `after` closure waits for capacity: short of 2 processor units on "sys1" (memory is enough): taken by "lpar0" (equal priority, left out with it)');
    const db = p.get(lparId(0)) as Placement;
    assert.equal(db.waiting, true);
    assert.equal(db.shortfall, undefined);
    assert.equal(db.reason, `left out so that its room goes to LPARs that can run: LPAR "lpar1", which waits for it, cannot be placed: ${app.reason}`);
    // AND no step starts either of them
    assert.ok(!plan.steps.some((s) => s.id === `RestartLpar:${lparId(0)}` || s.id === `RestartLpar:${lparId(1)}`));
    assert.ok(plan.steps.some((s) => s.id === `RestartLpar:${lparId(2)}`));
  });

  it("names the LPAR really short at the start of a chain", () => {
    // GIVEN db (lpar0) too big for sys1, app (lpar1) after db, web (lpar2) after app
    const plan = planFailover({
      ...buildWorld({
        hosts: [failed, { site: "A", pu: 4, mem: 64 }],
        vms: [
          { host: 0, pu: 8, mem: 8, level: 1 },
          { host: 0, pu: 1, mem: 8, level: 1, after: [0] },
          { host: 0, pu: 1, mem: 8, level: 1, after: [1] },
        ],
      }),
      failure: { failedHosts: [hostId(0)] },
    });
    const p = byLpar(plan.placements);
    const db = p.get(lparId(0)) as Placement;
    assert.equal(p.get(lparId(1))?.reason, `it waits for LPAR "lpar0", which cannot be placed: ${db.reason}`);
    assert.equal(p.get(lparId(2))?.reason, `it waits for LPAR "lpar1", which waits for "lpar0", which cannot be placed: ${db.reason}`);
  });
});
