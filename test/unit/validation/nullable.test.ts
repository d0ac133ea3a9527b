// A nullable field (a predicted quantile past the runs that come up without an operator) takes
// null or its type, and anything else is refused naming the field and both allowed types.
import { strict as assert } from "assert";
import { validate } from "../../../provider/validation";
import { plan } from "../executor/plans";

const predicted = (fields: Record<string, unknown>) =>
  plan([], {
    groups: [
      { name: "g", lpars: [], estimatedRtoSeconds: 0, verdict: "over", predictedRto: { samples: 10, profile: "defaults", p50Seconds: 100, p90Seconds: 200, p95Seconds: null, p99Seconds: null, unrecoveredShare: 0.07, ...fields } as never },
    ],
  });

describe("validation of nullable fields", () => {
  it("accepts null where the schema allows it", () => {
    assert.deepEqual(validate("plan", predicted({})), []);
  });

  it("refuses another type naming the field and both allowed types, and a share above 1", () => {
    const issues = validate("plan", predicted({ p50Seconds: "soon", unrecoveredShare: 1.5 }));
    assert.deepEqual(
      issues.map((i) => i.message),
      ['`groups[0].predictedRto.p50Seconds` must be of type number or null, got "soon"', "`groups[0].predictedRto.unrecoveredShare` must be <= 1, got 1.5"],
    );
  });
});
