// A report of a run whose plan could not place a group whole gives that group no estimated RTO
// (not 0 s), and the report stays valid; the HTML and Markdown views render it.
import { strict as assert } from "assert";
import * as sinon from "sinon";
import { buildReport, renderHtml, renderMarkdown } from "../../../provider/report";
import { validate } from "../../../provider/validation";
import { lparId, makeRun } from "./fixture";

describe("report: unplaceable group", () => {
  const sandbox = sinon.createSandbox();
  afterEach(() => sandbox.restore());

  it("has no estimatedRtoSeconds for a group the plan could not place whole", () => {
    // GIVEN a run whose plan left lpar-0003 unplaced, its group unplaceable with no estimated RTO
    const run = makeRun({ vms: 12, targets: 3, unplaced: [lparId(3)] });
    const group = run.plan.placements.find((p) => p.lpar === lparId(3))?.group as string;
    const estimate = run.plan.groups.find((g) => g.name === group);
    assert.ok(estimate);
    delete estimate.estimatedRtoSeconds;
    estimate.verdict = "unplaceable";
    // WHEN the report is built
    const report = buildReport(run);
    // THEN that group has no estimated RTO, the others keep theirs, and the report is valid
    const byName = new Map(report.groups.map((g) => [g.name, g]));
    assert.equal("estimatedRtoSeconds" in (byName.get(group) ?? {}), false);
    assert.ok(report.groups.filter((g) => g.name !== group).every((g) => typeof g.estimatedRtoSeconds === "number"));
    assert.deepEqual(validate("report", report), []);
    assert.doesNotMatch(renderHtml(report), /NaN/);
    assert.doesNotMatch(renderMarkdown(report), /NaN/);
  });
});
