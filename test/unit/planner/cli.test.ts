// `vmr plan` and `vmr check` end to end: a simulated datacenter, a stack export file declaring
// its protection, and the real CLI as a child process.
import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as sinon from "sinon";
import { presetTopology } from "../../../provider/adapters/simulator";
import { simInit } from "../../../provider/adapters/simulator/control";
import { validate } from "../../../provider/validation";

const root = path.resolve(__dirname, "..", "..", "..");
const main = path.join(root, "provider", "cli", "main.js");
const urn = (type: string, name: string): string => `urn:pulumi:dev::dc::pulumi-nodejs:dynamic/vmr:${type}::${name}`;

function vmr(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [main, ...args], { encoding: "utf8" });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A stack export protecting every LPAR of the small preset: one group per consistency group. */
function stackExport(stateDir: string, rtoBudgetSeconds: number): object {
  const topo = presetTopology("small");
  const resources: object[] = [
    {
      urn: urn("RecoveryTarget", "everywhere"),
      type: "pulumi-nodejs:dynamic/vmr:RecoveryTarget",
      custom: true,
      outputs: { name: "everywhere", site: topo.sites[1].name, systems: topo.managedSystems.map((s) => s.id), reserve: { processorUnits: 0, memoryGb: 0 }, adapter: { type: "simulator", stateDir } },
    },
  ];
  for (const cg of topo.consistencyGroups) {
    const masters = new Set(cg.pairs.map((p) => p.master));
    const lpars = topo.lpars.filter((l) => l.volumes.some((v) => masters.has(v)));
    resources.push(
      {
        urn: urn("StorageMapping", `sm-${cg.id}`),
        type: "pulumi-nodejs:dynamic/vmr:StorageMapping",
        custom: true,
        outputs: { name: `sm-${cg.id}`, consistencyGroup: cg.id, pairs: cg.pairs.map((p) => ({ source: p.master, replica: p.aux })), presentation: { via: "vscsi" }, mode: "sync" },
      },
      {
        urn: urn("ProtectionGroup", `pg-${cg.id}`),
        type: "pulumi-nodejs:dynamic/vmr:ProtectionGroup",
        custom: true,
        outputs: { name: `pg-${cg.id}`, slaLevel: 2, vms: lpars.map((l) => ({ lpar: l.id })), antiAffinity: [], rtoBudgetSeconds, recoveryTarget: "everywhere", storageMappings: [`sm-${cg.id}`] },
      },
    );
  }
  return { version: 3, deployment: { resources } };
}

