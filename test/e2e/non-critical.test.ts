// A short recovery site through the real engine (examples/short-site, deployed by `pulumi up`):
// a drill told to stop non-critical VMs suspends the test VM for the copy and resumes it; a site failover suspends the non-critical test VM and recovers the protected one in its room,
// and the failback resumes the test VM once the protected one has left; a later suspend by hand
// is not undone by `vmr resume-noncritical`. Verdicts on the simulator's state.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { openSimulator } from "../../provider/adapters/simulator";
import { deployExample, REPO_ROOT, runVmr, startEngine, type Engine } from "./engine";

async function lparsOf(stateDir: string): Promise<Map<string, { host: string; state: string }>> {
  const sim = await openSimulator({ stateDir });
  try {
    return new Map((await sim.compute.inventory()).lpars.map((l) => [l.id, { host: l.host, state: l.state }]));
  } finally {
    await sim.close();
  }
}

describe("non-critical VMs at a short recovery site (real engine, examples/short-site)", function () {
  let engine: Engine;
  let dir: string;
  let simDir: string;

  beforeEach(async function () {
    engine = startEngine();
    ({ dir, simDir } = await deployExample(engine, path.join(REPO_ROOT, "examples", "short-site")));
  });
  afterEach(() => engine?.dispose());

  it("a drill suspends the test VM for prod-1's copy and resumes it; a site failover suspends it and restarts prod-1 in its room; the failback resumes it", async () => {
    const vmr = (args: string[]) => runVmr(engine, dir, args);
    // GIVEN first a drill of site-a's loss told to stop non-critical VMs (examples/short-site/drills/short-site.yaml)
    const drillFile = path.join(REPO_ROOT, "examples", "short-site", "drills", "short-site.yaml");
    // WHEN only its plan is asked for THEN it names the suspend and the resume of test-1, and touches nothing
    const beforePlan = await lparsOf(simDir);
    const planned = await vmr(["drill", "--stack", "dev", "--drill-file", drillFile, "--plan-only", "--json"]);
    assert.equal(planned.code, 0, `${planned.stdout}\n${planned.stderr}`);
    const drillPlan = JSON.parse(planned.stdout);
    assert.deepEqual(drillPlan.nonCritical.map((n: { lpar: string; action: string; resume?: boolean }) => [n.lpar, n.action, n.resume === true]), [["test-1", "suspend", false], ["test-1", "suspend", true]]);
    assert.deepEqual(drillPlan.placements.map((p: { lpar: string; target: string }) => [p.lpar, p.target]), [["prod-1", "b-01"]]);
    assert.deepEqual(await lparsOf(simDir), beforePlan);
    assert.deepEqual(beforePlan.get("test-1"), { host: "b-01", state: "Running" });
    const drill = await vmr(["drill", "--stack", "dev", "--drill-file", drillFile, "--no-calibrate"]);
    // THEN it passes: prod-1's copy came up in test-1's room, and test-1 was suspended and resumed by journaled steps
    assert.equal(drill.code, 0, `${drill.stdout}\n${drill.stderr}`);
    assert.match(drill.stdout, /short-site: PASSED/);
    const reportFile = /^report: (.+)$/m.exec(drill.stdout)![1].replace(/\.(html|md)$/, ".json");
    const drillReport = JSON.parse(fs.readFileSync(reportFile, "utf8"));
    assert.deepEqual(
      drillReport.nonCritical.map((n: { lpar: string; action: string; resume?: boolean; status: string }) => [n.lpar, n.action, n.resume === true, n.status]),
      [["test-1", "suspend", false, "succeeded"], ["test-1", "suspend", true, "succeeded"]],
    );
    assert.deepEqual((await lparsOf(simDir)).get("test-1"), { host: "b-01", state: "Running" });
    assert.equal((await lparsOf(simDir)).get("prod-1")?.host, "a-01");
    // GIVEN site-a is lost
    const lost = await vmr(["sim", "fail-site", "site-a", "--state", simDir]);
    assert.equal(lost.code, 0, lost.stderr);
    // WHEN the operator fails it over
    const over = await vmr(["failover", "--failed-site", "site-a", "--stack", "dev", "--yes", "--json"]);
    assert.equal(over.code, 0, `${over.stdout}\n${over.stderr}`);
    const plan = JSON.parse(over.stdout).plan;
    assert.deepEqual(plan.nonCritical.map((n: { lpar: string; action: string; for: string[] }) => [n.lpar, n.action, n.for]), [["test-1", "suspend", ["prod-1"]]]);
    // THEN on the simulator: test-1 is suspended on b-01 and prod-1 runs there in its room
    const after = await lparsOf(simDir);
    assert.deepEqual(after.get("test-1"), { host: "b-01", state: "Suspended" });
    assert.deepEqual(after.get("prod-1"), { host: "b-01", state: "Running" });
    // WHEN site-a is repaired and the operator fails back
    const repaired = await vmr(["sim", "repair", "site-a", "--state", simDir]);
    assert.equal(repaired.code, 0, repaired.stderr);
    const back = await vmr(["failback", "--stack", "dev", "--yes", "--json"]);
    assert.equal(back.code, 0, `${back.stdout}\n${back.stderr}`);
    // THEN prod-1 is home and test-1 runs again where it was
    const home = await lparsOf(simDir);
    assert.deepEqual(home.get("prod-1"), { host: "a-01", state: "Running" });
    assert.deepEqual(home.get("test-1"), { host: "b-01", state: "Running" });
    // WHEN someone suspends test-1 by hand, and the operator asks vmr to resume non-critical VMs
    const sim = await openSimulator({ stateDir: simDir });
    try {
      await sim.compute.suspendLpar("test-1", "b-01");
    } finally {
      await sim.close();
    }
    const resume = await vmr(["resume-noncritical", "--stack", "dev", "--yes"]);
    // THEN vmr refuses (its journals record that it resumed test-1 after its own suspend) and says why; test-1 stays suspended
    assert.equal(resume.code, 2, `${resume.stdout}\n${resume.stderr}`);
    assert.match(resume.stderr, /nothing to resume.*"test-1" is suspended on "b-01", but no run of vmr in the run store suspended it/s);
    assert.deepEqual((await lparsOf(simDir)).get("test-1"), { host: "b-01", state: "Suspended" });
  });
});
