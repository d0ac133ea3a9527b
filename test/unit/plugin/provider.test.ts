// The provider-protocol front door routes each call to the resource logic of its kind, with plain
// values in and the schema's secrets marked out.
import { strict as assert } from "assert";
import * as sinon from "sinon";
import { VmrProvider, parseUrn, type ResourceLogic } from "../../../provider/plugin/provider";
import { secret } from "../../../provider/plugin/wire";
import type { ResourceKind } from "../../../provider/tokens";

const urn = (type: string, name: string) => `urn:pulumi:dev::consumer::${type}::${name}`;

function fakeLogic(sandbox: sinon.SinonSandbox): ResourceLogic {
  return {
    check: sandbox.stub().callsFake(async (_olds: unknown, news: Record<string, unknown>) => ({ inputs: { ...news, verify: true }, failures: [] })),
    diff: sandbox.stub().resolves({ changes: true, replaces: ["site"] }),
    create: sandbox.stub().callsFake(async (inputs: Record<string, unknown>) => ({ id: String(inputs.name), outs: { ...inputs, health: "healthy" } })),
    read: sandbox.stub().callsFake(async (id: string, props: Record<string, unknown>) => ({ id, props })),
    update: sandbox.stub().callsFake(async (_id: string, _olds: unknown, news: Record<string, unknown>) => ({ outs: news })),
    delete: sandbox.stub().resolves(),
  };
}

describe("plugin provider", () => {
  let sandbox: sinon.SinonSandbox;
  let logic: Record<ResourceKind, ResourceLogic>;
  let provider: VmrProvider;

  beforeEach(() => {
    sandbox = sinon.createSandbox();
    logic = { RecoveryTarget: fakeLogic(sandbox), StorageMapping: fakeLogic(sandbox), ProtectionGroup: fakeLogic(sandbox), NetworkMapping: fakeLogic(sandbox) };
    provider = new VmrProvider({
      logic,
      schema: () => '{"name":"vmr"}',
      secretPaths: () => [["adapter", "hmc", "password"]],
      version: "1.2.3",
    });
  });
  afterEach(() => sandbox.restore());

  it("parses the type and name out of a URN, including a parent type and a name with ::", () => {
    assert.deepEqual(parseUrn("urn:pulumi:s::p::a:b:C$vmr:index:RecoveryTarget::dc::2"), { stack: "s", type: "vmr:index:RecoveryTarget", name: "dc::2" });
    assert.throws(() => parseUrn("nonsense"), /not a resource URN/);
  });

  it("check() defaults the name to the resource name, unwraps secrets and marks them again", async () => {
    // GIVEN a RecoveryTarget without a name and with a secret password
    const news = { site: "dr", adapter: { type: "hardware", hmc: { url: "https://h", username: "u", password: secret("pw") } } };
    // WHEN checked
    const result = await provider.check(urn("vmr:index:RecoveryTarget", "dr-target"), {}, news);
    // THEN the RecoveryTarget logic saw plain values and the defaulted name
    const call = (logic.RecoveryTarget.check as sinon.SinonStub).firstCall;
    assert.deepEqual(call.args[1], { site: "dr", name: "dr-target", adapter: { type: "hardware", hmc: { url: "https://h", username: "u", password: "pw" } } });
    // AND the checked inputs carry the password as a secret again
    assert.deepEqual(result.inputs.adapter.hmc.password, secret("pw"));
    assert.equal(result.inputs.verify, true);
    assert.equal((logic.StorageMapping.check as sinon.SinonStub).called, false);
  });

  it("check() keeps a name the program gave, and passes failures through", async () => {
    (logic.StorageMapping.check as sinon.SinonStub).resolves({ inputs: { name: "m" }, failures: [{ property: "pairs", reason: "`pairs` is required: add it" }] });
    const result = await provider.check(urn("vmr:index:StorageMapping", "res"), {}, { name: "m" });
    assert.equal((logic.StorageMapping.check as sinon.SinonStub).firstCall.args[1].name, "m");
    assert.deepEqual(result.failures, [{ property: "pairs", reason: "`pairs` is required: add it" }]);
  });

  it("create(), read() and update() return outputs with secrets marked; diff() and delete() delegate", async () => {
    const u = urn("vmr:index:ProtectionGroup", "g");
    const inputs = { name: "g", adapter: { hmc: { password: secret("pw") } } };
    const created = await provider.create(u, inputs);
    assert.equal(created.id, "g");
    assert.deepEqual(created.outs, { name: "g", adapter: { hmc: { password: secret("pw") } }, health: "healthy" });
    assert.deepEqual((logic.ProtectionGroup.create as sinon.SinonStub).firstCall.args[0], { name: "g", adapter: { hmc: { password: "pw" } } });

    const read = await provider.read("g", u, created.outs);
    assert.equal(read.id, "g");
    assert.deepEqual(read.props.adapter.hmc.password, secret("pw"));

    const updated = await provider.update("g", u, created.outs, { name: "g", slaLevel: 3 });
    assert.deepEqual(updated.outs, { name: "g", slaLevel: 3 });

    assert.deepEqual(await provider.diff("g", u, created.outs, inputs), { changes: true, replaces: ["site"] });
    assert.deepEqual((logic.ProtectionGroup.diff as sinon.SinonStub).firstCall.args, ["g", { name: "g", adapter: { hmc: { password: "pw" } }, health: "healthy" }, { name: "g", adapter: { hmc: { password: "pw" } } }]);

    await provider.delete("g", u, created.outs);
    assert.deepEqual((logic.ProtectionGroup.delete as sinon.SinonStub).firstCall.args[1].adapter.hmc.password, "pw");
  });

  it("check() asks a ProtectionGroup for the context.target the TypeScript class would fill in", async () => {
    // GIVEN a group without context WHEN checked THEN the failure names the field and how to fill it
    const missing = await provider.check(urn("vmr:index:ProtectionGroup", "g"), {}, { vms: [{ lpar: "a" }], recoveryTarget: "t" });
    assert.equal(missing.failures?.[0].property, "context.target");
    assert.match(missing.failures?.[0].reason ?? "", /pass the RecoveryTarget's declaration/);
    // AND with the context given, or still unknown during a preview, there is no such failure
    for (const context of [{ target: { site: "b", systems: ["s"] } }, "04da6b54-80e4-46f7-96ec-b56ff0331ba9"]) {
      const result = await provider.check(urn("vmr:index:ProtectionGroup", "g"), {}, { vms: [{ lpar: "a" }], recoveryTarget: "t", context });
      assert.deepEqual(result.failures, []);
    }
  });

  it("refuses types it does not serve, including the dynamic-provider token", async () => {
    await assert.rejects(provider.check(urn("vmr:index:Plan", "p"), {}, {}), /unknown resource type vmr:index:Plan/);
    await assert.rejects(provider.create(urn("pulumi-nodejs:dynamic/vmr:RecoveryTarget", "t"), {}), /unknown resource type/);
  });

  it("serves the schema and its version", async () => {
    assert.equal(await provider.getSchema(), '{"name":"vmr"}');
    assert.equal(provider.version, "1.2.3");
  });
});
