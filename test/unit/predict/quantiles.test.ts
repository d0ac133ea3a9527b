import { strict as assert } from "assert";
import { checkConfidence, quantileOfSorted, quantileWithin, rankOf } from "../../../provider/predict/quantiles";
import { ValidationError } from "../../../provider/errors";
import { inverseNormal } from "../../../provider/model/latency";

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

describe("predict/quantileWithin", () => {
  it("recovers the quantile of a lognormal exactly from its reported quantiles", () => {
    // GIVEN a lognormal's p50, p90, p95, p99 (median 100, sigma 0.5)
    const at = (q: number): number => 100 * Math.exp(0.5 * inverseNormal(q));
    const band = { p50Seconds: at(0.5), p90Seconds: at(0.9), p95Seconds: at(0.95), p99Seconds: at(0.99) };
    // WHEN values at known quantiles are placed THEN their quantile comes back, tails included
    for (const q of [0.1, 0.3, 0.5, 0.7, 0.92, 0.97, 0.995]) assert.ok(Math.abs(quantileWithin(band, at(q)) - q) < 1e-6, `q${q}`);
  });

  it("reads a prediction whose top quantiles are null (runs not up without an operator) from the quantiles below, never past the share that came up", () => {
    const at = (q: number): number => 100 * Math.exp(0.5 * inverseNormal(q));
    // GIVEN 7% of runs not up: p95 and p99 null
    const band = { p50Seconds: at(0.5), p90Seconds: at(0.9), p95Seconds: null, p99Seconds: null, unrecoveredShare: 0.07 };
    // THEN below p90 it is read as before, and beyond it at most 0.93
    for (const q of [0.2, 0.5, 0.8]) assert.ok(Math.abs(quantileWithin(band, at(q)) - q) < 1e-6, `q${q}`);
    assert.ok(Math.abs(quantileWithin(band, at(0.999)) - 0.93) < 1e-12);
    // AND with only a median known, or none, the measured run is placed at p50 or at the share that came up
    assert.equal(quantileWithin({ ...band, p90Seconds: null, unrecoveredShare: 0.3 }, at(0.2)), 0.5);
    assert.ok(Math.abs(quantileWithin({ ...band, p90Seconds: null, unrecoveredShare: 0.3 }, at(0.9)) - 0.7) < 1e-12);
    assert.ok(Math.abs(quantileWithin({ p50Seconds: null, p90Seconds: null, p95Seconds: null, p99Seconds: null, unrecoveredShare: 0.6 }, 500) - 0.4) < 1e-12);
  });
});
