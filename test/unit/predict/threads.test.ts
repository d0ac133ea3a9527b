import { strict as assert } from "assert";
import * as os from "os";
import { seededRandom, seededRandomAt } from "../../../provider/random";
import { predictRuns } from "../../../provider/predict/predict";
import { drawOnThreads, threadsFor, WORK_PER_THREAD } from "../../../provider/predict/threads";
import type { SamplingInput } from "../../../provider/predict/sampling-input";
import { plan, step } from "../executor/plans";

const restart = (id: string) => step(id, { kind: "RestartLpar", group: "g", lpar: id, estimateSeconds: 120 });
const groups = [{ name: "g", lpars: [], estimatedRtoSeconds: 0, verdict: "no-budget" as const }];

describe("random/seededRandomAt", () => {
  it("is seededRandom's stream with its first numbers passed over", () => {
    // GIVEN 5,000 numbers of one seed's stream
    const stream = seededRandom(42);
    const numbers = Array.from({ length: 5000 }, () => stream());
    // THEN the stream started at any offset gives the numbers from that offset on
    for (const skip of [0, 1, 2, 999, 4990]) {
      const at = seededRandomAt(42, skip);
      assert.deepEqual(Array.from({ length: 10 }, () => at()), numbers.slice(skip, skip + 10), `skip ${skip}`);
    }
  });

  it("wraps around its 2^32-long cycle", () => {
    // GIVEN offsets one whole cycle apart THEN the streams are the same
    const a = seededRandomAt(7, 123);
    const b = seededRandomAt(7, 2 ** 32 + 123);
    assert.deepEqual([a(), a(), a()], [b(), b(), b()]);
  });
});

describe("predict/threads", () => {
  it("uses one thread for a prediction too small to pay for a worker", () => {
    // GIVEN a 3-step plan and 1,000 samples: far below WORK_PER_THREAD step-samples
    const p = plan([restart("a"), restart("b"), restart("c")], { groups });
    assert.ok(3 * 1000 < WORK_PER_THREAD);
    // THEN it is drawn here
    assert.equal(predictRuns(p, { samples: 1000 }).threads, 1);
    assert.equal(threadsFor(3 * 1000, undefined), 1);
  });

  it("uses more threads when the work fills them, never more than the machine has cores", () => {
    const many = threadsFor(1000 * WORK_PER_THREAD, undefined);
    assert.ok(many >= 1 && many <= os.availableParallelism(), `${many}`);
    assert.equal(threadsFor(2 * WORK_PER_THREAD, undefined), Math.min(2, os.availableParallelism()));
  });

  it("refuses a thread count that is not a whole number >= 1, naming the option", () => {
    const p = plan([restart("a")], { groups });
    for (const threads of [0, -1, 1.5, Number.NaN]) {
      assert.throws(() => predictRuns(p, { samples: 10, threads }), (e: Error) => e instanceof RangeError && /`threads` is .*whole number >= 1/.test(e.message), `${threads}`);
    }
  });

  it("gives each thread a range when there are fewer samples than threads", () => {
    // GIVEN 2 samples on 4 threads WHEN predicted THEN two threads drew, and the samples are those of one thread
    const p = plan([restart("a"), restart("b")], { groups });
    const four = predictRuns(p, { samples: 2, seed: 9, threads: 4 });
    const one = predictRuns(p, { samples: 2, seed: 9, threads: 1 });
    assert.equal(four.threads, 2);
    assert.deepEqual(Array.from(four.makespan), Array.from(one.makespan));
  });
});

describe("predict/threads: a worker that fails", () => {
  /** Draws "sample numbers" here, so the test sees which ranges this thread drew. */
  function drawnHere(): { calls: [number, number][]; draw: (first: number, samples: number) => Float64Array[] } {
    const calls: [number, number][] = [];
    return { calls, draw: (first, samples) => (calls.push([first, samples]), [Float64Array.from({ length: samples }, (_, i) => first + i)]) };
  }

  it("has its range drawn on this thread when the worker throws, and says one thread drew", () => {
    // GIVEN an input no worker can draw from (it throws building its sampler)
    const here = drawnHere();
    const r = drawOnThreads({} as SamplingInput, 1, 10, 2, here.draw);
    // THEN this thread drew both ranges, in order, and the figures are whole
    assert.deepEqual(here.calls, [[0, 5], [5, 5]]);
    assert.equal(r.threads, 1);
    assert.deepEqual(r.values, [[0, 1, 2, 3, 4, 5, 6, 7, 8, 9]]);
  });

  it("has its range drawn on this thread when the worker cannot start (its input does not clone)", () => {
    const here = drawnHere();
    const r = drawOnThreads({ notCloneable: () => 0 } as unknown as SamplingInput, 1, 7, 3, here.draw);
    assert.deepEqual(here.calls, [[0, 3], [3, 2], [5, 2]]);
    assert.equal(r.threads, 1);
    assert.deepEqual(r.values, [[0, 1, 2, 3, 4, 5, 6]]);
  });
});
