// The SDK route other languages take, run end to end: the Node.js SDK generated from schema.json
// (by the same code generators as the Python and Go ones) declares protection through the vmr
// provider plugin in a TypeScript program, run by the real engine against the simulator.
import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { simInit } from "../../provider/adapters/simulator/control";
import { REPO_ROOT, startEngine, stateFile, type Engine } from "./engine";

const PROGRAM = `
import * as vmr from "./sdk";
const drTarget = new vmr.RecoveryTarget("drTarget", { site: "site-b", systems: ["sys-b-01", "sys-b-02"], maxConcurrentRestarts: 4 });
const volumes = new vmr.StorageMapping("dbVolumes", {
  consistencyGroup: "cg-00001",
  pairs: [{ source: "vol-00001-1", replica: "vol-00001-1-r" }, { source: "vol-00001-2", replica: "vol-00001-2-r" }],
});
const group = new vmr.ProtectionGroup("db", {
  slaLevel: 7,
  vms: [{ lpar: "lpar-00001" }],
  recoveryTarget: drTarget.name,
  storageMappings: [volumes.name],
  context: {
    target: { site: drTarget.site, systems: drTarget.systems, reserve: drTarget.reserve, adapter: drTarget.adapter, verify: drTarget.verify },
    consistencyGroups: [volumes.consistencyGroup],
  },
});
export const health = drTarget.health;
export const free = drTarget.free;
export const readiness = group.readiness.status;
`;

/** Every file under dir, as paths relative to it. */
function filesUnder(dir: string, at = ""): string[] {
  return fs.readdirSync(path.join(dir, at), { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? filesUnder(dir, path.join(at, e.name)) : [path.join(at, e.name)]));
}

describe("plugin: a TypeScript program using the Node.js SDK generated from schema.json", function () {
  let engine: Engine;
  let sdkDir: string;
  let simDir: string;
  let dir: string;

  before(async () => {
    const gen = spawnSync("bash", [path.join(REPO_ROOT, "test", "engine", "build-sdk-gen.sh")], { encoding: "utf8" });
    assert.equal(gen.status, 0, gen.stderr);
    sdkDir = fs.mkdtempSync(path.join(os.tmpdir(), "vmr-nodejs-sdk-"));
    const made = spawnSync(path.join(gen.stdout.trim().split("\n").pop()!, "bin", "vmr-sdk-gen"), [path.join(REPO_ROOT, "schema.json"), sdkDir, "nodejs"], { encoding: "utf8" });
    assert.equal(made.status, 0, made.stderr);
    simDir = fs.mkdtempSync(path.join(os.tmpdir(), "vmr-nodejs-sdk-sim-"));
    await simInit({ topology: "preset:small", stateDir: simDir, seed: 1, force: true });

    engine = startEngine();
    Object.assign(engine.env, { VMR_SIM_STATE: simDir });
    const generated = path.join(sdkDir, "nodejs");
    const files: Record<string, string> = {
      "Pulumi.yaml": `name: sdk-consumer\nruntime: nodejs\nplugins:\n  providers:\n    - name: vmr\n      path: ${JSON.stringify(REPO_ROOT)}\n`,
      "package.json": JSON.stringify({ name: "sdk-consumer", main: "index.ts" }),
      "tsconfig.json": JSON.stringify({ compilerOptions: { strict: true, target: "ES2022", module: "commonjs", moduleResolution: "node", esModuleInterop: true, skipLibCheck: true } }),
      "index.ts": PROGRAM,
    };
    for (const f of filesUnder(generated)) files[path.join("sdk", f)] = fs.readFileSync(path.join(generated, f), "utf8");
    // The generated package.json leaves its version to the release process: give it the plugin's.
    const sdkManifest = JSON.parse(files["sdk/package.json"]);
    sdkManifest.version = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "package.json"), "utf8")).version;
    files["sdk/package.json"] = JSON.stringify(sdkManifest);
    dir = engine.writeProgram("sdk-consumer", files);
  });
  after(() => {
    engine?.dispose();
    for (const d of [sdkDir, simDir]) if (d) fs.rmSync(d, { recursive: true, force: true });
  });

  it("deploys the typed resources as vmr:index:*, previews without changes and destroys them", async () => {
    // WHEN the program is deployed
    await engine.pulumiOk(["stack", "init", "dev"], dir);
    await engine.pulumiOk(["up", "--yes", "--skip-preview"], dir);
    // THEN the typed outputs come from the plugin's observation of the simulator
    const outputs = JSON.parse((await engine.pulumiOk(["stack", "output", "--json"], dir)).stdout);
    assert.equal(outputs.health, "healthy");
    assert.equal(outputs.readiness, "ready");
    assert.ok(outputs.free.processorUnits > 0 && outputs.free.memoryGb > 0, JSON.stringify(outputs.free));
    const state = JSON.parse(fs.readFileSync(stateFile(engine, "sdk-consumer", "dev"), "utf8"));
    const types = (state.checkpoint.latest.resources as { type: string }[]).map((r) => r.type).filter((t) => t.startsWith("vmr:"));
    assert.deepEqual(types.sort(), ["vmr:index:ProtectionGroup", "vmr:index:RecoveryTarget", "vmr:index:StorageMapping"]);
    // AND a second preview sees no changes, and destroy removes them
    await engine.pulumiOk(["preview", "--expect-no-changes"], dir);
    await engine.pulumiOk(["destroy", "--yes", "--skip-preview"], dir);
  });
});
