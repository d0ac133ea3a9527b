// StorageMapping provider: validates replication at check and create, reports drift at read.
import { strict as assert } from "assert";
import * as sinon from "sinon";
import { storageMappingOps } from "../../../provider/resources/runtime/storage-mapping";
import { fakeAdapters, smallWorld, type Fakes } from "./fakes";

const mapping = (overrides: Record<string, unknown> = {}) => ({
  name: "apps",
  consistencyGroup: "cg1",
  pairs: [{ source: "app1-vol", replica: "app1-vol-r" }, { source: "app2-vol", replica: "app2-vol-r" }],
  rpoSeconds: 60,
  ...overrides,
});

describe("StorageMapping provider", () => {
  let sandbox: sinon.SinonSandbox;
  let fakes: Fakes;
  let ops: ReturnType<typeof storageMappingOps>;

  beforeEach(() => {
    sandbox = sinon.createSandbox();
    fakes = fakeAdapters(sandbox, smallWorld());
    ops = storageMappingOps(fakes.open);
  });
  afterEach(() => sandbox.restore());

  it("rejects an unknown consistency group, an unknown volume and a replica equal to its source", async () => {
    const { failures } = await ops.check({}, mapping({ consistencyGroup: "cg9", pairs: [{ source: "app1-vol", replica: "nope" }] }));
    assert.deepEqual(failures.map((f) => f.property), ["consistencyGroup", "pairs[0].replica"]);
    assert.match(failures[0].reason, /"cg9", which the storage does not know: use an existing remote-copy consistency group \(cg1\)/);
    const same = await ops.check({}, mapping({ pairs: [{ source: "app1-vol", replica: "app1-vol" }] }));
    assert.deepEqual(same.failures.map((f) => f.property), ["pairs[0].replica"]);
  });

  it("reports replication state, lag against the RPO, and no drift when storage matches", async () => {
    fakes.world.consistencyGroups[0].lagSeconds = 90;
    const { inputs } = await ops.check({}, mapping());
    const { id, outs } = await ops.create(inputs as never);
    assert.equal(id, "apps");
    assert.equal(outs.replicationState, "consistent_synchronized");
    assert.equal(outs.lagSeconds, 90);
    assert.equal(outs.withinRpo, false);
    assert.deepEqual(outs.drift, []);
    assert.equal(outs.presentation.via, "vscsi");
  });

  it("shows a mapping changed outside Pulumi as drift at read, keeping the id", async () => {
    const olds = (await ops.create((await ops.check({}, mapping())).inputs as never)).outs as unknown as Record<string, unknown>;
    // GIVEN a pair removed and the mode switched on the storage
    const cg = fakes.world.consistencyGroups[0];
    cg.pairs = cg.pairs.filter((p) => p.master !== "app2-vol");
    cg.mode = "async";
    cg.state = "idling";
    // WHEN read
    const { id, props } = await ops.read("apps", olds);
    // THEN
    assert.equal(id, "apps");
    assert.equal(props.replicationState, "idling");
    assert.deepEqual(props.drift, ["volume app2-vol is no longer replicated by cg1", "cg1 replicates async, not sync as declared"]);
  });

  it("fails create when the consistency group vanished after the preview", async () => {
    const { inputs } = await ops.check({}, mapping());
    fakes.world.consistencyGroups = [];
    await assert.rejects(ops.create(inputs as never), /`consistencyGroup` is "cg1", which the storage does not know/);
  });

  it("replaces on a new consistency group, updates on a new RPO", async () => {
    const olds = (await ops.create((await ops.check({}, mapping())).inputs as never)).outs as unknown as Record<string, unknown>;
    assert.deepEqual((await ops.diff("apps", olds, (await ops.check({}, mapping({ rpoSeconds: 5 }))).inputs as never)).replaces, []);
    const moved = { ...(await ops.check({}, mapping())).inputs, consistencyGroup: "cg2" };
    assert.deepEqual((await ops.diff("apps", olds, moved as never)).replaces, ["consistencyGroup"]);
  });
});
