import { strict as assert } from "assert";
import { checkConfidence, quantileOfSorted, rankOf } from "../../../provider/predict/quantiles";
import { ValidationError } from "../../../provider/errors";

describe("predict/quantiles", () => {
  it("gives the nearest-rank quantiles of a known sample exactly", () => {
    // GIVEN the sample 1..100 WHEN its quantiles are taken THEN each is the value at rank ceil(q n)
    const sorted = Float64Array.from({ length: 100 }, (_, i) => i + 1);
    assert.equal(quantileOfSorted(sorted, 0.5), 50);
    assert.equal(quantileOfSorted(sorted, 0.9), 90);
    assert.equal(quantileOfSorted(sorted, 0.95), 95);
    assert.equal(quantileOfSorted(sorted, 0.99), 99);
    assert.equal(quantileOfSorted(sorted, 0.951), 96);
    assert.equal(quantileOfSorted([7], 0.5), 7);
  });

  it("says where a measurement fell in a sample", () => {
    const sorted = [10, 20, 30, 40];
    assert.equal(rankOf(sorted, 5), 0);
    assert.equal(rankOf(sorted, 20), 0.5);
    assert.equal(rankOf(sorted, 99), 1);
  });

  it("refuses a confidence outside (0, 1), naming the flag", () => {
    for (const bad of [0, 1, 1.5, -0.1, "abc", ""]) {
      assert.throws(() => checkConfidence(bad), (e: unknown) => e instanceof ValidationError && /`--confidence` is .*strictly between 0 and 1/.test(e.message));
    }
    assert.equal(checkConfidence("0.9"), 0.9);
  });
});