describe("vmr plan / vmr check", function () {
  this.timeout(20000);
  const sandbox = sinon.createSandbox();
  let dir: string;
  let stateDir: string;

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "vmr-plan-"));
    stateDir = path.join(dir, "sim");
    await simInit({ topology: "preset:small", stateDir });
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));
  afterEach(() => sandbox.restore());

  function writeStack(budget: number): string {
    const file = path.join(dir, `stack-${budget}.json`);
    fs.writeFileSync(file, JSON.stringify(stackExport(stateDir, budget)));
    return file;
  }

  it("prints a plan valid against schemas/plan.schema.json for a failed host", () => {
    // GIVEN the small simulated datacenter and a stack protecting all of its LPARs
    const file = writeStack(3600);
    const host = presetTopology("small").managedSystems[0].id;
    // WHEN a failover is planned for one of its hosts, as JSON
    const r = vmr(["plan", "--stack-file", file, "--failed-host", host, "--json"]);
    // THEN the plan is valid, moves that host's LPARs off it, and keeps them at their site
    assert.equal(r.status, 0, r.stderr);
    const plan = JSON.parse(r.stdout);
    assert.deepEqual(validate("plan", plan), []);
    assert.deepEqual(plan.failure.failedHosts, [host]);
    assert.ok(plan.placements.length > 0);
    for (const p of plan.placements) {
      assert.notEqual(p.target, host);
      for (const v of p.volumes) assert.equal(v.attach, v.source, "a host failure restarts on the shared SAN");
    }
    assert.equal(plan.steps.filter((s: { kind: string }) => s.kind === "FailoverConsistencyGroup").length, 0);
  });

  it("prints a table per group with the predicted RTO against the budget, every figure named", () => {
    const file = writeStack(3600);
    const site = presetTopology("small").sites[0].name;
    const r = vmr(["plan", "--stack-file", file, "--failed-site", site]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /group pg-\S+ \(SLA 2\): predicted RTO p50 \d+ s, p90 \d+ s, p95 \d+ s, p99 \d+ s of 3600 s -> within at 95% confidence \(95% of runs up by \d+ s\)/);
    assert.match(r.stdout, /predicted makespan \(strict SLA, 1000 Monte Carlo runs of the executor's dispatch, latency profile defaults\): p50/);
    assert.match(r.stdout, /median schedule \(strict SLA, every step at its median\): \d+ s; lower bound/);
    assert.match(r.stdout, /LPAR\s+level\s+from\s+to\s+volumes/);
  });

  it("takes the verdict at --confidence: a budget between the predicted p50 and p95 holds at 0.5, breaks at 0.95, and check exits 1", function () {
    // Four CLI processes: on a busy machine each takes a few seconds to start.
    this.timeout(90_000);
    // GIVEN a host failure's predicted RTO for one group
    const host = presetTopology("small").managedSystems[0].id;
    const first = JSON.parse(vmr(["plan", "--stack-file", writeStack(3600), "--failed-host", host, "--json"]).stdout);
    const g = first.groups[0];
    assert.deepEqual(validate("plan", first), []);
    assert.equal(first.estimate.confidence, 0.95);
    assert.ok(g.predictedRto.p50Seconds < g.predictedRto.p95Seconds);
    // The median schedule is optimistic: its figure is below the predicted median.
    assert.ok(g.estimatedRtoSeconds < g.predictedRto.p50Seconds, `median schedule ${g.estimatedRtoSeconds}, predicted p50 ${g.predictedRto.p50Seconds}`);
    const budget = Math.round((g.predictedRto.p50Seconds + g.predictedRto.p95Seconds) / 2);
    const file = writeStack(budget);
    // WHEN planned at two confidences THEN the verdict follows the quantile
    const at50 = JSON.parse(vmr(["plan", "--stack-file", file, "--failed-host", host, "--json", "--confidence", "0.5"]).stdout);
    const at95 = JSON.parse(vmr(["plan", "--stack-file", file, "--failed-host", host, "--json"]).stdout);
    assert.equal(at50.groups.find((x: { name: string }) => x.name === g.name).verdict, "within");
    assert.equal(at95.groups.find((x: { name: string }) => x.name === g.name).verdict, "over");
    // AND the N-1 check fails that host at 0.95
    const check = vmr(["check", "--stack-file", file, "--samples", "300"]);
    assert.equal(check.status, 1, check.stderr);
    assert.match(check.stdout, /verdicts at 95% confidence: each group's predicted RTO at that quantile \(up to 300 Monte Carlo runs/);
    assert.match(check.stdout, new RegExp(`host ${host}\\s.*NOT SURVIVABLE`));
  });

  it("exits 2 naming the flag when --confidence is outside (0, 1)", function () {
    this.timeout(90_000);
    for (const bad of ["1.5", "0", "x"]) {
      const r = vmr(["plan", "--stack-file", writeStack(3600), "--confidence", bad]);
      assert.equal(r.status, 2, bad);
      assert.match(r.stderr, /`--confidence` is .* strictly between 0 and 1/);
    }
    const c = vmr(["check", "--stack-file", writeStack(3600), "--confidence", "1"]);
    assert.equal(c.status, 2);
    assert.match(c.stderr, /`--confidence`/);
  });

  it("exits 2 when both a host and a site are given", () => {
    const r = vmr(["plan", "--stack-file", writeStack(3600), "--failed-host", "a", "b", "--failed-site", "site-a"]);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /`--failed-host` and `--failed-site` exclude each other/);
  });

  it("exits 2 naming the flag when the host is unknown", () => {
    const r = vmr(["plan", "--stack-file", writeStack(3600), "--failed-host", "no-such-host"]);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /`failedHosts\[0\]` "no-such-host" is not a managed system/);
  });

  it("check prints the N-1 matrix and exits 1 when a failure cannot meet the budget", () => {
    // GIVEN a budget no restart can meet WHEN checked THEN every host and site has a row and the run fails
    const r = vmr(["check", "--stack-file", writeStack(1)]);
    assert.equal(r.status, 1, r.stderr);
    const topo = presetTopology("small");
    for (const s of topo.managedSystems) assert.match(r.stdout, new RegExp(`host ${s.id}\\s`));
    for (const s of topo.sites) assert.match(r.stdout, new RegExp(`site ${s.name}\\s`));
    assert.match(r.stdout, /NOT SURVIVABLE/);
    assert.match(r.stderr, /not survivable/);
  });
});
