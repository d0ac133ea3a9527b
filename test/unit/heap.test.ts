// The heap is the order of the planner's topological sort and list schedule, the executor's
// queues and the simulator's events: it must give out items exactly in the caller's order.
import { strict as assert } from "assert";
import * as fc from "fast-check";
import * as sinon from "sinon";
import { Heap } from "../../provider/heap";

describe("Heap", () => {
  let sandbox: sinon.SinonSandbox;
  beforeEach(() => (sandbox = sinon.createSandbox()));
  afterEach(() => sandbox.restore());

  it("pops items in the order of a stable sort by its ordering, pushes and pops interleaved", () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.integer({ min: 0, max: 20 }), fc.constant(-1)), { maxLength: 300 }), (ops) => {
        // GIVEN keys with many ties, told apart by when they were pushed
        const before = (a: [number, number], b: [number, number]): boolean => a[0] < b[0] || (a[0] === b[0] && a[1] < b[1]);
        const heap = new Heap<[number, number]>(before);
        const reference: [number, number][] = [];
        const popped: ([number, number] | undefined)[] = [];
        const expected: ([number, number] | undefined)[] = [];
        // WHEN pushes (a key) and pops (-1) run in any order
        ops.forEach((op, i) => {
          if (op >= 0) {
            heap.push([op, i]);
            reference.push([op, i]);
          } else {
            popped.push(heap.pop());
            reference.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
            expected.push(reference.shift());
          }
        });
        while (heap.size > 0) popped.push(heap.pop());
        expected.push(...reference.sort((a, b) => a[0] - b[0] || a[1] - b[1]));
        // THEN every pop gives what a sorted list would
        assert.deepEqual(popped, expected);
        assert.equal(heap.pop(), undefined);
      }),
      { numRuns: 200 },
    );
  });
});
