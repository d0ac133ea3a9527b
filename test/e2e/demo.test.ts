// The demo end to end, through the real Pulumi engine: examples/basic deployed on a simulator
// state directory, the site-loss drill from examples/drills run against the live stack, its report
// written, the stack destroyed, and production exactly as the topology declares it.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as sinon from "sinon";
import { openSimulator } from "../../provider/adapters/simulator";
import { loadTopology } from "../../provider/adapters/simulator/control";
import { demo, type DemoResult } from "../../provider/demo/demo";
import { validate } from "../../provider/validation";

const REPO_ROOT = path.resolve(__dirname, "..", "..", "..");

describe("demo: examples/basic + the site-loss drill through the real engine", function () {
  this.timeout(900_000);
  let sandbox: sinon.SinonSandbox;
  let dir: string;
  let result: DemoResult;
  const steps: string[] = [];

  before(async () => {
    sandbox = sinon.createSandbox();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "vmr-demo-"));
    result = await demo({ dir: path.join(dir, "demo"), onStep: (s) => steps.push(s) });
  });
  after(() => {
    sandbox.restore();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("deploys, drills, reports and destroys, in that order", () => {
    assert.deepEqual(
      steps.map((s) => s.split(/[ :]/)[0]),
      ["creating", "getting", "pulumi", "drill", "pulumi"],
    );
    assert.ok(result.resources >= 8, `the engine created ${result.resources} resources`);
    assert.equal(result.destroyed, true);
    // The stack is gone from the file backend.
    const stacks = path.join(result.dir, "pulumi-state", ".pulumi", "stacks");
    const left = fs.existsSync(stacks) ? fs.readdirSync(stacks, { recursive: true }).filter((f) => String(f).endsWith(".json")) : [];
    assert.deepEqual(left, []);
  });

  it("rehearses site A's groups from the live stack and writes a valid report", () => {
    const report = result.drill.report;
    assert.deepEqual(validate("report", JSON.parse(fs.readFileSync(result.drill.reportFiles.json!, "utf8"))), []);
    assert.equal(report.kind, "drill");
    assert.equal(report.stack, "demo");
    assert.deepEqual(report.failure?.failedSite, "site-a");
    assert.deepEqual(report.groups.map((g) => [g.name, g.vms, g.rtoBudgetSeconds]), [["db", 4, 900], ["app", 10, 1800]]);
    assert.ok(report.vms.every((v) => v.outcome === "restarted" && v.target!.startsWith("b-")), JSON.stringify(report.vms.filter((v) => v.outcome !== "restarted")));
    // The RTO verdicts follow the measured times; the drill passes exactly when its assertions do.
    for (const g of report.groups) assert.equal(g.verdict, g.rtoSeconds! <= g.rtoBudgetSeconds! ? "within" : "over");
    const passed = Object.fromEntries(report.assertions!.map((a) => [a.type, a.passed]));
    assert.equal(passed.allVmsPlaced, true);
    assert.equal(passed.cleanupComplete, true);
    assert.equal(result.drill.passed, report.assertions!.every((a) => a.passed));
    const html = fs.readFileSync(result.drill.reportFiles.html!, "utf8");
    assert.match(html, /<svg class="gantt"/);
  });

  it("leaves production as the topology declares it, and nothing of the drill", async () => {
    const topology = loadTopology(path.join(REPO_ROOT, "examples", "basic", "topology.yaml"));
    const sim = await openSimulator({ stateDir: path.join(result.dir, "sim") });
    try {
      const [c, s] = await Promise.all([sim.compute.inventory(), sim.storage.inventory()]);
      assert.deepEqual(c.lpars.filter((l) => l.drillOf !== undefined), []);
      assert.deepEqual(s.flashCopyGroups, []);
      assert.deepEqual(
        c.lpars.map((l) => [l.id, l.host, l.state, l.network, l.volumes]),
        topology.lpars.map((l) => [l.id, l.host, l.state, l.network, l.volumes]),
      );
      assert.deepEqual(s.hostMappings, topology.hostMappings);
      assert.deepEqual(s.consistencyGroups, topology.consistencyGroups);
    } finally {
      await sim.close();
    }
  });
});
