// The same protection declared twice, in TypeScript (dynamic providers) and in Pulumi YAML (the
// provider plugin), deployed by the real engine against one simulated datacenter: the stack
// loader reads both stacks into the same ProtectionModel, with the same observed outputs.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { simInit } from "../../provider/adapters/simulator/control";
import { loadProtectionModel, type LoadedProtection } from "../../provider/stack";
import { startEngine, type Engine } from "./engine";
import { consumerProject, type ConsumerProject } from "./plugin/consumer-engine";

const TS_PROGRAM = `
import { NetworkMapping, ProtectionGroup, RecoveryTarget, StorageMapping } from "pulumi-vm-recovery";
const drTarget = new RecoveryTarget("drTarget", {
  site: "site-b",
  systems: ["sys-b-01", "sys-b-02", "sys-b-03"],
  reserve: { processorUnits: 0.5, memoryGb: 8 },
  maxConcurrentRestarts: 8,
});
const pair = (lpar: string, n: number) => ({ source: \`vol-\${lpar}-\${n}\`, replica: \`vol-\${lpar}-\${n}-r\` });
const dbVolumes = new StorageMapping("dbVolumes", { consistencyGroup: "cg-00001", pairs: [pair("00001", 1), pair("00001", 2)], mode: "sync" });
const appVolumes = new StorageMapping("appVolumes", { consistencyGroup: "cg-00002", pairs: [pair("00002", 1), pair("00002", 2)], mode: "sync" });
const drNetwork = new NetworkMapping("drNetwork", {
  sourceSite: "site-a",
  targetSite: "site-b",
  switches: [{ source: "ETHERNET0", target: "ETHERNET0" }],
  vlans: [101, 102, 103, 104].map((v) => ({ source: v, target: v + 100 })),
  drillVlans: [101, 102, 103, 104].map((v) => ({ source: v, target: v + 2900 })),
  ipRules: { subnets: [{ source: "10.1.0.0/16", target: "10.2.0.0/16", gateway: "10.2.0.1", dns: ["10.2.0.53"], sourceGateway: "10.1.0.1", sourceDns: ["10.1.0.53"] }] },
});
new ProtectionGroup("app", {
  slaLevel: 5,
  vms: [{ lpar: "lpar-00001" }, { lpar: "lpar-00002", after: ["lpar-00001"] }],
  rtoBudgetSeconds: 900,
  recoveryTarget: drTarget,
  storageMappings: [dbVolumes, appVolumes],
  networkMapping: drNetwork,
});
`;

/** What must agree: the model and each resource's outputs, without the stack's own names. */
function comparable(loaded: LoadedProtection) {
  const byName = <T extends { name: string }>(list: readonly T[]) => [...list].sort((a, b) => a.name.localeCompare(b.name));
  const { groups, targets, storageMappings } = loaded.model;
  return {
    model: { groups: byName(groups), targets: byName(targets), storageMappings: byName(storageMappings) },
    outputs: Object.fromEntries(loaded.resources.map((r) => [`${r.type} ${r.name}`, r.outputs])),
  };
}

describe("plugin: a YAML stack and a TypeScript stack of the same declaration", function () {
  let engine: Engine;
  let yaml: ConsumerProject;
  let simDir: string;

  before(async () => {
    simDir = fs.mkdtempSync(path.join(os.tmpdir(), "vmr-same-model-sim-"));
    await simInit({ topology: "preset:small", stateDir: simDir, seed: 1, force: true });
    engine = startEngine();
    yaml = consumerProject({ example: "yaml" }, undefined, { VMR_SIM_STATE: simDir });
  });
  after(() => {
    engine?.dispose();
    yaml?.remove();
    fs.rmSync(simDir, { recursive: true, force: true });
  });

  it("load into the same ProtectionModel with the same observed outputs", async () => {
    // GIVEN the TypeScript program deployed through the dynamic providers
    const tsDir = engine.writeProgram("ts-same", {
      "Pulumi.yaml": "name: ts-same\nruntime: nodejs\n",
      "package.json": JSON.stringify({ name: "ts-same", main: "index.ts" }),
      "tsconfig.json": JSON.stringify({ compilerOptions: { strict: true, target: "ES2022", module: "commonjs", moduleResolution: "node", esModuleInterop: true, skipLibCheck: true } }),
      "index.ts": TS_PROGRAM,
    });
    // The plugin and the dynamic providers find the simulator through the engine's environment.
    Object.assign(engine.env, { VMR_SIM_STATE: simDir });
    await engine.pulumiOk(["stack", "init", "dev"], tsDir);
    await engine.pulumiOk(["up", "--yes", "--skip-preview"], tsDir);
    // AND the YAML example deployed through the provider plugin
    yaml.ok(["stack", "init", "dev"]);
    yaml.ok(["up", "--yes", "--skip-preview"]);

    // WHEN the stack loader reads both
    const tsFile = path.join(engine.dir, "ts.json");
    await engine.pulumiOk(["stack", "export", "--show-secrets", "--file", tsFile], tsDir);
    const yamlFile = path.join(yaml.root, "yaml.json");
    yaml.ok(["stack", "export", "--show-secrets", "--file", yamlFile]);
    const fromTs = await loadProtectionModel({ stackFile: tsFile });
    const fromYaml = await loadProtectionModel({ stackFile: yamlFile });

    // THEN the models and the resources' outputs are the same
    assert.equal(fromTs.resources.length, 5, "a target, two storage mappings, a network mapping and a group");
    assert.deepEqual(comparable(fromYaml), comparable(fromTs));

    await engine.pulumiOk(["destroy", "--yes", "--skip-preview"], tsDir);
    yaml.ok(["destroy", "--yes"]);
  });
});
