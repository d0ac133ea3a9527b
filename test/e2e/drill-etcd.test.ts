// `vmr drill` and `vmr drill --cleanup` with the stack's runs in etcd, on real processes: "host 1"
// and "host 2" (each its own HOME, run-store home and working directory) against one simulated
// datacenter and a real 3-member etcd cluster on loopback. Verdicts on the simulator's state:
// no drill LPAR (`drillOf`) and no drill FlashCopy group left, production untouched.
import { strict as assert } from "assert";
import { spawn, type ChildProcess } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { openSimulator } from "../../provider/adapters/simulator";
import { EtcdCluster } from "../etcd/cluster";
import { smallDatacenter, type Datacenter } from "../unit/recovery/stack-fixture";

const MAIN = path.resolve(__dirname, "..", "..", "provider", "cli", "main.js");

interface Host {
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
}

function host(root: string, name: string): Host {
  const home = path.join(root, name, "home");
  const cwd = path.join(root, name, "work");
  fs.mkdirSync(home, { recursive: true });
  fs.mkdirSync(cwd, { recursive: true });
  return { cwd, env: { ...process.env, HOME: home, VMR_STATE_HOME: path.join(home, "state") } };
}

interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

function vmr(h: Host, args: string[]): { child: ChildProcess; exit: Promise<Exit> } {
  const child = spawn(process.execPath, [MAIN, ...args], { cwd: h.cwd, env: h.env, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout!.on("data", (d) => (stdout += d));
  child.stderr!.on("data", (d) => (stderr += d));
  return { child, exit: new Promise((resolve) => child.on("exit", (code, signal) => resolve({ code, signal, stdout, stderr }))) };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** What the simulator holds: drill LPARs, drill FlashCopy groups, and each production LPAR's host and state. */
async function hardware(dc: Datacenter): Promise<{ drillLpars: string[]; flashCopies: string[]; production: string[] }> {
  const sim = await openSimulator({ stateDir: dc.stateDir });
  try {
    const [{ lpars }, storage] = await Promise.all([sim.compute.inventory(), sim.storage.inventory()]);
    return {
      drillLpars: lpars.filter((l) => l.drillOf !== undefined).map((l) => l.id),
      flashCopies: storage.flashCopyGroups.map((g) => g.name),
      production: lpars.filter((l) => l.drillOf === undefined).map((l) => `${l.id}@${l.host}:${l.state}`).sort(),
    };
  } finally {
    await sim.close();
  }
}

describe("vmr drill with its runs in etcd, from two hosts", function () {
  this.timeout(300_000);
  let cluster: EtcdCluster;
  let root: string;

  before(async () => {
    cluster = await EtcdCluster.start(3);
    root = fs.mkdtempSync(path.join(os.tmpdir(), "vmr-etcd-drill-"));
  });
  after(async () => {
    await cluster?.stop();
    if (root) fs.rmSync(root, { recursive: true, force: true });
  });

  it("a drill run on host 1 is recorded in etcd: host 2 lists it with its outcome; nothing is left on the hardware or in either directory", async () => {
    const dc = await smallDatacenter(fs.mkdtempSync(path.join(root, "drill-")));
    const [h1, h2] = [host(dc.dir, "host1"), host(dc.dir, "host2")];
    const store = `etcd:${cluster.endpoints.join(",")}`;
    const before = await hardware(dc);
    // WHEN host 1 runs a drill with the stack's runs in etcd
    const drill = await vmr(h1, ["drill", "--stack-file", dc.stackFile, "--run-store", store]).exit;
    assert.equal(drill.code, 0, drill.stdout + drill.stderr);
    const runId = /PASSED \(run (\S+)\)/.exec(drill.stdout)?.[1];
    assert.ok(runId, drill.stdout);
    // (the refresh after the drill reads its runs from etcd too: it fits, or says it had too few steps)
    assert.match(drill.stdout, /latency profile (refreshed from 1 run|not refreshed: .*fewer than)/);
    // THEN host 2, which never ran it, lists it from the store, finished
    const listed = await vmr(h2, ["runs", "list", "--stack-file", dc.stackFile, "--run-store", store, "--json"]).exit;
    assert.equal(listed.code, 0, listed.stderr);
    const run = (JSON.parse(listed.stdout) as { runs: { runId: string; kind: string; stack?: string; finished?: { status: string } }[] }).runs.find((r) => r.runId === runId);
    assert.deepEqual([run?.kind, run?.finished?.status], ["drill", "succeeded"]);
    // AND host 2 calibrates the stack's latency profile from that run, read from etcd
    const profileFile = path.join(h2.cwd, "..", "profile.json");
    const calibrated = await vmr(h2, ["calibrate", "--stack", run!.stack!, "--stack-file", dc.stackFile, "--run-store", store, "--min-samples", "1", "--out", profileFile]).exit;
    assert.equal(calibrated.code, 0, calibrated.stdout + calibrated.stderr);
    assert.match(calibrated.stdout, /from 1 runs/);
    const profile = JSON.parse(fs.readFileSync(profileFile, "utf8")) as { runs: string[]; operations: Record<string, { samples: number }> };
    assert.deepEqual(profile.runs, [runId]);
    assert.ok(Object.values(profile.operations).some((o) => o.samples > 0), JSON.stringify(profile.operations));
    // AND kept in etcd (no --out), host 1 predicts with it: another operator, on another machine
    const kept = await vmr(h2, ["calibrate", "--stack", run!.stack!, "--stack-file", dc.stackFile, "--run-store", store, "--min-samples", "1"]).exit;
    assert.equal(kept.code, 0, kept.stdout + kept.stderr);
    assert.match(kept.stdout, /written to etcd \S+ \(stack .*\) key \/pulumi-vm-recovery\/v1\/\S+\/profile/);
    const planned = await vmr(h1, ["plan", "--stack-file", dc.stackFile, "--run-store", store, "--failed-site", "site-a", "--samples", "50"]).exit;
    assert.equal(planned.code, 0, planned.stdout + planned.stderr);
    assert.match(planned.stdout, new RegExp(`latency profile calibrated for ${run!.stack} on \\d{4}-\\d\\d-\\d\\d from 1 runs`));
    // AND host 1 without the store has no profile of its own: the defaults, named
    const local = await vmr(h1, ["plan", "--stack-file", dc.stackFile, "--failed-site", "site-a", "--samples", "50"]).exit;
    assert.equal(local.code, 0, local.stderr);
    assert.match(local.stdout, /latency profile defaults\)/);
    // AND host 2's cleanup finds nothing left of it (its outcome in etcd says the sweep was complete)
    const cleanup = await vmr(h2, ["drill", "--cleanup", "--stack-file", dc.stackFile, "--run-store", store]).exit;
    assert.equal(cleanup.code, 0, cleanup.stderr);
    assert.match(cleanup.stdout, /nothing left to clean up/);
    assert.doesNotMatch(cleanup.stdout, /looked at unfinished drill/);
    // AND on the hardware: no drill object, production as it was; no file in either working directory
    assert.deepEqual(await hardware(dc), { ...before, drillLpars: [], flashCopies: [] });
    assert.deepEqual([fs.readdirSync(h1.cwd), fs.readdirSync(h2.cwd)], [[], []]);
  });

  it("a drill killed -9 on host 1 once its copies exist is cleaned up by `vmr drill --cleanup` on host 2, which finds the run in etcd", async () => {
    const dc = await smallDatacenter(fs.mkdtempSync(path.join(root, "killed-")));
    const [h1, h2] = [host(dc.dir, "host1"), host(dc.dir, "host2")];
    const store = `etcd:${cluster.endpoints.join(",")}`;
    const before = await hardware(dc);
    // GIVEN host 1's drill, killed -9 once the simulator holds one of its copies
    const first = vmr(h1, ["drill", "--stack-file", dc.stackFile, "--run-store", store]);
    const until = Date.now() + 60_000;
    let left = await hardware(dc);
    while (left.drillLpars.length === 0 && first.child.exitCode === null && Date.now() < until) {
      await sleep(100);
      left = await hardware(dc);
    }
    first.child.kill("SIGKILL");
    const killed = await first.exit;
    assert.equal(killed.signal, "SIGKILL", `the drill ended before it was killed: ${killed.stdout}`);
    left = await hardware(dc);
    assert.ok(left.drillLpars.length > 0, "the kill left nothing to clean up: the case proves nothing");
    // WHEN host 2 asks for the cleanup (refused, naming host 1's drill, until its lease expires)
    let cleanup: Exit;
    const deadline = Date.now() + 60_000;
    for (;;) {
      cleanup = await vmr(h2, ["drill", "--cleanup", "--stack-file", dc.stackFile, "--run-store", store]).exit;
      if (cleanup.code !== 3 || Date.now() > deadline) break;
      assert.match(cleanup.stderr, /locked in etcd .* by pid \d+ .*drill/);
      await sleep(500);
    }
    // THEN it read the unfinished run from etcd and removed every copy and FlashCopy group
    assert.equal(cleanup.code, 0, cleanup.stdout + cleanup.stderr);
    const listed = JSON.parse((await vmr(h2, ["runs", "list", "--stack-file", dc.stackFile, "--run-store", store, "--json"]).exit).stdout) as { runs: { runId: string; kind: string; finished?: unknown }[] };
    const unfinished = listed.runs.filter((r) => r.kind === "drill" && !r.finished).map((r) => r.runId);
    assert.equal(unfinished.length, 1, JSON.stringify(listed.runs));
    assert.match(cleanup.stdout, new RegExp(`looked at unfinished drill run: ${unfinished[0]}`));
    assert.match(cleanup.stdout, /cleanup complete: \d+ objects? removed/);
    assert.deepEqual(await hardware(dc), { ...before, drillLpars: [], flashCopies: [] });
    assert.deepEqual(fs.readdirSync(h2.cwd), []);
  });
});
