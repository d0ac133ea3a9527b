// kill -9 of `vmr failover` on a stack deployed by `pulumi up` through the real engine (not an
// exported stack file), then `vmr failover --resume` in a new process: the run finishes from its
// journal, its progress continues from where the run was, and the stack is refreshed. Verdicts on
// the simulator's state: each VM of the failed server runs once, at its planned target, each of
// its volumes mapped once, there; no step started again after its completion was journaled.
import { strict as assert } from "assert";
import { spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { openSimulator } from "../../provider/adapters/simulator";
import { readJournal } from "../../provider/executor/journal/read-journal";
import { listRuns } from "../../provider/executor/run-store";
import type { Plan } from "../../provider/generated/plan";
import { knownStacks } from "../../provider/run-store/file-store";
import { deployExample, REPO_ROOT, runVmr, startEngine, stateFile, VMR_MAIN, type Engine } from "./engine";
import { stateResource } from "./helpers";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("kill -9 and resume of vmr failover on an engine-deployed stack (examples/basic, real engine)", function () {
  let engine: Engine;
  let dir: string;
  let simDir: string;

  before(async function () {
    engine = startEngine();
    ({ dir, simDir } = await deployExample(engine, path.join(REPO_ROOT, "examples", "basic")));
  });
  after(() => engine?.dispose());

  /** The journal of the stack's only run, in the per-user run store the engine's `vmr` uses. */
  function journalFile(): string | undefined {
    const stores = knownStacks(engine.env);
    if (stores.length === 0) return undefined;
    return listRuns(stores[0].runsDir)[0]?.journalFile;
  }

  const completions = (file: string | undefined): number => {
    if (!file || !fs.existsSync(file)) return 0;
    return fs.readFileSync(file, "utf8").split("\n").filter((l) => l.includes('"type":"step-completed"')).length;
  };

  it("a bad vmr:runStore in the stack's configuration exits 2 naming each field, the value and how to set it, before any hardware is read", async () => {
    // GIVEN the stack's run store configured with a TTL under its minimum and an endpoint without a scheme
    await engine.pulumiOk(["config", "set", "--path", "vmr:runStore.leaseTtlSeconds", "1"], dir);
    await engine.pulumiOk(["config", "set", "--path", "vmr:runStore.endpoints[0]", "127.0.0.1:1"], dir);
    await engine.pulumiOk(["config", "set", "--secret", "--path", "vmr:runStore.password", "pw-not-to-be-seen"], dir);
    try {
      // WHEN the operator lists the stack's runs, or starts a failover
      for (const args of [["runs", "list", "--stack", "dev"], ["failover", "--stack", "dev", "--failed-host", "a-01", "--yes"]]) {
        const r = await runVmr(engine, dir, args);
        // THEN it exits 2 naming every bad field, with the fix, and the (secret) password nowhere
        assert.equal(r.code, 2, `${args.join(" ")}: ${r.stdout}\n${r.stderr}`);
        assert.match(r.stderr, /`vmr:runStore.leaseTtlSeconds` must be >= 2, got 1: set it with `pulumi config set --path vmr:runStore.leaseTtlSeconds VALUE`/);
        assert.match(r.stderr, /`vmr:runStore.endpoints\[0\]` must match .*got "127.0.0.1:1"/);
        assert.doesNotMatch(r.stdout + r.stderr, /pw-not-to-be-seen/);
      }
    } finally {
      await engine.pulumiOk(["config", "rm", "vmr:runStore"], dir);
    }
    // AND nothing was failed over: every LPAR of a-01 still runs there
    const sim = await openSimulator({ stateDir: simDir });
    const { lpars } = await sim.compute.inventory();
    await sim.close();
    assert.ok(lpars.filter((l) => l.host === "a-01").every((l) => l.state === "Running"));
  });

  it("a failover killed -9 mid-run is finished by --resume in a new process, its progress continuing from the journal", async () => {
    // GIVEN server a-01 crashes, and the operator's failover is killed -9 once it journaled some steps
    assert.equal((await runVmr(engine, dir, ["sim", "fail-host", "a-01", "--state", simDir])).code, 0);
    const child = spawn(process.execPath, [VMR_MAIN, "failover", "--stack", "dev", "--failed-host", "a-01", "--yes"], { cwd: dir, env: engine.env, stdio: ["ignore", "pipe", "pipe"] });
    let firstErr = "";
    child.stderr.on("data", (d) => (firstErr += d));
    child.stdout.resume();
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on("exit", (_code, signal) => resolve(signal)));
    const until = Date.now() + 120_000;
    while (completions(journalFile()) < 3 && child.exitCode === null && Date.now() < until) await sleep(20);
    child.kill("SIGKILL");
    assert.equal(await exited, "SIGKILL", `the failover ended before it was killed: ${firstErr}`);
    const file = journalFile()!;
    const before = readJournal(file).records;
    assert.ok(!before.some((r) => r.type === "run-finished"), "the run had finished: the kill proves nothing");
    const plan = (before[0] as { plan: Plan }).plan;
    const endedBefore = new Set(before.filter((r) => r.type === "step-completed").map((r) => (r as { stepId: string }).stepId)).size;
    assert.ok(endedBefore >= 3 && endedBefore < plan.steps.length, `${endedBefore} of ${plan.steps.length} steps ended before the kill`);
    const runId = /^run (\S+): if it is interrupted/m.exec(firstErr)?.[1];
    assert.ok(runId, firstErr);

    // WHEN the operator resumes it from a new process (its lock turns stale once the dead pid's is)
    const resumed = await runVmr(engine, dir, ["failover", "--stack", "dev", "--resume", runId, "--yes"]);
    assert.equal(resumed.code, 0, `${resumed.stdout}\n${resumed.stderr}`);

    // THEN its progress starts from the steps the journal says ended (stderr is not a terminal here)
    const m = /^resumed: (\d+) of (\d+) steps had ended before$/m.exec(resumed.stderr);
    assert.ok(m, resumed.stderr);
    assert.ok(Number(m[1]) >= endedBefore && Number(m[2]) === plan.steps.length, m[0]);
    // AND on the simulator: each VM of a-01 runs once, at its target; each volume mapped once, there
    const sim = await openSimulator({ stateDir: simDir });
    const [{ lpars }, { hostMappings }] = await Promise.all([sim.compute.inventory(), sim.storage.inventory()]);
    await sim.close();
    const placed = plan.placements.filter((p) => p.target !== null);
    assert.ok(placed.length > 0);
    for (const p of placed) {
      const seen = lpars.filter((l) => l.id === p.lpar);
      assert.deepEqual(seen.map((l) => [l.host, l.state]), [[p.target, "Running"]], p.lpar);
      for (const v of p.volumes) assert.deepEqual(hostMappings.filter((x) => x.volume === v.attach).map((x) => x.host), [p.target], v.attach);
    }
    // AND no step started again once its completion was journaled
    const records = readJournal(file).records;
    const completedAt = new Map<string, number>();
    records.forEach((r, i) => {
      if (r.type === "step-completed" && !completedAt.has(r.stepId)) completedAt.set(r.stepId, i);
    });
    records.forEach((r, i) => {
      if (r.type === "step-started") assert.ok(!(completedAt.get(r.stepId)! < i), `${r.stepId} started again after it completed`);
    });
    assert.ok(records.some((r) => r.type === "run-finished" && r.status === "succeeded"));
    // AND the stack was refreshed by the resume: its state shows where the database VMs run now
    assert.match(resumed.stdout, /refresh/i);
    const members = stateResource(stateFile(engine, "vmr-basic", "dev"), "db").outputs.members as { lpar: string; site: string }[];
    const dbMoved = placed.filter((p) => p.lpar.startsWith("db-"));
    assert.ok(dbMoved.length > 0, "the failed server held a database VM");
    for (const p of dbMoved) assert.equal(members.find((x) => x.lpar === p.lpar)?.site, "site-b", `${p.lpar} in the refreshed state`);
  });
});
