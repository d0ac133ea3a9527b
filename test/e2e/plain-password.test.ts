// A program that passes HMC and SAN passwords as plain strings (not Pulumi secrets) must still
// keep them out of the state in plain text: the resources make any connection with credentials
// a secret themselves.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { simInit } from "../../provider/adapters/simulator/control";
import { loadProtectionModel } from "../../provider/stack";
import { REPO_ROOT, startEngine, stateFile, type Engine } from "./engine";

const HMC_PASSWORD = "plain-hmc-Pa55word-7d41";
const SVC_PASSWORD = "plain-svc-Pa55word-91c3";

const PROGRAM = `
import { ProtectionGroup, RecoveryTarget, StorageMapping } from "pulumi-vm-recovery";
const hardware = {
  type: "hardware" as const,
  hmc: { url: "https://hmc.example.invalid:12443", username: "hscroot", password: "${HMC_PASSWORD}" },
  storage: { url: "https://svc.example.invalid:7443", username: "superuser", password: "${SVC_PASSWORD}" },
};
const target = new RecoveryTarget("dc2", { site: "site-b", systems: ["b-01"], adapter: hardware, verify: false });
const volumes = new StorageMapping("db-volumes", {
  consistencyGroup: "cg-db", pairs: [{ source: "db-1-root", replica: "db-1-root-r" }], adapter: hardware, verify: false,
});
new ProtectionGroup("db", { vms: ["db-1"], recoveryTarget: target, storageMappings: [volumes] });
`;

describe("passwords given as plain strings in a TypeScript program", function () {
  let engine: Engine;
  let dir: string;

  before(async function () {
    engine = startEngine();
    const simDir = path.join(engine.dir, "sim");
    await simInit({ topology: path.join(REPO_ROOT, "examples", "basic", "topology.yaml"), stateDir: simDir });
    engine.env.VMR_SIM_STATE = simDir;
    dir = engine.writeProgram("plain-password", {
      "Pulumi.yaml": "name: plain-password\nruntime: nodejs\n",
      "package.json": JSON.stringify({ name: "plain-password", main: "index.ts" }),
      "index.ts": PROGRAM,
    });
    await engine.pulumiOk(["stack", "init", "dev"], dir);
  });
  after(() => engine?.dispose());

  it("are secrets in the state, and the stack loader still reads them", async () => {
    // WHEN the program is deployed
    await engine.pulumiOk(["up", "--yes"], dir);
    // THEN neither password is in the state file in plain text
    const text = fs.readFileSync(stateFile(engine, "plain-password", "dev"), "utf8");
    assert.ok(!text.includes(HMC_PASSWORD), "HMC password in plain text in the state file");
    assert.ok(!text.includes(SVC_PASSWORD), "SAN password in plain text in the state file");
    // AND the loader, which decrypts secrets, rebuilds the connection with them
    const loaded = await loadProtectionModel({ stack: "dev", cwd: dir }, { pulumiCommand: await engine.command(), envVars: engine.env });
    const adapter = loaded.model.targets[0].adapter;
    assert.equal(adapter.type === "hardware" && !Array.isArray(adapter.hmc) && adapter.hmc?.password, HMC_PASSWORD);
  });
});
