// The run report shows each VM's network at its target: the mapped switch and VLANs and its new
// address, in the JSON (valid against its schema) and in the Markdown.
import { strict as assert } from "assert";
import { buildReport, renderMarkdown } from "../../../provider/report";
import { validate } from "../../../provider/validation";
import { evaluateAssertions } from "../../../provider/drill/assertions";
import { lparId, makeRun } from "../report/fixture";

describe("report: networks", () => {
  it("GIVEN a VM placed with a mapped network WHEN the report is built THEN JSON and Markdown show its VLANs and new address", () => {
    const run = makeRun({ vms: 3, targets: 2 });
    const placement = run.plan.placements.find((p) => p.lpar === lparId(1))!;
    placement.network = {
      mapping: "a-to-b",
      use: "production",
      adapters: [{ switch: "VSW-DR", pvid: 210, taggedVlans: [230], mac: "02AA00000001" }],
      addresses: [{ adapter: 0, from: "10.10.0.11", address: "172.16.10.11", prefixLength: 24, gateway: "172.16.10.1", dns: ["172.16.0.53"] }],
    };
    const report = buildReport(run);
    assert.deepEqual(validate("report", structuredClone(report)), []);
    assert.equal(report.vms.find((v) => v.lpar === lparId(1))!.network!.addresses[0].address, "172.16.10.11");
    const md = renderMarkdown(report);
    assert.match(md, /## Networks/);
    assert.match(md, new RegExp(`\\| ${lparId(1)} \\| sys-b\\d \\| a-to-b \\(production\\) \\| VSW-DR 210,230 \\| 10\\.10\\.0\\.11 -> 172\\.16\\.10\\.11/24 gw 172\\.16\\.10\\.1 \\|`));
  });
});

describe("drill assertion networkIsolated", () => {
  const withNetwork = (pvid: number, reason?: string) => {
    const run = makeRun({ vms: 2, targets: 1 });
    run.plan.kind = "drill";
    for (const p of run.plan.placements) {
      p.network = { mapping: "a-to-b", use: "drill", adapters: [{ switch: "E", pvid, taggedVlans: [] }], addresses: [], productionVlans: [201, 202] };
    }
    const report = buildReport(run);
    if (reason) Object.assign(report.vms[0], { outcome: "failed", reason });
    return report;
  };

  it("GIVEN copies on drill VLANs only THEN it passes; on a production VLAN, planned or read back, THEN it fails naming them", () => {
    const [ok] = evaluateAssertions([{ type: "networkIsolated" }], withNetwork(3001));
    assert.equal(ok.passed, true, ok.message);
    const [planned] = evaluateAssertions([{ type: "networkIsolated" }], withNetwork(201));
    assert.equal(planned.passed, false);
    assert.match(planned.message, new RegExp(`on a production VLAN: ${lparId(0)}, ${lparId(1)}`));
    const [readBack] = evaluateAssertions([{ type: "networkIsolated" }], withNetwork(3001, "StartDrillLpar failed after 1 attempt(s): drill copy x is attached to production VLAN 201 of the target site"));
    assert.equal(readBack.passed, false);
    assert.match(readBack.message, new RegExp(`on a production VLAN: ${lparId(0)}$`));
  });
});
