// The default run store is per user and keyed by the stack's identity, not by the directory
// `vmr` runs in: two shells in two directories of one machine see the same lock and runs.
import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { openSimulator } from "../../../provider/adapters/simulator";
import { simFailHost } from "../../../provider/adapters/simulator/control";
import { FileRunStore, knownStacks, runsDirOfStack } from "../../../provider/run-store/file-store";
import { identityOf } from "../../../provider/run-store/open";
import { smallDatacenter, type Datacenter } from "./stack-fixture";

const main = path.resolve(__dirname, "..", "..", "..", "provider", "cli", "main.js");

describe("per-user run store (file)", function () {
  this.timeout(60_000);
  let dc: Datacenter;
  let home: string;
  let shellA: string;
  let shellB: string;

  const vmr = (cwd: string, args: string[]) => {
    const r = spawnSync(process.execPath, [main, ...args], { cwd, encoding: "utf8", env: { ...process.env, VMR_STATE_HOME: home } });
    return { status: r.status, stdout: r.stdout, stderr: r.stderr };
  };

  beforeEach(async () => {
    dc = await smallDatacenter(fs.mkdtempSync(path.join(os.tmpdir(), "vmr-user-store-")));
    home = path.join(dc.dir, "state-home");
    shellA = fs.mkdirSync(path.join(dc.dir, "a"), { recursive: true })!;
    shellB = fs.mkdirSync(path.join(dc.dir, "b"), { recursive: true })!;
    await simFailHost("sys-a-01", { stateDir: dc.stateDir });
  });
  afterEach(() => fs.rmSync(dc.dir, { recursive: true, force: true }));

  it("a failover from another directory is refused while the stack's lock is held, naming the holder", async () => {
    // GIVEN a failover of the stack holds its lock (taken as shell A's vmr takes it)
    const store = FileRunStore.ofStack(await identityOf({ stackFile: dc.stackFile }, "dev"), { VMR_STATE_HOME: home });
    const lock = await store.acquireLock({ runId: "20260101T000000Z-dddddd", purpose: "failover" });
    try {
      // WHEN shell B, in another directory, fails the stack over
      const r = vmr(shellB, ["failover", "--stack-file", dc.stackFile, "--failed-host", "sys-a-01", "--yes"]);
      // THEN it is refused naming the holder, and no LPAR moved
      assert.equal(r.status, 3, r.stderr);
      assert.match(r.stderr, new RegExp(`stack dev is locked by pid ${process.pid} .*20260101T000000Z-dddddd`));
      const sim = await openSimulator({ stateDir: dc.stateDir });
      const { lpars } = await sim.compute.inventory();
      await sim.close();
      assert.ok(lpars.filter((l) => dc.topology.lpars.find((t) => t.id === l.id)?.host === "sys-a-01").every((l) => l.host === "sys-a-01"));
    } finally {
      await lock.release();
    }
  });

  it("a run made in shell A is listed, shown and reported from shell B; nothing is written under either directory", () => {
    const done = vmr(shellA, ["failover", "--stack-file", dc.stackFile, "--failed-host", "sys-a-01", "--yes", "--json"]);
    assert.equal(done.status, 0, done.stderr);
    const runId = JSON.parse(done.stdout).result.runId as string;
    const list = vmr(shellB, ["runs", "list", "--stack-file", dc.stackFile]);
    assert.equal(list.status, 0, list.stderr);
    assert.match(list.stdout, new RegExp(`^${runId}  failover .*succeeded$`, "m"));
    const show = vmr(shellB, ["runs", "show", runId, "--stack-file", dc.stackFile]);
    assert.equal(show.status, 0, show.stderr);
    assert.match(show.stdout, new RegExp(`^${runId}: failover of stack dev, started .* by pid \\d+ on .*, succeeded$`, "m"));
    const report = vmr(shellB, ["report", runId, "--format", "json"]);
    assert.equal(report.status, 0, report.stderr);
    assert.deepEqual(fs.readdirSync(shellA), []);
    assert.deepEqual(fs.readdirSync(shellB), []);
    const stores = knownStacks({ VMR_STATE_HOME: home });
    assert.deepEqual(stores.map((s) => s.runsDir), [runsDirOfStack(stores[0].identity, { VMR_STATE_HOME: home })]);
    assert.ok(fs.existsSync(path.join(stores[0].runsDir, runId, "journal.jsonl")));
  });
});
