// The engine harness end to end: a tiny program whose one protection group writes to the
// simulator goes through up, a preview with no changes, and destroy on the real Pulumi engine.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { generateTopology } from "../../provider/adapters/simulator";
import { simInit } from "../../provider/adapters/simulator/control";
import { startEngine, stateFile, type Engine } from "./engine";
import { capableLpars } from "./helpers";

describe("real engine smoke", function () {
  let engine: Engine;
  let dir: string;
  let simDir: string;

  before(async function () {
    engine = startEngine();
    simDir = path.join(engine.dir, "sim");
    await simInit({ topology: generateTopology({ sites: 2, hostsPerSite: 1, lparsPerHost: 2, remoteRestartCapableFraction: 0 }), stateDir: simDir });
    dir = engine.writeProgram("smoke", {
      "Pulumi.yaml": "name: smoke\nruntime: nodejs\n",
      "package.json": JSON.stringify({ name: "smoke", main: "index.ts", dependencies: { "pulumi-vm-recovery": "file:../..", "@pulumi/pulumi": "^3.248.0" } }),
      "tsconfig.json": JSON.stringify({ compilerOptions: { strict: true, target: "ES2022", module: "commonjs", moduleResolution: "node", esModuleInterop: true, skipLibCheck: true } }),
      "index.ts": [
        'import { ProtectionGroup, RecoveryTarget } from "pulumi-vm-recovery";',
        `const adapter = { type: "simulator" as const, stateDir: ${JSON.stringify(simDir)} };`,
        'const dr = new RecoveryTarget("dr", { site: "site-b", systems: ["sys-b-01"], adapter });',
        'const web = new ProtectionGroup("web", { vms: ["lpar-00001"], recoveryTarget: dr });',
        "export const readiness = web.readiness;",
        "",
      ].join("\n"),
    });
  });
  after(() => engine?.dispose());

  it("creates, previews without changes and destroys a resource that writes to the simulator", async () => {
    // GIVEN a new stack and an unprotected LPAR
    await engine.pulumiOk(["stack", "init", "dev"], dir);
    assert.deepEqual(await capableLpars(simDir), []);
    // WHEN it is brought up
    await engine.pulumiOk(["up", "--yes", "--skip-preview"], dir);
    // THEN the simulator shows the LPAR protected, and the state holds the group under its token
    assert.deepEqual(await capableLpars(simDir), ["lpar-00001"]);
    const state = JSON.parse(fs.readFileSync(stateFile(engine, "smoke", "dev"), "utf8"));
    const group = state.checkpoint.latest.resources.find((r: { type: string }) => r.type === "pulumi-nodejs:dynamic/vmr:ProtectionGroup");
    assert.deepEqual(group.outputs.members.map((m: { lpar: string; site: string }) => [m.lpar, m.site]), [["lpar-00001", "site-a"]]);
    // AND a second preview sees no changes
    await engine.pulumiOk(["preview", "--expect-no-changes"], dir);
    // AND destroy unprotects it and empties the stack
    await engine.pulumiOk(["destroy", "--yes", "--skip-preview"], dir);
    assert.deepEqual(await capableLpars(simDir), []);
    const after = JSON.parse(fs.readFileSync(stateFile(engine, "smoke", "dev"), "utf8"));
    assert.equal((after.checkpoint.latest?.resources ?? []).filter((r: { type: string }) => r.type.includes("vmr")).length, 0);
  });
});
