// `vmr sim ...` end to end through the compiled CLI: YAML input, status, failures and exit codes.
import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as sinon from "sinon";
import YAML from "yaml";
import { smallTopology } from "./fixture";

const MAIN = path.resolve(__dirname, "..", "..", "..", "provider", "cli", "main.js");

function vmr(args: string[], env: NodeJS.ProcessEnv = {}): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [MAIN, ...args], { encoding: "utf8", env: { ...process.env, ...env } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe("vmr sim", function () {
  this.timeout(20_000);
  let sandbox: sinon.SinonSandbox;
  let dir: string;
  beforeEach(() => {
    sandbox = sinon.createSandbox();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "vmr-sim-cli-"));
  });
  afterEach(() => {
    sandbox.restore();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("creates a datacenter from YAML, fails a host and reports it; exits 2 on bad input, writing nothing", () => {
    // GIVEN a topology file in YAML and $VMR_SIM_STATE
    const file = path.join(dir, "dc.yaml");
    fs.writeFileSync(file, YAML.stringify(smallTopology()));
    const env = { VMR_SIM_STATE: path.join(dir, "state") };
    // WHEN it is initialised THEN the counts are printed
    const init = vmr(["sim", "init", "--topology", file], env);
    assert.equal(init.status, 0, init.stderr);
    assert.match(init.stdout, /4 managed systems, 8 LPARs, 32 volumes/);
    // WHEN a host fails THEN status shows it and its LPARs in Error
    assert.equal(vmr(["sim", "fail-host", "sys-a-01"], env).status, 0);
    const st = JSON.parse(vmr(["sim", "status", "--json"], env).stdout);
    assert.deepEqual(st.managedSystemsByState, { Error: 1, Operating: 3 });
    assert.deepEqual(st.lparsByState, { Error: 2, Running: 6 });
    // WHEN a topology is invalid THEN exit code 2, the field named, nothing written
    const state = path.join(dir, "other");
    const bad = path.join(dir, "bad.json");
    const t = smallTopology();
    t.managedSystems[3].memoryGb = -4;
    fs.writeFileSync(bad, JSON.stringify(t));
    const r = vmr(["sim", "init", "--topology", bad, "--state", state]);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /`managedSystems\[3\]\.memoryGb` must be > 0, got -4/);
    assert.equal(fs.existsSync(state), false);
  });
  it("fails a whole site and repairs it; an unknown name exits 2 listing the choices, changing nothing", () => {
    // GIVEN the small preset (2 sites x 3 systems)
    const env = { VMR_SIM_STATE: path.join(dir, "state") };
    assert.equal(vmr(["sim", "init", "--topology", "preset:small"], env).status, 0);
    const status = () => JSON.parse(vmr(["sim", "status", "--json"], env).stdout);
    // WHEN site-a is lost THEN its systems are in Error and its replication is cut off
    const lost = vmr(["sim", "fail-site", "site-a"], env);
    assert.equal(lost.status, 0, lost.stderr);
    assert.match(lost.stdout, /failed 3 managed systems and 1 storage system of site-a/);
    const down = status();
    assert.deepEqual(down.managedSystemsByState, { Error: 3, Operating: 3 });
    assert.ok(!("consistent_synchronized" in down.consistencyGroupsByState), JSON.stringify(down.consistencyGroupsByState));
    // WHEN an unknown name is repaired THEN exit 2, the name and the choices are given, nothing changes
    const bad = vmr(["sim", "repair", "site-x"], env);
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /"site-x" is not a managed system or site: use one of site-a, site-b, sys-a-01/);
    assert.deepEqual(status().managedSystemsByState, { Error: 3, Operating: 3 });
    // WHEN site-a is repaired THEN every system operates again
    const repaired = vmr(["sim", "repair", "site-a"], env);
    assert.equal(repaired.status, 0, repaired.stderr);
    assert.match(repaired.stdout, /repaired 3 managed systems and 1 storage system/);
    assert.deepEqual(status().managedSystemsByState, { Operating: 6 });
  });
});
