// One implementation, two front doors: for the same inputs, the provider plugin (vmr:index:*)
// returns exactly what the dynamic providers of TypeScript programs return, against the same
// simulated datacenter.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import type * as pulumi from "@pulumi/pulumi";
import { simInit } from "../../../provider/adapters/simulator/control";
import { createProvider } from "../../../provider/plugin";
import { plain } from "../../../provider/plugin/wire";
import { ProtectionGroupProvider } from "../../../provider/resources/protection-group";
import { RecoveryTargetProvider } from "../../../provider/resources/recovery-target";
import { StorageMappingProvider } from "../../../provider/resources/storage-mapping";
import type { ResourceKind } from "../../../provider/tokens";

const urn = (kind: ResourceKind, name: string) => `urn:pulumi:dev::consumer::vmr:index:${kind}::${name}`;

describe("plugin and dynamic providers share one implementation", function () {
  let stateDir: string;
  let cases: { kind: ResourceKind; dynamic: pulumi.dynamic.ResourceProvider; inputs: Record<string, unknown> }[];

  before(async () => {
    stateDir = fs.mkdtempSync(path.join(os.tmpdir(), "vmr-front-doors-"));
    await simInit({ topology: "preset:small", stateDir, seed: 1, force: true });
    const adapter = { type: "simulator", stateDir };
    cases = [
      { kind: "RecoveryTarget", dynamic: new RecoveryTargetProvider(), inputs: { name: "dr", site: "site-b", systems: ["sys-b-01", "sys-b-02"], adapter } },
      {
        kind: "StorageMapping",
        dynamic: new StorageMappingProvider(),
        inputs: { name: "m1", consistencyGroup: "cg-00001", pairs: [{ source: "vol-00001-1", replica: "vol-00001-1-r" }, { source: "vol-00001-2", replica: "vol-00001-2-r" }], adapter },
      },
      {
        kind: "ProtectionGroup",
        dynamic: new ProtectionGroupProvider(),
        inputs: {
          name: "g",
          vms: [{ lpar: "lpar-00001" }],
          recoveryTarget: "dr",
          storageMappings: ["m1"],
          context: { target: { site: "site-b", systems: ["sys-b-01", "sys-b-02"], adapter }, consistencyGroups: ["cg-00001"] },
        },
      },
    ];
  });
  after(() => fs.rmSync(stateDir, { recursive: true, force: true }));

  it("check, create, diff, read and update give the same results through both doors", async () => {
    const plugin = createProvider();
    for (const { kind, dynamic, inputs } of cases) {
      // GIVEN the same declaration (a group's stack as the TypeScript class adds it to its context;
      // a program in another language leaves it out, and the plugin takes it from the URN)
      // WHEN checked through each door THEN the checked inputs agree
      const fromClass = kind === "ProtectionGroup" ? { ...inputs, context: { ...(inputs.context as object), stack: "dev" } } : inputs;
      const viaDynamic = await dynamic.check!({}, structuredClone(fromClass));
      const viaPlugin = await plugin.check(urn(kind, String(inputs.name)), {}, structuredClone(inputs));
      assert.deepEqual(viaDynamic.failures, [], `${kind}: ${JSON.stringify(viaDynamic.failures)}`);
      assert.deepEqual(viaPlugin.failures, viaDynamic.failures, kind);
      assert.deepEqual(plain(viaPlugin.inputs), viaDynamic.inputs, kind);

      // WHEN created THEN the ids and the observed outputs agree
      const createdDynamic = await dynamic.create(viaDynamic.inputs);
      const createdPlugin = await plugin.create(urn(kind, String(inputs.name)), viaPlugin.inputs);
      assert.equal(createdPlugin.id, createdDynamic.id, kind);
      assert.deepEqual(plain(createdPlugin.outs), createdDynamic.outs, kind);

      // AND a change is diffed, read back and updated alike
      const changed = { ...viaDynamic.inputs };
      if (kind === "ProtectionGroup") changed.slaLevel = 4;
      else changed.verify = false;
      const diff = await plugin.diff(createdPlugin.id, urn(kind, "x"), createdPlugin.outs, changed);
      assert.equal(diff.changes, true, kind);
      assert.deepEqual(diff, await dynamic.diff!(createdDynamic.id, createdDynamic.outs, changed), kind);
      const readPlugin = await plugin.read(createdPlugin.id, urn(kind, "x"), createdPlugin.outs);
      assert.deepEqual(plain(readPlugin.props), (await dynamic.read!(createdDynamic.id, createdDynamic.outs)).props, kind);
      const updatedPlugin = await plugin.update(createdPlugin.id, urn(kind, "x"), createdPlugin.outs, changed);
      assert.deepEqual(plain(updatedPlugin.outs), (await dynamic.update!(createdDynamic.id, createdDynamic.outs, changed)).outs, kind);
    }
  });
});
