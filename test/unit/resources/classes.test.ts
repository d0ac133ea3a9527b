// The resource classes and their serialized providers: type tokens, the inputs they register,
// VMs claimed by two groups of one program, and providers that serialize small and path-free.
import { strict as assert } from "assert";
import * as pulumi from "@pulumi/pulumi";
import * as sinon from "sinon";
import * as adapters from "../../../provider/adapters";
import { ProtectionGroup, RecoveryTarget, StorageMapping } from "../../../provider";
import { ProtectionGroupProvider, resetProgramClaims } from "../../../provider/resources/protection-group";
import { RecoveryTargetProvider } from "../../../provider/resources/recovery-target";
import { StorageMappingProvider } from "../../../provider/resources/storage-mapping";
import { fakeAdapters, smallWorld } from "./fakes";

interface Registered {
  type: string;
  name: string;
  inputs: Record<string, unknown>;
}

function whenRegistered(resource: pulumi.CustomResource): Promise<void> {
  return new Promise((resolve) => resource.id.apply(() => resolve()));
}

describe("resource classes", () => {
  let sandbox: sinon.SinonSandbox;
  let registered: Registered[];

  beforeEach(() => {
    sandbox = sinon.createSandbox();
    registered = [];
    resetProgramClaims();
    pulumi.runtime.setMocks(
      {
        newResource: (args) => {
          registered.push({ type: args.type, name: args.name, inputs: args.inputs });
          return { id: `${args.name}-id`, state: args.inputs };
        },
        call: () => ({}),
      },
      "basic",
      "dev",
      true,
    );
  });
  afterEach(() => sandbox.restore());

  it("register under their own type tokens, with the referenced target and mappings in the group's context", async () => {
    // GIVEN a program with a target, a mapping and two groups sharing VM app2
    const dr = new RecoveryTarget("dr", { site: "dr", systems: ["dr-a"], reserve: { memoryGb: 8 } });
    const apps = new StorageMapping("apps", { consistencyGroup: "cg1", pairs: [{ source: "app1-vol", replica: "app1-vol-r" }] });
    const web = new ProtectionGroup("web", { slaLevel: 3, vms: ["app1", "app2"], recoveryTarget: dr, storageMappings: [apps] });
    const batch = new ProtectionGroup("batch", { vms: [{ lpar: "app2" }, { lpar: "app3", after: ["app2"] }], recoveryTarget: dr });
    await Promise.all([dr, apps, web, batch].map(whenRegistered));
    // THEN each has its token
    const byName = new Map(registered.map((r) => [r.name, r]));
    assert.equal(byName.get("dr")!.type, "pulumi-nodejs:dynamic/vmr:RecoveryTarget");
    assert.equal(byName.get("apps")!.type, "pulumi-nodejs:dynamic/vmr:StorageMapping");
    assert.equal(byName.get("web")!.type, "pulumi-nodejs:dynamic/vmr:ProtectionGroup");
    // AND the group holds names, normalized VMs, and the context its provider needs
    const webInputs = byName.get("web")!.inputs;
    assert.equal(webInputs.name, "web");
    assert.deepEqual(webInputs.vms, [{ lpar: "app1" }, { lpar: "app2" }]);
    assert.equal(webInputs.recoveryTarget, "dr");
    assert.deepEqual(webInputs.storageMappings, ["apps"]);
    assert.deepEqual((webInputs.context as { target: unknown }).target, { site: "dr", systems: ["dr-a"], reserve: { memoryGb: 8 } });
    assert.deepEqual((webInputs.context as { consistencyGroups: unknown }).consistencyGroups, ["cg1"]);
    // AND the later group knows app2 is claimed by the earlier one, so its check fails on it
    assert.deepEqual((webInputs.context as { claimedElsewhere: unknown }).claimedElsewhere, []);
    assert.deepEqual((byName.get("batch")!.inputs.context as { claimedElsewhere: unknown }).claimedElsewhere, [{ lpar: "app2", group: "web" }]);
  });

  for (const [label, Provider, runtime] of [
    ["RecoveryTarget", RecoveryTargetProvider, "recovery-target"],
    ["StorageMapping", StorageMappingProvider, "storage-mapping"],
    ["ProtectionGroup", ProtectionGroupProvider, "protection-group"],
  ] as const) {
    it(`${label}'s provider serializes small, requiring its logic by package name at run time`, async () => {
      const provider = new Provider();
      const { text } = await pulumi.runtime.serializeFunction(() => provider);
      assert.ok(text.includes(`require("pulumi-vm-recovery/runtime/${runtime}")`));
      // No module captured by file path, nothing of this machine baked into the state.
      assert.ok(!text.includes(process.cwd()), "serialized text holds a local path");
      assert.ok(!/node_modules/.test(text));
      assert.ok(text.length < 6000, `serialized provider is ${text.length} characters`);
    });
  }

  it("the serialized provider's methods reach the adapters through the package's runtime", async () => {
    // GIVEN openAdapters answers with fakes WHEN the provider object checks a target
    const fakes = fakeAdapters(sandbox, smallWorld());
    sandbox.stub(adapters, "openAdapters").callsFake(fakes.open);
    const result = await new RecoveryTargetProvider().check({}, { name: "dr", site: "dr", systems: ["dr-zz"] });
    // THEN the failure comes from discovery through the real runtime module
    assert.deepEqual(result.failures.map((f) => f.property), ["systems[0]"]);
    sinon.assert.calledOnce(fakes.open);
  });
});
