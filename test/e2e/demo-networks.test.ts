// The demo's networks act (`vmr demo --networks`) through the real engine: examples/networks is
// deployed, site A is lost, `vmr failover` restarts each VM at site B; verdicts read from the
// simulator's state: on site B's switch and VLANs, MAC kept, and the stack destroyed.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { openSimulator } from "../../provider/adapters/simulator";
import { loadTopology } from "../../provider/adapters/simulator/control";
import { networksAct, type NetworksActResult } from "../../provider/demo/networks-act";
import { buildPulumiCli, pulumiCommand } from "../../provider/engine/pulumi-cli";

const REPO_ROOT = path.resolve(__dirname, "..", "..", "..");

describe("demo --networks: examples/networks failed over through the real engine", function () {
  this.timeout(900_000);
  let dir: string;
  let result: NetworksActResult;
  const steps: string[] = [];

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "vmr-demo-net-"));
    const cliRoot = await buildPulumiCli();
    result = await networksAct({ root: REPO_ROOT, dir, cliRoot, pulumiCommand: await pulumiCommand(cliRoot), keep: false, step: (s) => steps.push(s), detail: () => undefined });
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("deploys, fails over, destroys", () => {
    assert.deepEqual(steps.map((s) => s.split(/[ ,:]/)[0]), ["examples/networks", "site", "pulumi"]);
    assert.equal(result.status, "succeeded");
    assert.equal(result.destroyed, true);
  });

  it("puts every VM on site B's switch and VLANs with its MAC (simulator state), and reports its new address", async () => {
    const topology = loadTopology(path.join(REPO_ROOT, "examples", "networks", "topology.yaml"));
    const sim = await openSimulator({ stateDir: path.join(dir, "sim-networks") });
    try {
      const lpars = new Map((await sim.compute.inventory()).lpars.map((l) => [l.id, l]));
      assert.deepEqual(result.vms.map((v) => v.lpar).sort(), ["db-1", "db-2", "web-1", "web-2"]);
      for (const v of result.vms) {
        const now = lpars.get(v.lpar)!;
        const was = topology.lpars.find((l) => l.id === v.lpar)!;
        assert.match(now.host, /^b-/);
        assert.equal(now.adapters![0].switch, "VSW-DR");
        // Site A's 110/120/130 are 210/220/230 at site B.
        assert.deepEqual([now.adapters![0].pvid, ...now.adapters![0].taggedVlans!], [was.adapters![0].pvid + 100, ...was.adapters![0].taggedVlans!.map((x) => x + 100)]);
        assert.equal(now.adapters![0].mac, was.adapters![0].mac);
        assert.match(v.address ?? "", /^10\.(10|20)\.0\.\d+ -> 172\.16\.(10|20)\.\d+$/);
      }
      assert.equal(result.vms.find((v) => v.lpar === "db-1")!.address, "10.20.0.21 -> 172.16.20.5");
    } finally {
      await sim.close();
    }
  });
});
