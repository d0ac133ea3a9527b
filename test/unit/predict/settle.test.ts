import { strict as assert } from "assert";
import { binomialAtMost, looks, SETTLE_ERROR, settledVerdict, tailPerLook } from "../../../provider/predict/settle";

/** P(X <= k) by the textbook sum, exact enough at small m. */
function directAtMost(k: number, m: number, p: number): number {
  let sum = 0;
  let choose = 1;
  for (let j = 0; j <= k; j++) {
    sum += choose * p ** j * (1 - p) ** (m - j);
    choose = (choose * (m - j)) / (j + 1);
  }
  return sum;
}

describe("predict/settle: when a verdict at a confidence is settled", () => {
  it("computes the binomial distribution as the textbook sum does, and stays finite at large m", () => {
    for (const [m, p] of [[30, 0.05], [30, 0.3], [129, 0.05]] as const) {
      for (let k = 0; k <= m; k += 3) assert.ok(Math.abs(binomialAtMost(k, m, p) - directAtMost(k, m, p)) < 1e-12, `k ${k} m ${m} p ${p}`);
    }
    // Its median, near m p at m = 100,000 (where (1 - p)^m underflows a plain product)
    const half = binomialAtMost(5000, 100_000, 0.05);
    assert.ok(half > 0.45 && half < 0.55, `${half}`);
    assert.equal(binomialAtMost(-1, 10, 0.5), 0);
    assert.equal(binomialAtMost(10, 10, 0.5), 1);
  });

  it("looks at 25, then a quarter more each time, and at the last sample; shares the error over the looks", () => {
    assert.deepEqual(looks(1000), [25, 32, 40, 50, 63, 79, 99, 124, 155, 194, 243, 304, 380, 475, 594, 743, 929, 1000]);
    assert.deepEqual(looks(100), [25, 32, 40, 50, 63, 79, 99, 100]);
    assert.deepEqual(looks(10), [10]);
    assert.equal(tailPerLook(1000), SETTLE_ERROR / 18);
  });

  it("settles within only when so few samples are over that the boundary would give it less than the tail", () => {
    const tail = tailPerLook(1000);
    // 0.95^147 < tail <= 0.95^146: none over settles at 147 samples, so at the look of 155, not at 124
    assert.ok(0.95 ** 147 < tail && 0.95 ** 146 >= tail);
    assert.equal(settledVerdict(0, 155, 0.95, tail), "within");
    assert.equal(settledVerdict(0, 124, 0.95, tail), undefined);
    assert.equal(settledVerdict(1, 194, 0.95, tail), "within");
    assert.equal(settledVerdict(2, 194, 0.95, tail), undefined);
    assert.equal(settledVerdict(10, 200, 0.95, tail), undefined, "the expected count at the boundary is never settled");
  });

  it("settles over when so many samples are over that the boundary would give it less than the tail", () => {
    const tail = tailPerLook(1000);
    // P(X >= 7) for X ~ Binomial(25, 0.05) is 2.4e-4, below 5.6e-4; P(X >= 6) is 1.2e-3
    assert.equal(settledVerdict(7, 25, 0.95, tail), "over");
    assert.equal(settledVerdict(6, 25, 0.95, tail), undefined);
    assert.equal(settledVerdict(25, 25, 0.95, tail), "over");
  });
});
