// `vmr failover` as an operator runs it: the real CLI as a child process, a simulated datacenter
// in a state directory, and a stack export declaring its protection.
import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { openSimulator } from "../../../provider/adapters/simulator";
import { simFailHost } from "../../../provider/adapters/simulator/control";
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

  it("--dry-run rehearses the plan in virtual time and changes nothing", async () => {
    const before = await where(dc.stateDir, affected);
    const r = vmr([...base(), "--dry-run", "--yes"]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /dry run: rehearsed on a simulated copy/);
    assert.match(r.stdout, /succeeded, 4 of 4 LPARs recovered/);
    assert.deepEqual(await where(dc.stateDir, affected), before);
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

  it("fails the host's LPARs over with --yes: all run at their targets, the run is journaled", async () => {
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
  });
});
