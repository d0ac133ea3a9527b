// examples/networks on the real Pulumi engine: a NetworkMapping between two sites with different
// VLAN IDs, switch names and subnets. `pulumi up` reports the group ready, `vmr failover` of the
// lost site puts each VM on the mapped switch and VLANs (read back from the simulator's state) and
// its post hook receives each VM's new address; a bad mapping fails `pulumi preview`.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { openSimulator } from "../../provider/adapters/simulator";
import { deployExample, REPO_ROOT, runVmr, startEngine, stateFile, type Engine } from "./engine";
import { stateResource } from "./helpers";

const EXAMPLE = path.join(REPO_ROOT, "examples", "networks");

describe("examples/networks on the real engine", function () {
  let engine: Engine;
  let dir: string;
  let simDir: string;

  const vmr = (args: string[]) => runVmr(engine, dir, args);

  before(async function () {
    engine = startEngine();
    ({ dir, simDir } = await deployExample(engine, EXAMPLE, { up: false }));
  });
  after(() => engine?.dispose());

  it("pulumi up declares the mapping and reports the group ready", async () => {
    await engine.pulumiOk(["up", "--yes", "--skip-preview"], dir);
    const outputs = JSON.parse((await engine.pulumiOk(["stack", "output", "--json"], dir)).stdout);
    assert.equal(outputs.readiness, "ready", JSON.stringify(outputs.readinessIssues));
    assert.deepEqual(outputs.failbackVlans, [{ source: 210, target: 110 }, { source: 220, target: 120 }, { source: 230, target: 130 }]);
  });

  it("a drill of site A's loss runs every copy on drill VLANs only, and passes its isolation assertion", async () => {
    const runsDir = path.join(engine.dir, "drill-runs");
    const r = await vmr(["drill", "--stack", "dev", "--cwd", dir, "--drill-file", path.join(REPO_ROOT, "examples", "drills", "networks-isolation.yaml"), "--runs-dir", runsDir]);
    assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
    const [runDir] = fs.readdirSync(runsDir).filter((d) => d !== "locks");
    const report = JSON.parse(fs.readFileSync(path.join(runsDir, runDir, "report.json"), "utf8"));
    const isolated = report.assertions.find((a: { type: string }) => a.type === "networkIsolated");
    assert.deepEqual([isolated.passed, isolated.message], [true, "4 drill copies on drill VLANs only, each read back from the adapter"]);
    for (const a of report.assertions as { type: string; passed: boolean; message: string }[]) assert.ok(a.passed, `${a.type}: ${a.message}`);
    for (const vm of report.vms as { lpar: string; network: { use: string; adapters: { pvid: number; taggedVlans: number[] }[] } }[]) {
      assert.equal(vm.network.use, "drill");
      assert.ok([vm.network.adapters[0].pvid, ...vm.network.adapters[0].taggedVlans].every((v) => v >= 3110), vm.lpar);
    }
  });

  it("a site failover puts every VM on site B's switch and VLANs, with its new address", async () => {
    const crashed = await vmr(["sim", "fail-site", "site-a", "--state", simDir]);
    assert.equal(crashed.code, 0, crashed.stderr);
    const r = await vmr(["failover", "--stack", "dev", "--failed-site", "site-a", "--yes", "--json"]);
    assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
    const out = JSON.parse(r.stdout);
    assert.equal(out.result.status, "succeeded");
    const sim = await openSimulator({ stateDir: simDir });
    const { lpars } = await sim.compute.inventory();
    await sim.close();
    const expected: Record<string, { pvid: number; address: string }> = {
      "web-1": { pvid: 210, address: "172.16.10.11" },
      "web-2": { pvid: 210, address: "172.16.10.12" },
      "db-1": { pvid: 220, address: "172.16.20.5" },
      "db-2": { pvid: 220, address: "172.16.20.22" },
    };
    for (const [vm, want] of Object.entries(expected)) {
      const l = lpars.find((x) => x.id === vm)!;
      assert.match(l.host, /^b-0/);
      assert.deepEqual([l.adapters![0].switch, l.adapters![0].pvid, l.adapters![0].taggedVlans], ["VSW-DR", want.pvid, [230]], vm);
      const placement = out.plan.placements.find((p: { lpar: string }) => p.lpar === vm);
      assert.equal(placement.network.addresses[0].address, want.address, vm);
    }
    // AND the refreshed stack shows each VM on its mapped VLANs
    assert.ok(out.refresh, `no refresh: ${out.refreshError}`);
    const members = stateResource(stateFile(engine, "vmr-networks", "dev"), "shop").outputs.members as { lpar: string; vlans: string[] }[];
    for (const [vm, want] of Object.entries(expected)) assert.deepEqual(members.find((m) => m.lpar === vm)!.vlans, [`VSW-DR/${want.pvid}`, "VSW-DR/230"].sort(), vm);
  });

  it("a drill VLAN that is a production VLAN of the target fails pulumi preview, naming field, value and rule", async () => {
    const index = path.join(dir, "index.ts");
    fs.writeFileSync(index, fs.readFileSync(index, "utf8").replace("{ source: 120, target: 3120 }", "{ source: 120, target: 220 }"));
    const r = await engine.pulumi(["preview"], dir);
    assert.notEqual(r.code, 0);
    assert.match(r.stdout + r.stderr, /`drillVlans\[1\]\.target` is 220, a production VLAN of site site-b \(`vlans\[1\]\.target`\): drill copies must be isolated/);
  });
});
