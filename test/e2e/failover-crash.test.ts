// Crash safety: a failover process is killed with -9 at a random moment, over 20 seeds, then the
// run is resumed by a new process. Checked afterwards: every affected VM runs exactly once, at its
// planned target; every volume is mapped exactly once, there; no step started again after its
// completion was journaled. Real processes, a file-backed simulator at 1/1000 time scale.
import { strict as assert } from "assert";
import { spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { openSimulator } from "../../provider/adapters/simulator";
import { simFailHost } from "../../provider/adapters/simulator/control";
import { readJournal } from "../../provider/executor/journal/read-journal";
import { listRuns } from "../../provider/executor/run-store";
import { seededRandom } from "../../provider/random";
import { smallDatacenter } from "../unit/recovery/stack-fixture";

const WORKER = path.join(__dirname, "crash-worker.js");
const SEEDS = 20;
const PARALLEL = 4;

interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stderr: string;
}

/** Runs the worker; when `killAfterMs` is given, kills it with SIGKILL that long after it starts executing. */
function worker(args: string[], killAfterMs?: number): Promise<Exit> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [WORKER, ...args], { stdio: ["ignore", "pipe", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (d) => (stderr += d));
    child.stdout.on("data", (d: Buffer) => {
      if (killAfterMs !== undefined && d.toString().includes("running")) setTimeout(() => child.kill("SIGKILL"), killAfterMs);
    });
    child.on("exit", (code, signal) => resolve({ code, signal, stderr }));
  });
}

interface SeedOutcome {
  readonly killedMidRun: boolean;
  readonly interrupted: number;
}

async function crashAndResume(seed: number): Promise<SeedOutcome> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `vmr-crash-${seed}-`));
  try {
    const dc = await smallDatacenter(dir);
    await simFailHost("sys-a-01", { stateDir: dc.stateDir });
    const runs = path.join(dir, "runs");
    const counts = path.join(dir, "counts.jsonl");
    const args = [dc.stackFile, dc.stateDir, runs, counts];
    // GIVEN a failover killed at a random moment of its execution (about 1.3 s long)
    const killAfterMs = Math.floor(seededRandom(seed * 7919)() * 1500);
    const first = await worker(["run", ...args], killAfterMs);
    const killedMidRun = first.signal === "SIGKILL";
    if (!killedMidRun) assert.equal(first.code, 0, first.stderr);
    // WHEN a new process resumes it (if the first got as far as journaling)
    const [run] = listRuns(runs);
    // Killed after its journal said the run finished (before the process exited): nothing to resume.
    if (killedMidRun && run && run.finished) {
      assert.equal(run.finished.status, "succeeded", `seed ${seed}: ${JSON.stringify(run.finished)}`);
    } else if (killedMidRun && run) {
      const second = await worker(["resume", ...args]);
      assert.equal(second.code, 0, `seed ${seed}: resume failed: ${second.stderr}`);
    } else if (killedMidRun) {
      // Killed before the journal existed: nothing ran, so a fresh failover is the recovery.
      const second = await worker(["run", ...args]);
      assert.equal(second.code, 0, `seed ${seed}: rerun failed: ${second.stderr}`);
    }
    // THEN the run finished and the journal never restarted a completed step
    const [finished] = listRuns(runs);
    assert.equal(finished.finished?.status, "succeeded", `seed ${seed}`);
    const { records } = readJournal(finished.journalFile);
    const completed = new Set<string>();
    let interrupted = 0;
    for (const r of records) {
      if (r.type === "step-completed") completed.add(r.stepId);
      if (r.type === "step-started") assert.ok(!completed.has(r.stepId), `seed ${seed}: ${r.stepId} started again after it completed`);
      if (r.type === "run-resumed") interrupted += r.interruptedSteps?.length ?? 0;
    }
    const plan = records[0].type === "run-started" ? records[0].plan : assert.fail("no plan");
    // AND every affected VM runs at its planned target, every volume mapped there only
    const sim = await openSimulator({ stateDir: dc.stateDir });
    const [{ lpars }, { hostMappings }] = await Promise.all([sim.compute.inventory(), sim.storage.inventory()]);
    await sim.close();
    for (const p of plan.placements) {
      const lpar = lpars.find((l) => l.id === p.lpar)!;
      assert.deepEqual([lpar.host, lpar.state], [p.target, "Running"], `seed ${seed}: ${p.lpar}`);
      for (const v of p.volumes) {
        assert.deepEqual(hostMappings.filter((m) => m.volume === v.attach).map((m) => m.host), [p.target], `seed ${seed}: mappings of ${v.attach}`);
      }
    }
    // AND no VM was started, no volume mapped, more than once over both processes
    const calls = fs.readFileSync(counts, "utf8").trim().split("\n").map((l) => JSON.parse(l) as { op: string; key: string; alreadyDone: boolean | null });
    for (const op of ["remoteRestart", "mapVolume"]) {
      const effective = new Map<string, number>();
      for (const c of calls.filter((x) => x.op === op && x.alreadyDone === false)) effective.set(c.key, (effective.get(c.key) ?? 0) + 1);
      for (const [key, n] of effective) assert.equal(n, 1, `seed ${seed}: ${op} ${key} took effect ${n} times`);
    }
    return { killedMidRun, interrupted };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

describe("failover killed with -9 and resumed", function () {
  this.timeout(600_000);

  it(`keeps every invariant over ${SEEDS} random kill points`, async () => {
    const outcomes: SeedOutcome[] = [];
    for (let start = 1; start <= SEEDS; start += PARALLEL) {
      const batch = Array.from({ length: Math.min(PARALLEL, SEEDS - start + 1) }, (_, i) => crashAndResume(start + i));
      outcomes.push(...(await Promise.all(batch)));
    }
    // The kills must have landed mid-run often enough for the test to mean something.
    const mid = outcomes.filter((o) => o.killedMidRun).length;
    const withInterruptedSteps = outcomes.filter((o) => o.interrupted > 0).length;
    assert.ok(mid >= SEEDS / 2, `only ${mid} of ${SEEDS} kills landed during the run`);
    assert.ok(withInterruptedSteps >= 3, `only ${withInterruptedSteps} resumes found steps in flight`);
  });
});
