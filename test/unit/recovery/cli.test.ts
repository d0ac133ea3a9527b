// `vmr failover` as an operator runs it: the real CLI as a child process, a simulated datacenter
// in a state directory, and a stack export declaring its protection.
import { strict as assert } from "assert";
import { spawn, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { openSimulator } from "../../../provider/adapters/simulator";
import { simFailHost, simRepair } from "../../../provider/adapters/simulator/control";
import { acquireStackLock } from "../../../provider/executor/lock";
import { listRuns } from "../../../provider/executor/run-store";
import { smallDatacenter, type Datacenter } from "./stack-fixture";

const main = path.resolve(__dirname, "..", "..", "..", "provider", "cli", "main.js");

function vmr(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [main, ...args], { encoding: "utf8", stdio: ["pipe", "pipe", "pipe"] });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

async function where(stateDir: string, lpars: string[]): Promise<Record<string, string>> {
  const sim = await openSimulator({ stateDir });
  try {
    const { lpars: all } = await sim.compute.inventory();
    return Object.fromEntries(all.filter((l) => lpars.includes(l.id)).map((l) => [l.id, `${l.host}/${l.state}`]));
  } finally {
    await sim.close();
  }
}

describe("vmr failover (CLI)", function () {
  this.timeout(30_000);
  let dc: Datacenter;
  let runs: string;
  let affected: string[];

  before(async () => {
    dc = await smallDatacenter(fs.mkdtempSync(path.join(os.tmpdir(), "vmr-failover-cli-")));
    runs = path.join(dc.dir, "runs");
    await simFailHost("sys-a-01", { stateDir: dc.stateDir });
    affected = dc.topology.lpars.filter((l) => l.host === "sys-a-01").map((l) => l.id);
  });
  after(() => fs.rmSync(dc.dir, { recursive: true, force: true }));

  const base = () => ["failover", "--stack-file", dc.stackFile, "--failed-host", "sys-a-01", "--runs-dir", runs];

  it("without a terminal and without --yes, refuses with exit 2 and changes nothing", async () => {
    const before = await where(dc.stateDir, affected);
    const r = vmr(base());
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, /no terminal to confirm on: pass `--yes`/);
    assert.deepEqual(await where(dc.stateDir, affected), before);
    assert.deepEqual(listRuns(runs), []);
  });

  it("a usage error (a --mode that does not exist) is bad input: exit 2, the allowed values named, nothing run", async () => {
    const before = await where(dc.stateDir, affected);
    const r = vmr([...base(), "--yes", "--mode", "fastest"]);
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, /'fastest' is invalid\. Allowed choices are serial, parallel-restart, parallel/);
    assert.deepEqual(await where(dc.stateDir, affected), before);
    assert.deepEqual(listRuns(runs), []);
  });

  it("--version prints the package's version and exits 0", () => {
    const r = vmr(["--version"]);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout.trim(), JSON.parse(fs.readFileSync(path.resolve(__dirname, "..", "..", "..", "..", "package.json"), "utf8")).version);
  });

  it("--dry-run rehearses the plan in virtual time and changes nothing", async () => {
    const before = await where(dc.stateDir, affected);
    const r = vmr([...base(), "--dry-run", "--yes"]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /dry run: rehearsed on a simulated copy/);
    assert.match(r.stdout, /succeeded, 4 of 4 LPARs recovered/);
    assert.deepEqual(await where(dc.stateDir, affected), before);
    assert.deepEqual(listRuns(runs), []);
  });

  it("shows the plan with each group's predicted RTO band at --confidence, not the median schedule only; a confidence outside (0, 1) exits 2 naming the flag", async () => {
    const r = vmr([...base(), "--dry-run", "--yes", "--confidence", "0.9", "--samples", "300"]);
    assert.equal(r.status, 0, r.stderr);
    // Every group line is the prediction (300 Monte Carlo runs) with its verdict at 90%
    const groupLines = r.stdout.split("\n").filter((l) => l.startsWith("group "));
    assert.ok(groupLines.length > 0, r.stdout);
    for (const line of groupLines) assert.match(line, /predicted RTO p50 \d+ s, p90 \d+ s, p95 \d+ s, p99 \d+ s.* at 90% confidence/, line);
    assert.match(r.stdout, /predicted makespan \(strict SLA, 300 Monte Carlo runs of the executor's dispatch, latency profile defaults\)/);
    assert.match(r.stdout, /median schedule \(strict SLA, every step at its median\)/);
    const bad = vmr([...base(), "--dry-run", "--yes", "--confidence", "1.5"]);
    assert.equal(bad.status, 2, bad.stderr);
    assert.match(bad.stderr, /--confidence/);
    assert.deepEqual(listRuns(runs), []);
  });

  it("exits 3 naming the holder while another failover of the stack runs", async () => {
    const lock = await acquireStackLock(runs, "dev", { runId: "20260101T000000Z-cccccc", purpose: "failover" });
    try {
      const r = vmr([...base(), "--yes"]);
      assert.equal(r.status, 3, r.stderr);
      assert.match(r.stderr, new RegExp(`stack dev is locked by pid ${process.pid} .*20260101T000000Z-cccccc`));
    } finally {
      await lock.release();
    }
  });

  it("fails the host's LPARs over with --yes: all run at their targets, the run is journaled and its report written", async () => {
    const r = vmr([...base(), "--yes", "--json"]);
    assert.equal(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.equal(out.result.status, "succeeded");
    const targets = Object.fromEntries(out.result.vms.map((v: { lpar: string; target: string }) => [v.lpar, `${v.target}/Running`]));
    assert.deepEqual(await where(dc.stateDir, affected), targets);
    assert.ok(Object.values(targets).every((t) => !String(t).startsWith("sys-a-01")));
    const [run] = listRuns(runs);
    assert.equal(run.finished?.status, "succeeded");
    assert.equal(run.kind, "failover");
    // AND its report was written into the run's directory
    assert.deepEqual(out.report, { json: path.join(run.dir, "report.json"), md: path.join(run.dir, "report.md"), html: path.join(run.dir, "report.html") });
    assert.equal(JSON.parse(fs.readFileSync(out.report.json, "utf8")).vms.length, affected.length);
    // AND the plan it ran (and journaled) carries every group's predicted band, 200 runs by default
    for (const g of out.plan.groups) assert.equal(g.predictedRto?.samples, 200, g.name);
  });

  it("stops gracefully on Ctrl-C, exit 1 with the way to resume; a fresh failover is then refused (exit 2) and --resume finishes the run", async () => {
    // GIVEN a failover running in its own process, on a datacenter of its own
    const own = await smallDatacenter(fs.mkdtempSync(path.join(os.tmpdir(), "vmr-failover-int-")));
    await simFailHost("sys-a-01", { stateDir: own.stateDir });
    const ownRuns = path.join(own.dir, "runs");
    const args = ["failover", "--stack-file", own.stackFile, "--failed-host", "sys-a-01", "--runs-dir", ownRuns];
    const child = spawn(process.execPath, [main, ...args, "--yes"], { stdio: ["ignore", "pipe", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => {
      stderr += d;
      // WHEN the operator presses Ctrl-C as soon as the run is under way
      if (/run \S+: if it is interrupted/.test(stderr) && !child.killed) child.kill("SIGINT");
    });
    const code = await new Promise<number | null>((resolve) => child.on("exit", (c) => resolve(c)));
    // THEN it stops with exit 1, says how to resume, and the run is unfinished
    assert.equal(code, 1, stderr);
    assert.match(stderr, /stopped \(interrupted by the operator\) with \d+ steps not run/);
    const [run] = listRuns(ownRuns);
    assert.equal(run.finished, undefined);
    // WHEN a fresh failover of the stack is asked for THEN it is refused as bad input, naming the run
    const fresh = vmr([...args, "--yes"]);
    assert.equal(fresh.status, 2, fresh.stderr);
    assert.match(fresh.stderr, new RegExp(`^vmr: stack dev has an interrupted run: ${run.runId} \\(failover, started ${run.startedAt}.*\`vmr failover --resume ${run.runId}\``));
    assert.equal(listRuns(ownRuns).length, 1);
    // WHEN it is resumed THEN it finishes
    const resumed = vmr(["failover", "--stack-file", own.stackFile, "--runs-dir", ownRuns, "--resume", run.runId, "--yes"]);
    assert.equal(resumed.status, 0, resumed.stderr);
    assert.match(resumed.stdout, /succeeded, 4 of 4 LPARs recovered in [\d.]+ s \(resumed 1x\)/);
    assert.match(resumed.stdout, new RegExp(`^report: ${path.join(run.dir, "report.json")}, ${path.join(run.dir, "report.md")}, ${path.join(run.dir, "report.html")}$`, "m"));
    assert.equal(listRuns(ownRuns)[0].finished?.status, "succeeded");
    fs.rmSync(own.dir, { recursive: true, force: true });
  });

});

/** Per LPAR: host, power state, and every host mapping of its volumes (volume@host/via/vios). */
async function placedAs(stateDir: string, lpars: string[]): Promise<Record<string, string>> {
  const sim = await openSimulator({ stateDir });
  try {
    const [{ lpars: all }, { hostMappings }] = [await sim.compute.inventory(), await sim.storage.inventory()];
    return Object.fromEntries(
      all
        .filter((l) => lpars.includes(l.id))
        .map((l) => {
          const maps = hostMappings.filter((m) => l.volumes.includes(m.volume)).map((m) => `${m.volume}@${m.host}/${m.via}/${m.vios ?? "-"}`);
          return [l.id, `${l.host}/${l.state} ${maps.sort().join(" ")}`];
        }),
    );
  } finally {
    await sim.close();
  }
}

describe("vmr failover --planned and vmr failback (CLI)", function () {
  this.timeout(60_000);
  let dc: Datacenter;
  let runs: string;
  beforeEach(async () => {
    dc = await smallDatacenter(fs.mkdtempSync(path.join(os.tmpdir(), "vmr-planned-cli-")), 0.0002);
    runs = path.join(dc.dir, "runs");
  });
  afterEach(() => fs.rmSync(dc.dir, { recursive: true, force: true }));

  it("--planned evacuates a healthy server: its LPARs run elsewhere, the run is journaled as planned", async () => {
    // GIVEN sys-a-01 is healthy and runs protected LPARs
    const moving = dc.topology.lpars.filter((l) => l.host === "sys-a-01").map((l) => l.id);
    // WHEN the operator moves them with a planned failover
    const r = vmr(["failover", "--planned", "--stack-file", dc.stackFile, "--failed-host", "sys-a-01", "--runs-dir", runs, "--yes", "--json"]);
    // THEN each runs at its target, off sys-a-01, and the journaled run is a planned one
    assert.equal(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.equal(out.result.status, "succeeded");
    const targets = Object.fromEntries(out.result.vms.map((v: { lpar: string; target: string }) => [v.lpar, `${v.target}/Running`]));
    assert.deepEqual(Object.keys(targets).sort(), [...moving].sort());
    assert.deepEqual(await where(dc.stateDir, moving), targets);
    assert.ok(Object.values(targets).every((t) => !String(t).startsWith("sys-a-01/")));
    const [run] = listRuns(runs);
    assert.deepEqual([run.kind, run.finished?.status], ["planned", "succeeded"]);
  });

  it("failback brings failed-over VMs home after their site is repaired; a second failback has nothing to do (exit 2)", async () => {
    // GIVEN every server of site A failed and its VMs were failed over with the CLI
    const siteA = dc.topology.managedSystems.filter((m) => m.site === dc.topology.sites[0].name).map((m) => m.id);
    for (const host of siteA) await simFailHost(host, { stateDir: dc.stateDir });
    const movedAway = vmr(["failover", "--stack-file", dc.stackFile, ...siteA.flatMap((h) => ["--failed-host", h]), "--runs-dir", runs, "--yes"]);
    assert.equal(movedAway.status, 0, movedAway.stderr);
    // WHEN the servers are repaired and the operator fails back
    for (const host of siteA) await simRepair(host, { stateDir: dc.stateDir });
    const back = vmr(["failback", "--stack-file", dc.stackFile, "--runs-dir", runs, "--yes", "--json"]);
    // THEN every VM runs at site A again
    assert.equal(back.status, 0, back.stderr);
    const out = JSON.parse(back.stdout);
    assert.equal(out.result.status, "succeeded");
    const lpars = out.result.vms.map((v: { lpar: string }) => v.lpar);
    assert.ok(lpars.length > 0);
    for (const [lpar, at] of Object.entries(await where(dc.stateDir, lpars))) {
      assert.ok(siteA.includes(at.split("/")[0]) && at.endsWith("/Running"), `${lpar} is at ${at}`);
    }
    assert.deepEqual(listRuns(runs).map((r) => r.kind), ["failover", "failback"]);
    // AND a second failback is bad input: nothing runs away from home any more
    const again = vmr(["failback", "--stack-file", dc.stackFile, "--runs-dir", runs, "--yes"]);
    assert.equal(again.status, 2, again.stderr);
    assert.match(again.stderr, /nothing to failback/);
  });
});

describe("vmr failback brings VMs home (CLI)", function () {
  this.timeout(60_000);
  let dc: Datacenter;
  let runs: string;
  before(async () => {
    // A stack whose groups' state was written by `pulumi up`: their provider recorded each VM's home.
    dc = await smallDatacenter(fs.mkdtempSync(path.join(os.tmpdir(), "vmr-home-cli-")), 0.0002, true);
    runs = path.join(dc.dir, "runs");
  });
  after(() => fs.rmSync(dc.dir, { recursive: true, force: true }));

  it("after a planned site move, failback returns every LPAR to the server it left, with its mappings as they were (homes from the stack's state)", async () => {
    // GIVEN site A's LPARs, where and how they run
    const siteA = dc.topology.lpars.filter((l) => l.host.startsWith("sys-a-")).map((l) => l.id);
    const original = await placedAs(dc.stateDir, siteA);
    // WHEN site A is moved away in a planned failover
    const away = vmr(["failover", "--planned", "--stack-file", dc.stackFile, "--failed-site", "site-a", "--runs-dir", runs, "--yes"]);
    assert.equal(away.status, 0, away.stderr);
    for (const [lpar, at] of Object.entries(await placedAs(dc.stateDir, siteA))) assert.match(at, /^sys-b-\d+\/Running /, lpar);
    // WHEN the operator previews the failback (text), then fails back
    const preview = vmr(["failback", "--stack-file", dc.stackFile, "--runs-dir", runs, "--dry-run", "--yes"]);
    assert.equal(preview.status, 0, preview.stderr);
    const back = vmr(["failback", "--stack-file", dc.stackFile, "--runs-dir", runs, "--yes", "--json"]);
    assert.equal(back.status, 0, back.stderr);
    // THEN on the simulator every LPAR runs on its original server, its volumes mapped as before (same VIOS)
    assert.deepEqual(await placedAs(dc.stateDir, siteA), original);
    // AND the plan said so: as text, every LPAR goes back to its home system; in JSON, each one's home is its target
    assert.match(preview.stdout, new RegExp(`^${siteA.length} of ${siteA.length} LPARs go back to their home system$`, "m"));
    const out = JSON.parse(back.stdout);
    for (const p of out.plan.placements) assert.deepEqual({ target: p.target, home: p.home }, { target: original[p.lpar].split("/")[0], home: { system: original[p.lpar].split("/")[0] } }, p.lpar);
  });
});
