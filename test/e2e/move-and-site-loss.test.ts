// Issue 20's acceptance runs, end to end through the real engine, with the verdict taken on the
// simulator's state: examples/basic (whose consistency groups span the three production servers)
// brought up by `pulumi up`, then
//   - a planned move of one server and a failback: no VM is left down, every VM ends where the
//     plan put it, then back on its own server with its own mappings;
//   - a site loss with the production storage offline: every VM recovers where the plan put it,
//     each group within a small factor of the plan's RTO (the dead array stalls nothing), and the
//     cleanup left on the dead array is done by the failback once the site is repaired.
// The simulator runs with zero latency spread here, so the plan's estimate is what the run must
// take, give or take the wall-clock overhead of the executor at the topology's time scale.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import { openSimulator } from "../../provider/adapters/simulator";
import { DEFAULT_LATENCIES, OPERATIONS } from "../../provider/model/latency";
import { deployExample, REPO_ROOT, runVmr, startEngine, type Engine } from "./engine";

/** How far a group's measured RTO may exceed the plan's estimate (executor overhead in wall time). */
const RTO_FACTOR = 1.5;

interface Placement {
  lpar: string;
  target: string | null;
  volumes: { attach: string }[];
}
interface GroupRto {
  name: string;
  estimatedRtoSeconds: number;
  rtoSeconds?: number;
  verdict: string;
}
interface SimView {
  lpars: Map<string, { host: string; state: string }>;
  mappings: { volume: string; host: string }[];
  groups: Map<string, { primary: string; state: string }>;
}

/** examples/basic's topology with every latency at its median: no spread, so the estimate holds. */
function steadyTopology(dir: string): string {
  const topology = YAML.parse(fs.readFileSync(path.join(REPO_ROOT, "examples", "basic", "topology.yaml"), "utf8"));
  const latencies = Object.fromEntries(OPERATIONS.map((op) => [op, { medianSeconds: DEFAULT_LATENCIES[op].medianSeconds, p95Seconds: DEFAULT_LATENCIES[op].medianSeconds }]));
  topology.simulation = { ...topology.simulation, latencies };
  const file = path.join(dir, "steady-topology.yaml");
  fs.writeFileSync(file, YAML.stringify(topology));
  return file;
}

async function simView(stateDir: string): Promise<SimView> {
  const sim = await openSimulator({ stateDir });
  try {
    const [compute, storage] = await Promise.all([sim.compute.inventory(), sim.storage.inventory()]);
    return {
      lpars: new Map(compute.lpars.map((l) => [l.id, { host: l.host, state: l.state }])),
      mappings: storage.hostMappings.map((m) => ({ volume: m.volume, host: m.host })),
      groups: new Map(storage.consistencyGroups.map((g) => [g.id, { primary: g.primary, state: g.state }])),
    };
  } finally {
    await sim.close();
  }
}

