// The heap is the order of the planner's topological sort and list schedule, the executor's
// queues and the simulator's events: it must give out items exactly in the caller's order.
import { strict as assert } from "assert";
import * as fc from "fast-check";
import * as sinon from "sinon";
import { Heap, IndexHeap, RankHeap, TimedHeap } from "../../provider/heap";

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

  it("IndexHeap pops indexes by their two keys, then the index, pushes and pops interleaved, growing past its first capacity", () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 4 }), fc.integer({ min: 0, max: 3 })), { minLength: 1, maxLength: 200 }),
        fc.array(fc.boolean(), { maxLength: 400 }),
        (keys, popAt) => {
          // GIVEN indexes with two keys, with many ties on both
          const first = Float64Array.from(keys, (k) => k[0]);
          const second = Float64Array.from(keys, (k) => k[1]);
          const heap = new IndexHeap(first, second, 2);
          const order = (a: number, b: number): number => first[a] - first[b] || second[a] - second[b] || a - b;
          const waiting: number[] = [];
          let next = 0;
          // WHEN every index is pushed once, with pops in between
          for (const pop of popAt) {
            if (pop) {
              waiting.sort(order);
              assert.equal(heap.pop(), waiting.length > 0 ? waiting.shift() : -1);
            } else if (next < keys.length) {
              heap.push(next);
              waiting.push(next++);
            }
            assert.equal(heap.size, waiting.length);
          }
          // THEN what is left comes out as a sort would give it
          waiting.sort(order);
          assert.equal(heap.peek(), waiting.length > 0 ? waiting[0] : -1);
          for (const expected of waiting) assert.equal(heap.pop(), expected);
          assert.equal(heap.pop(), -1);
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe("RankHeap and TimedHeap (the executor's and the prediction's queues)", () => {
  it("RankHeap pops ranks smallest first, with pushes and pops interleaved, growing past its first size", () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.integer({ min: 0, max: 500 }), fc.constant(-1)), { maxLength: 400 }), (ops) => {
        const heap = new RankHeap();
        const reference: number[] = [];
        for (const op of ops) {
          if (op < 0) {
            reference.sort((a, b) => a - b);
            assert.equal(heap.pop(), reference.length > 0 ? reference.shift() : -1);
          } else {
            heap.push(op);
            reference.push(op);
          }
          assert.equal(heap.size, reference.length);
        }
        reference.sort((a, b) => a - b);
        for (const expected of reference) assert.equal(heap.pop(), expected);
        assert.equal(heap.pop(), -1);
        heap.push(7);
        heap.clear();
        assert.equal(heap.size, 0);
      }),
      { numRuns: 200 },
    );
  });

  it("TimedHeap pops indexes by time, ties by index, as a sort would", () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.integer({ min: 0, max: 30 }), fc.constant(-1)), { maxLength: 400 }), (ops) => {
        const heap = new TimedHeap();
        const waiting: { item: number; time: number }[] = [];
        const order = (a: { item: number; time: number }, b: { item: number; time: number }) => a.time - b.time || a.item - b.item;
        let next = 0;
        for (const op of ops) {
          if (op < 0) {
            waiting.sort(order);
            assert.equal(heap.pop(), waiting.length > 0 ? waiting.shift()!.item : -1);
          } else {
            // times with many ties (0 .. 30, halves included), told apart by index
            heap.push(next, op / 2);
            waiting.push({ item: next++, time: op / 2 });
          }
          assert.equal(heap.size, waiting.length);
        }
        waiting.sort(order);
        for (const expected of waiting) assert.equal(heap.pop(), expected.item);
        assert.equal(heap.pop(), -1);
      }),
      { numRuns: 200 },
    );
  });
});
