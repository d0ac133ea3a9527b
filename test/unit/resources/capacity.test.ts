// The survivability estimate: placement never overfills a system, and the declared fields each
// provider diffs are exactly its schema's properties (a new input can never be missed by diff).
import { strict as assert } from "assert";
import * as fc from "fast-check";
import { placeOnto, systemStatuses } from "../../../provider/resources/runtime/capacity";
import * as group from "../../../provider/resources/runtime/protection-group";
import * as mapping from "../../../provider/resources/runtime/storage-mapping";
import * as target from "../../../provider/resources/runtime/recovery-target";
import { loadSchema } from "../../../provider/validation";
import { lpar, system } from "./fakes";

describe("capacity and placement", () => {
  it("never places more than a system has free, and reports what is missing", () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ pu: fc.integer({ min: 1, max: 16 }), mem: fc.integer({ min: 1, max: 256 }) }), { maxLength: 30 }),
        fc.array(fc.record({ pu: fc.integer({ min: 1, max: 64 }), mem: fc.integer({ min: 8, max: 1024 }) }), { minLength: 1, maxLength: 5 }),
        (vmSizes, systemSizes) => {
          // GIVEN VMs and target systems of random sizes
          const vms = vmSizes.map((s, i) => lpar(`vm${i}`, "src", s.pu / 4, s.mem));
          const systems = systemSizes.map((s, i) => system(`t${i}`, "dr", s.pu, s.mem));
          const statuses = systemStatuses(systems.map((s) => s.id), systems, [], { processorUnits: 0, memoryGb: 0 });
          // WHEN placed
          const p = placeOnto(vms, statuses);
          // THEN every VM is placed or reported, and no system is overfilled
          assert.equal(p.placed.size + p.unplaced.length, vms.length);
          for (const s of systems) {
            const onIt = vms.filter((v) => p.placed.get(v.id) === s.id);
            assert.ok(onIt.reduce((n, v) => n + v.processorUnits, 0) <= s.processorUnits + 1e-6);
            assert.ok(onIt.reduce((n, v) => n + v.memoryGb, 0) <= s.memoryGb + 1e-6);
          }
          // AND the total shortfall is never more than what the unplaced VMs need
          assert.ok(p.missing.memoryGb <= p.unplaced.reduce((n, v) => n + v.memoryGb, 0) + 1e-6);
        },
      ),
    );
  });

  it("counts only active LPARs and never uses a system that is not operating", () => {
    const down = { ...system("t2", "dr"), state: "Error" as const };
    const statuses = systemStatuses(["t1", "t2", "t3"], [system("t1", "dr", 8, 64), down], [lpar("a", "t1", 2, 16), { ...lpar("b", "t1", 4, 32), state: "Not Activated" }], {
      processorUnits: 1,
      memoryGb: 8,
    });
    assert.deepEqual(statuses.map((s) => [s.id, s.state, s.freeProcessorUnits, s.freeMemoryGb]), [["t1", "Operating", 5, 40], ["t2", "Error", 0, 0], ["t3", "Unknown", 0, 0]]);
  });

  for (const [schema, fields] of [
    ["recovery-target", target.DECLARED_FIELDS],
    ["storage-mapping", mapping.DECLARED_FIELDS],
    ["protection-group", group.DECLARED_FIELDS],
  ] as const) {
    it(`diff of ${schema} covers exactly the schema's properties`, () => {
      const properties = Object.keys((loadSchema(schema) as { properties: Record<string, unknown> }).properties).sort();
      assert.deepEqual([...fields].sort(), properties);
    });
  }
});
