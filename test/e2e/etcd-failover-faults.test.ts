// Faults of a failover whose lock and journal live in etcd, on real processes: the `vmr` CLI run
// by "host 1" and "host 2" (each its own HOME, run-store home and working directory) against one
// simulated datacenter (the hardware both reach) and a real 3-member etcd cluster on loopback.
// Each case runs over 10 seeds (the moment of the fault); verdicts are taken on the simulator's
// state: every recovered LPAR runs exactly once, at one host; each of its volumes is mapped to
// exactly that host; every VM of the plan is running or reported with a reason.
import { strict as assert } from "assert";
import { spawn, type ChildProcess } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { openSimulator } from "../../provider/adapters/simulator";
import { simFailHost } from "../../provider/adapters/simulator/control";
import { seededRandom } from "../../provider/random";
import { EtcdCluster } from "../etcd/cluster";
import { smallDatacenter, type Datacenter } from "../unit/recovery/stack-fixture";

const MAIN = path.resolve(__dirname, "..", "..", "provider", "cli", "main.js");
// At least 10 seeds each; VMR_FAULT_SEEDS raises it (or lowers it while developing).
const SEEDS = Number(process.env.VMR_FAULT_SEEDS ?? 10);
const TTL_MS = 2000;

interface Host {
  readonly name: string;
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
}

function host(root: string, name: string): Host {
  const home = path.join(root, name, "home");
  const cwd = path.join(root, name, "work");
  fs.mkdirSync(home, { recursive: true });
  fs.mkdirSync(cwd, { recursive: true });
  return { name, cwd, env: { ...process.env, HOME: home, VMR_STATE_HOME: path.join(home, "state") } };
}

interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Starts `vmr` on a host; `onRunId` is called once the run has its id (its plan is about to run). */
function vmr(h: Host, args: string[], onRunId?: (runId: string, child: ChildProcess) => void): { child: ChildProcess; exit: Promise<Exit> } {
  const child = spawn(process.execPath, [MAIN, ...args], { cwd: h.cwd, env: h.env, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  let told = false;
  child.stdout!.on("data", (d) => (stdout += d));
  child.stderr!.on("data", (d) => {
    stderr += d;
    const m = /^run (\S+): if it is interrupted/m.exec(stderr);
    if (m && !told) {
      told = true;
      onRunId?.(m[1], child);
    }
  });
  const exit = new Promise<Exit>((resolve) => child.on("exit", (code, signal) => resolve({ code, signal, stdout, stderr })));
  return { child, exit };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * The invariants, read from the simulator's state: each LPAR of the failed server appears once,
 * running away from it (or is reported failed with a reason); each volume it attaches (as the
 * plan names them) is mapped to exactly the host it runs on.
 */
async function assertHardwareConsistent(dc: Datacenter, failed: string, label: string, out: { plan: { placements: { lpar: string; volumes: { attach: string }[] }[] }; result: { vms: { lpar: string; status: string }[] } }): Promise<void> {
  const sim = await openSimulator({ stateDir: dc.stateDir });
  const [{ lpars }, { hostMappings }] = await Promise.all([sim.compute.inventory(), sim.storage.inventory()]);
  await sim.close();
  for (const a of dc.topology.lpars.filter((l) => l.host === failed)) {
    const seen = lpars.filter((l) => l.id === a.id);
    assert.equal(seen.length, 1, `${label}: ${a.id} appears ${seen.length} times`);
    const l = seen[0];
    const running = l.state === "Running" && l.host !== failed;
    const reported = out.result.vms.find((v) => v.lpar === a.id);
    assert.ok(running || (reported && reported.status !== "recovered"), `${label}: ${a.id} is ${l.state} on ${l.host} and not reported failed`);
    if (!running) continue;
    for (const v of out.plan.placements.find((p) => p.lpar === a.id)?.volumes ?? []) {
      assert.deepEqual(hostMappings.filter((m) => m.volume === v.attach).map((m) => m.host), [l.host], `${label}: mappings of ${v.attach} (${a.id} runs on ${l.host})`);
    }
  }
}

/** Resumes `runId` on `h`, waiting out the dead holder's lease (exit 3 until it expires). */
async function resumeOn(h: Host, dc: Datacenter, endpoints: string, runId: string): Promise<Exit> {
  const until = Date.now() + 6 * TTL_MS + 10_000;
  for (;;) {
    const r = await vmr(h, ["failover", "--stack-file", dc.stackFile, "--resume", runId, "--yes", "--json", "--run-store", `etcd:${endpoints}`, "--lock-stale", String(TTL_MS)]).exit;
    if (r.code !== 3 || Date.now() > until) return r;
    await sleep(300);
  }
}

function failoverArgs(dc: Datacenter, endpoints: string, ttl = TTL_MS): string[] {
  return ["failover", "--stack-file", dc.stackFile, "--failed-host", "sys-a-01", "--yes", "--json", "--run-store", `etcd:${endpoints}`, "--lock-stale", String(ttl)];
}

describe("failover with its lock and journal in etcd: faults on real processes", function () {
  this.timeout(900_000);
  let cluster: EtcdCluster;
  let root: string;

  before(async () => {
    cluster = await EtcdCluster.start(3);
    root = fs.mkdtempSync(path.join(os.tmpdir(), "vmr-etcd-faults-"));
  });
  after(async () => {
    await cluster?.stop();
    if (root) fs.rmSync(root, { recursive: true, force: true });
  });

  async function datacenter(label: string, timeScale?: number): Promise<Datacenter> {
    const dc = await smallDatacenter(fs.mkdtempSync(path.join(root, `${label}-`)), timeScale);
    await simFailHost("sys-a-01", { stateDir: dc.stateDir });
    return dc;
  }

  it(`kill -9 of the orchestrator on host 1 mid-run; host 2 resumes it from the store (${SEEDS} seeds)`, async () => {
    let midRun = 0;
    for (let seed = 1; seed <= SEEDS; seed++) {
      const dc = await datacenter(`kill-${seed}`);
      const [h1, h2] = [host(dc.dir, "host1"), host(dc.dir, "host2")];
      const endpoints = cluster.endpoints.join(",");
      const delay = Math.floor(seededRandom(seed * 104729)() * 1200);
      let runId: string | undefined;
      const first = await vmr(h1, failoverArgs(dc, endpoints), (id, child) => {
        runId = id;
        setTimeout(() => child.kill("SIGKILL"), delay);
      }).exit;
      assert.ok(runId, `seed ${seed}: no run started: ${first.stderr}`);
      let out: Exit = first;
      if (first.signal === "SIGKILL") {
        midRun++;
        out = await resumeOn(h2, dc, endpoints, runId!);
        // Killed before its first journal write: nothing ran, host 2 starts afresh.
        if (out.code === 2 && /no run/.test(out.stderr)) out = await vmr(h2, failoverArgs(dc, endpoints)).exit;
        assert.equal(out.code, 0, `seed ${seed}: host 2 did not finish the run: ${out.stderr}`);
      } else assert.equal(first.code, 0, `seed ${seed}: ${first.stderr}`);
      const outcome = JSON.parse(out.stdout);
      assert.equal(outcome.result.status, "succeeded", `seed ${seed}`);
      await assertHardwareConsistent(dc, "sys-a-01", `seed ${seed}`, outcome);
      // AND host 2 did not need host 1's files: none were written in either working directory
      assert.deepEqual([fs.readdirSync(h1.cwd), fs.readdirSync(h2.cwd)], [[], []]);
    }
    assert.ok(midRun >= SEEDS / 2, `only ${midRun} of ${SEEDS} kills landed mid-run`);
  });

  it(`kill -9 of one etcd member mid-run: the run goes on and succeeds (${SEEDS} seeds)`, async () => {
    for (let seed = 1; seed <= SEEDS; seed++) {
      const dc = await datacenter(`member-${seed}`);
      const h1 = host(dc.dir, "host1");
      const rand = seededRandom(seed * 7919);
      const member = Math.floor(rand() * 3);
      const delay = Math.floor(rand() * 800);
      const out = await vmr(h1, failoverArgs(dc, cluster.endpoints.join(","), 5000), () => setTimeout(() => cluster.kill(member), delay)).exit;
      // (the member is back before any verdict, so that a failure here leaves the later cases a whole cluster)
      cluster.kill(member); // (a no-op when it was killed mid-run, as it should have been)
      await cluster.restart(member);
      assert.equal(out.code, 0, `seed ${seed} (member ${member} killed after ${delay} ms): ${out.stderr}`);
      const outcome = JSON.parse(out.stdout);
      assert.equal(outcome.result.status, "succeeded");
      await assertHardwareConsistent(dc, "sys-a-01", `seed ${seed}`, outcome);
    }
  });

  it(`a frozen orchestrator (SIGSTOP past its lease) issues no hardware operation once continued; host 2 took the run over (${SEEDS} seeds)`, async () => {
    for (let seed = 1; seed <= SEEDS; seed++) {
      const dc = await datacenter(`freeze-${seed}`);
      const [h1, h2] = [host(dc.dir, "host1"), host(dc.dir, "host2")];
      const endpoints = cluster.endpoints.join(",");
      const delay = 100 + Math.floor(seededRandom(seed * 31337)() * 600);
      let runId: string | undefined;
      let frozen: ChildProcess | undefined;
      const first = vmr(h1, failoverArgs(dc, endpoints), (id, child) => {
        runId = id;
        setTimeout(() => {
          child.kill("SIGSTOP");
          frozen = child;
        }, delay);
      });
      const until = Date.now() + 30_000;
      while (!frozen && Date.now() < until) {
        if (first.child.exitCode !== null) break;
        await sleep(20);
      }
      if (!frozen) {
        // It finished before the freeze: nothing to take over this seed.
        assert.equal((await first.exit).code, 0);
        continue;
      }
      // WHEN host 2 takes the run over once host 1's lease has expired, and finishes it
      const taken = await resumeOn(h2, dc, endpoints, runId!);
      const out = taken.code === 2 && /no run/.test(taken.stderr) ? await vmr(h2, failoverArgs(dc, endpoints)).exit : taken;
      assert.equal(out.code, 0, `seed ${seed}: host 2: ${out.stderr}`);
      const attemptsBefore = await attempts(dc);
      // AND host 1 continues
      frozen.kill("SIGCONT");
      const end = await first.exit;
      // THEN host 1 stops without any further hardware operation, saying it lost the lock
      assert.notEqual(end.code, 0, `seed ${seed}: host 1 went on as if it held the run: ${end.stdout}`);
      assert.deepEqual(await attempts(dc), attemptsBefore, `seed ${seed}: host 1 issued hardware operations after it lost its lease`);
      await assertHardwareConsistent(dc, "sys-a-01", `seed ${seed}`, JSON.parse(out.stdout));
    }
  });

  it(`a second failover of the stack from another host is refused, naming the holder; the holder, frozen meanwhile and then continued, finishes the run (${SEEDS} seeds)`, async () => {
    for (let seed = 1; seed <= SEEDS; seed++) {
      const dc = await datacenter(`second-${seed}`);
      const [h1, h2] = [host(dc.dir, "host1"), host(dc.dir, "host2")];
      const endpoints = cluster.endpoints.join(",");
      let runId: string | undefined;
      let held: ChildProcess | undefined;
      // GIVEN host 1's failover holds the lock, frozen (SIGSTOP) well within its 60 s lease
      // (host 2's start on loaded shared cores must not outlast it, or host 1 rightly loses the run)
      const first = vmr(h1, failoverArgs(dc, endpoints, 60_000), (id, child) => {
        runId = id;
        child.kill("SIGSTOP");
        held = child;
      });
      while (!held && first.child.exitCode === null) await sleep(20);
      if (!held) assert.fail(`seed ${seed}: host 1 ended before its run started: ${(await first.exit).stderr}`);
      // WHEN host 2 asks for a failover of the same stack
      const second = await vmr(h2, failoverArgs(dc, endpoints, 60_000)).exit;
      // AND host 1 continues
      held.kill("SIGCONT");
      // THEN host 2 is refused, naming host 1's process and run
      assert.equal(second.code, 3, `seed ${seed}: ${second.stderr}`);
      assert.match(second.stderr, new RegExp(`locked in etcd .* by pid ${first.child.pid} on .*failover run ${runId}`));
      // AND host 1 renews its lease and finishes the run (a bounded wait: a hang fails here)
      const done = await Promise.race([first.exit, sleep(60_000).then(() => undefined)]);
      if (!done) first.child.kill("SIGKILL");
      assert.ok(done, `seed ${seed}: host 1 hung after SIGCONT`);
      assert.equal(done.code, 0, `seed ${seed}: host 1 after host 2 was refused: ${done.stderr}`);
      await assertHardwareConsistent(dc, "sys-a-01", `seed ${seed}`, JSON.parse(done.stdout));
    }
  });
});

/** Every operation the simulator ever accepted, per (operation, object): its attempts counter. */
async function attempts(dc: Datacenter): Promise<Record<string, number>> {
  const sim = await openSimulator({ stateDir: dc.stateDir });
  try {
    return await sim.store.read((s) => Object.fromEntries(s.attempts));
  } finally {
    await sim.close();
  }
}
