import { strict as assert } from "assert";
import { spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { VirtualClock } from "../../../provider/clock";
import { LockHeldError } from "../../../provider/errors";
import { createInMemorySimulator, generateTopology } from "../../../provider/adapters/simulator";
import { simFailHost } from "../../../provider/adapters/simulator/control";
import { acquireStackLock } from "../../../provider/executor/lock";
import { resultFromJournalFile } from "../../../provider/executor/outcome";
import { FileJournal } from "../../../provider/executor/journal/file-journal";
import { readJournal } from "../../../provider/executor/journal/read-journal";
import { runPlan } from "../../../provider/executor/run";
import { latestUnfinishedRun, listRuns } from "../../../provider/executor/run-store";
import { resumeRun, startRun } from "../../../provider/executor/session";
import { hostFailoverPlan } from "./plans";

async function scenario() {
  const topology = generateTopology({ sites: 2, hostsPerSite: 2, lparsPerHost: 2, lunsPerLpar: 1 });
  const clock = new VirtualClock();
  const sim = createInMemorySimulator(topology, { clock });
  await simFailHost("sys-a-01", { store: sim.store });
  return { sim, clock, plan: hostFailoverPlan(topology, "sys-a-01", ["sys-a-02"], { stack: "dev" }) };
}

describe("executor recorded runs and the stack lock", () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "vmr-runs-"));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("journals a run under <runs>/<run id>/journal.jsonl and reads its result back from the file", async () => {
    const { sim, clock, plan } = await scenario();
    // WHEN a recorded run executes
    const result = await startRun(plan, sim, { clock, runsDir: dir });
    // THEN its journal is where it says, the listing shows it finished, and the journal tells the same outcome
    assert.equal(result.journalFile, path.join(dir, result.runId, "journal.jsonl"));
    assert.deepEqual(listRuns(dir).map((r) => [r.runId, r.stack, r.finished?.status]), [[result.runId, "dev", "succeeded"]]);
    const fromFile = resultFromJournalFile(result.journalFile);
    assert.deepEqual(fromFile.vms, result.vms);
    assert.equal(fromFile.status, "succeeded");
    assert.equal(latestUnfinishedRun(dir, "dev"), undefined);
    // AND it cannot be resumed: there is nothing left to do
    await assert.rejects(resumeRun(sim, { clock, runsDir: dir, runId: result.runId }), /run .* already finished \(succeeded\): nothing to resume/);
    // AND the lock is released
    const again = await acquireStackLock(dir, "dev", { runId: "x", purpose: "test" });
    await again.release();
  });

  it("refuses a second failover of the same stack, naming the holder; another stack may run", async () => {
    const { sim, clock, plan } = await scenario();
    const held = await acquireStackLock(dir, "dev", { runId: "20260101T000000Z-aaaaaa", purpose: "failover" });
    try {
      await assert.rejects(startRun(plan, sim, { clock, runsDir: dir }), (err: unknown) => {
        assert.ok(err instanceof LockHeldError);
        assert.match(err.message, new RegExp(`stack dev is locked by pid ${process.pid} on ${os.hostname()} \\(failover run 20260101T000000Z-aaaaaa`));
        return true;
      });
      assert.deepEqual(listRuns(dir), [], "nothing was started");
      const other = await startRun({ ...plan, stack: "prod" }, sim, { clock, runsDir: dir });
      assert.equal(other.status, "succeeded");
    } finally {
      await held.release();
    }
  });

  it("takes over the lock of a process killed with -9", async function () {
    this.timeout(15_000);
    // GIVEN another process holds the lock and dies without releasing it
    const lockModule = path.resolve(__dirname, "../../../provider/executor/lock.js");
    const child = spawn(
      process.execPath,
      ["-e", `require(${JSON.stringify(lockModule)}).acquireStackLock(${JSON.stringify(dir)}, "dev", { runId: "r-dead", purpose: "failover" }, { staleMs: 2000 }).then(() => { console.log("locked"); setInterval(() => {}, 1000); });`],
      { stdio: ["ignore", "pipe", "inherit"] },
    );
    await new Promise<void>((resolve) => child.stdout!.once("data", () => resolve()));
    // WHILE it lives THEN the lock is refused at once
    await assert.rejects(acquireStackLock(dir, "dev", { runId: "r2", purpose: "failover" }, { staleMs: 2000 }), /pid \d+ .*r-dead/);
    child.kill("SIGKILL");
    await new Promise((resolve) => child.once("exit", resolve));
    // WHEN it is dead THEN the lock is taken over once stale
    const lock = await acquireStackLock(dir, "dev", { runId: "r2", purpose: "failover" }, { staleMs: 2000 });
    assert.equal(lock.holder.runId, "r2");
    await lock.release();
  });

  it("resumes the newest unfinished run of the stack when no run id is given", async () => {
    // GIVEN a run whose journal stopped after a few records (process died)
    const { sim, clock, plan } = await scenario();
    const runId = "20260101T000000Z-bbbbbb";
    fs.mkdirSync(path.join(dir, runId), { recursive: true });
    const file = path.join(dir, runId, "journal.jsonl");
    const journal = new FileJournal(file);
    let n = 0;
    const dying = { append: (r: Parameters<FileJournal["append"]>[0]) => (++n > 6 ? Promise.reject(new Error("killed")) : journal.append(r)), close: () => journal.close() };
    await assert.rejects(runPlan(plan, sim, { clock, journal: dying, runId }), /killed/);
    await journal.close();
    assert.equal(latestUnfinishedRun(dir, "dev")?.runId, runId);
    // WHEN it is resumed without naming it
    const result = await resumeRun(sim, { clock, runsDir: dir, stack: "dev" });
    // THEN the same run finishes, in the same journal
    assert.equal(result.runId, runId);
    assert.equal(result.status, "succeeded");
    const types = readJournal(file).records.map((r) => r.type);
    assert.equal(types.filter((t) => t === "run-resumed").length, 1);
    assert.equal(types.at(-1), "run-finished");
    assert.equal(latestUnfinishedRun(dir, "dev"), undefined);
  });
});
