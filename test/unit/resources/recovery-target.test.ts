// RecoveryTarget provider: discovery-backed check, capacity outputs, declaration-only delete.
import { strict as assert } from "assert";
import * as sinon from "sinon";
import { recoveryTargetOps } from "../../../provider/resources/runtime/recovery-target";
import { fakeAdapters, lpar, smallWorld, type Fakes } from "./fakes";

const target = (overrides: Record<string, unknown> = {}) => ({ name: "dr", site: "dr", systems: ["dr-a", "dr-b"], ...overrides });

describe("RecoveryTarget provider", () => {
  let sandbox: sinon.SinonSandbox;
  let fakes: Fakes;
  let ops: ReturnType<typeof recoveryTargetOps>;

  beforeEach(() => {
    sandbox = sinon.createSandbox();
    fakes = fakeAdapters(sandbox, smallWorld());
    ops = recoveryTargetOps(fakes.open);
  });
  afterEach(() => sandbox.restore());

  it("fills in the simulator adapter, a zero reserve and verification by default", async () => {
    const { inputs, failures } = await ops.check({}, target());
    assert.deepEqual(failures, []);
    assert.deepEqual(inputs.adapter, { type: "simulator" });
    assert.deepEqual(inputs.reserve, { processorUnits: 0, memoryGb: 0 });
    assert.equal(inputs.verify, true);
  });

  it("rejects negative memory, an unknown system and a system of another site, each by path", async () => {
    // GIVEN a negative reserve WHEN checked THEN the schema names `reserve.memoryGb`
    const neg = await ops.check({}, target({ reserve: { memoryGb: -4 } }));
    assert.deepEqual(neg.failures.map((f) => f.property), ["reserve.memoryGb"]);
    assert.match(neg.failures[0].reason, /`reserve\.memoryGb` must be >= 0, got -4/);
    // GIVEN an unknown system and one at the production site
    const { failures } = await ops.check({}, target({ systems: ["dr-a", "dr-x", "prod-a"] }));
    assert.deepEqual(failures.map((f) => f.property), ["systems[1]", "systems[2]"]);
    assert.match(failures[0].reason, /"dr-x", which discovery does not know: use a managed system at site "dr" \(dr-a, dr-b\)/);
    assert.match(failures[1].reason, /at site "prod", not at `site` "dr"/);
  });

  it("checks a hardware adapter's shape without contacting it when verify is false", async () => {
    const hw = { type: "hardware", hmc: { url: "https://hmc.example.com:12443", username: "hscroot", password: "x" } };
    const { failures } = await ops.check({}, target({ adapter: hw, verify: false }));
    assert.deepEqual(failures, []);
    const bad = await ops.check({}, target({ adapter: { ...hw, hmc: { ...hw.hmc, url: "http://plain" } }, verify: false }));
    assert.deepEqual(bad.failures.map((f) => f.property), ["adapter.hmc.url"]);
    sinon.assert.notCalled(fakes.open);
  });

  it("checks lists of HMCs and storage systems: unique names, each with its site, by path", async () => {
    // GIVEN two HMCs with one name, and a second storage system without a site
    const hmc = (name: string, host: string, site: string) => ({ url: `https://${host}:12443`, name, site, username: "hscroot", password: "x" });
    const svc = (host: string, site?: string) => ({ url: `https://${host}:7443`, username: "u", password: "y", ...(site ? { site } : {}) });
    const good = { type: "hardware", hmc: [hmc("hmc-a", "hmc-a.example.com", "prod"), hmc("hmc-b", "hmc-b.example.com", "dr")], storage: [svc("svc-a", "prod"), svc("svc-b", "dr")] };
    assert.deepEqual((await ops.check({}, target({ adapter: good, verify: false }))).failures, []);
    const bad = { ...good, hmc: [hmc("hmc1", "hmc-a.example.com", "prod"), hmc("hmc1", "hmc-b.example.com", "dr")], storage: [svc("svc-a", "prod"), svc("svc-b")] };
    // WHEN checked THEN each problem is named by its path under `adapter`
    const { failures } = await ops.check({}, target({ adapter: bad, verify: false }));
    assert.deepEqual(failures.map((f) => f.property), ["adapter.hmc[1].name", "adapter.storage[1].site"]);
    assert.match(failures[0].reason, /`adapter\.hmc\[1\]\.name` repeats HMC name "hmc1" already used by `adapter\.hmc\[0\]\.name`/);
    sinon.assert.notCalled(fakes.open);
  });

  it("reports discovered and free capacity after LPARs and the reserve, and health", async () => {
    // GIVEN dr-a runs a 4 PU / 64 GB LPAR and dr-b is down
    fakes.world.lpars.push(lpar("dr-test", "dr-a", 4, 64));
    fakes.world.managedSystems.find((s) => s.id === "dr-b")!.state = "Error";
    const { inputs } = await ops.check({}, target({ reserve: { processorUnits: 1, memoryGb: 16 } }));
    // WHEN created
    const { id, outs } = await ops.create(inputs as never);
    // THEN only the operating system counts
    assert.equal(id, "dr");
    assert.deepEqual(outs.capacity, { processorUnits: 16, memoryGb: 256 });
    assert.deepEqual(outs.free, { processorUnits: 11, memoryGb: 176 });
    assert.equal(outs.health, "degraded");
  });

  it("replaces only when the name or site changes", async () => {
    const olds = (await ops.create((await ops.check({}, target())).inputs as never)).outs as unknown as Record<string, unknown>;
    const more = (await ops.check({}, target({ systems: ["dr-a"], reserve: { memoryGb: 8 } }))).inputs;
    assert.deepEqual(await ops.diff("dr", olds, more as never), { changes: true, replaces: [], deleteBeforeReplace: false });
    const moved = (await ops.check({}, target({ site: "prod", systems: ["prod-a"] }))).inputs;
    assert.deepEqual((await ops.diff("dr", olds, moved as never)).replaces, ["site"]);
  });
});