describe("planned move, failback and site loss of examples/basic (real engine, issue 20)", function () {
  let engine: Engine;
  let dir: string;
  let simDir: string;
  /** Where each LPAR ran, and which volume was mapped to which host, before anything moved. */
  let home: SimView;

  const vmr = (args: string[]) => runVmr(engine, dir, args);

  async function vmrJson(args: string[]): Promise<{ plan: { placements: Placement[] }; result: { status: string }; report?: { json?: string } }> {
    const r = await vmr([...args, "--stack", "dev", "--yes", "--json"]);
    assert.equal(r.code, 0, `vmr ${args.join(" ")} exited ${r.code}\n${r.stdout}\n${r.stderr}`);
    return JSON.parse(r.stdout);
  }

  /** Every LPAR of the topology is Running, on exactly the host given. */
  function assertRunningOn(view: SimView, expected: Map<string, string>, what: string): void {
    for (const [lpar, host] of expected) {
      const l = view.lpars.get(lpar);
      assert.deepEqual([l?.host, l?.state], [host, "Running"], `${lpar} ${what}`);
    }
  }

  /** Each volume an LPAR uses is mapped once, and only to the host the LPAR runs on. */
  function assertMappedOnceTo(view: SimView, volumes: Map<string, string>, what: string): void {
    for (const [volume, lpar] of volumes) {
      const host = view.lpars.get(lpar)?.host;
      assert.deepEqual(view.mappings.filter((m) => m.volume === volume).map((m) => m.host), [host], `${volume} of ${lpar} ${what}`);
    }
  }

  /** The report's groups: each one that came up within RTO_FACTOR of the plan's estimate for it. */
  function assertRtoAsPlanned(reportFile: string | undefined): void {
    assert.ok(reportFile, "the run wrote no JSON report");
    const groups = JSON.parse(fs.readFileSync(reportFile, "utf8")).groups as GroupRto[];
    assert.ok(groups.length > 0);
    for (const g of groups) {
      assert.ok(g.rtoSeconds !== undefined, `group ${g.name} did not come up (${g.verdict})`);
      assert.ok(g.rtoSeconds <= RTO_FACTOR * g.estimatedRtoSeconds + 30, `group ${g.name}: measured RTO ${g.rtoSeconds} s against the plan's ${g.estimatedRtoSeconds} s`);
    }
  }

  /** Which LPAR uses each volume now (the source volumes at home, the replicas at the other site). */
  function volumesInUse(view: SimView): Map<string, string> {
    const byVolume = new Map<string, string>();
    for (const m of view.mappings) {
      const lpar = [...view.lpars.entries()].find(([id, l]) => l.host === m.host && m.volume.startsWith(`${id}-`))?.[0];
      if (lpar) byVolume.set(m.volume, lpar);
    }
    return byVolume;
  }

  beforeEach(async function () {
    engine = startEngine();
    ({ dir, simDir } = await deployExample(engine, path.join(REPO_ROOT, "examples", "basic"), { topology: steadyTopology(engine.dir) }));
    home = await simView(simDir);
  });
  afterEach(() => engine?.dispose());

  it("moves a server whose consistency groups span servers without leaving a VM down, then fails every VM back to its own server", async () => {
    const homeHosts = new Map([...home.lpars].map(([id, l]) => [id, l.host]));
    const homeVolumes = volumesInUse(home);
    // WHEN the operator moves server a-01 to the recovery site
    const moved = await vmrJson(["failover", "--planned", "--failed-host", "a-01"]);
    assert.equal(moved.result.status, "succeeded");
    // THEN every VM runs, once: where the plan put it, or where it was
    const afterMove = await simView(simDir);
    const expected = new Map(homeHosts);
    for (const p of moved.plan.placements) if (p.target !== null) expected.set(p.lpar, p.target);
    assert.ok(moved.plan.placements.some((p) => homeHosts.get(p.lpar) === "a-01" && p.target !== null), "nothing of a-01 moved");
    assertRunningOn(afterMove, expected, "after the planned move");
    for (const p of moved.plan.placements.filter((x) => x.target !== null)) {
      for (const v of p.volumes) assert.deepEqual(afterMove.mappings.filter((m) => m.volume === v.attach).map((m) => m.host), [p.target], v.attach);
    }
    assertRtoAsPlanned(moved.report?.json);
    // WHEN the operator fails back
    const back = await vmrJson(["failback"]);
    assert.equal(back.result.status, "succeeded");
    // THEN every VM runs on its own server again, with its own volumes mapped to it only
    const afterBack = await simView(simDir);
    assertRunningOn(afterBack, homeHosts, "after the failback");
    assertMappedOnceTo(afterBack, homeVolumes, "after the failback");
    for (const [id, g] of home.groups) assert.equal(afterBack.groups.get(id)?.primary, g.primary, `consistency group ${id} replicates from home again`);
    // AND the stack, refreshed by the failback, is what its program declares: a preview changes nothing
    const preview = await engine.pulumi(["preview", "--expect-no-changes", "--diff"], dir);
    assert.equal(preview.code, 0, `pulumi preview after the failback wants changes:\n${preview.stdout}\n${preview.stderr}`);
  });

  it("recovers a lost site whose storage is offline at the planned RTO, and cleans the dead array up at failback", async () => {
    const homeHosts = new Map([...home.lpars].map(([id, l]) => [id, l.host]));
    const homeVolumes = volumesInUse(home);
    // GIVEN site-a is lost, its storage offline with it
    const lost = await vmr(["sim", "fail-site", "site-a", "--state", simDir]);
    assert.equal(lost.code, 0, lost.stderr);
    // WHEN the operator fails it over
    const out = await vmrJson(["failover", "--failed-site", "site-a"]);
    assert.equal(out.result.status, "succeeded");
    // THEN every VM of site-a runs where the plan put it, each group about when the plan said
    const recovered = new Map(out.plan.placements.filter((p) => p.target !== null).map((p) => [p.lpar, p.target as string]));
    assert.deepEqual([...recovered.keys()].sort(), [...homeHosts].filter(([, h]) => h.startsWith("a-")).map(([id]) => id).sort());
    assertRunningOn(await simView(simDir), recovered, "after the site failover");
    assertRtoAsPlanned(out.report?.json);
    // WHEN the site is repaired and the operator fails back
    const repaired = await vmr(["sim", "repair", "site-a", "--state", simDir]);
    assert.equal(repaired.code, 0, repaired.stderr);
    const back = await vmrJson(["failback"]);
    assert.equal(back.result.status, "succeeded");
    // THEN every VM is home, and no mapping the failover could not remove is left on the array
    const afterBack = await simView(simDir);
    assertRunningOn(afterBack, homeHosts, "after the failback");
    assertMappedOnceTo(afterBack, homeVolumes, "after the failback");
    const used = new Set(homeVolumes.keys());
    const strays = afterBack.mappings.filter((m) => !used.has(m.volume));
    assert.deepEqual(strays, [], "mappings left over after the failback");
  });
});
