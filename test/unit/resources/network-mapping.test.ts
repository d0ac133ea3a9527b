// NetworkMapping provider: every bad input of issue 14 fails `check` (what `pulumi preview` runs),
// naming the field, the value and what is allowed; a good mapping creates its failback maps.
import { strict as assert } from "assert";
import { ops } from "../../../provider/resources/runtime/network-mapping";

const mapping = (overrides: Record<string, unknown> = {}) => ({
  name: "a-to-b",
  sourceSite: "site-a",
  targetSite: "site-b",
  switches: [{ source: "ETHERNET0", target: "ETHERNET0" }],
  vlans: [
    { source: 100, target: 200 },
    { source: 101, target: 201 },
  ],
  drillVlans: [
    { source: 100, target: 900 },
    { source: 101, target: 901 },
  ],
  ipRules: {
    subnets: [{ source: "10.1.0.0/24", target: "10.2.0.0/24", gateway: "10.2.0.1", dns: ["10.2.0.53"] }],
    addresses: [{ lpar: "db1", address: "10.2.0.50" }],
  },
  ...overrides,
});

async function failuresOf(m: Record<string, unknown>) {
  return (await ops.check({}, m)).failures;
}

describe("NetworkMapping provider", () => {
  it("GIVEN a sound mapping WHEN checked and created THEN no failure, defaults filled in, failback maps reversed", async () => {
    const { inputs, failures } = await ops.check({}, mapping());
    assert.deepEqual(failures, []);
    assert.equal(inputs.ipRules?.addresses[0].adapter, 0);
    const { id, outs } = await ops.create(inputs as never);
    assert.equal(id, "a-to-b");
    assert.deepEqual(outs.failback.vlans, [
      { source: 200, target: 100 },
      { source: 201, target: 101 },
    ]);
  });

  it("GIVEN a VLAN ID outside 1-4094 THEN the field, the value and the limit are named", async () => {
    const failures = await failuresOf(mapping({ vlans: [{ source: 0, target: 200 }, { source: 101, target: 4095 }] }));
    assert.deepEqual(failures.map((f) => f.property).sort(), ["vlans[0].source", "vlans[1].target"]);
    assert.match(failures.find((f) => f.property === "vlans[1].target")!.reason, /`vlans\[1\]\.target` must be <= 4094, got 4095/);
    assert.match(failures.find((f) => f.property === "vlans[0].source")!.reason, /must be >= 1, got 0/);
  });

  it("GIVEN a switch or a VLAN mapped twice THEN each repeat is named with the first", async () => {
    const failures = await failuresOf(
      mapping({
        switches: [{ source: "ETHERNET0", target: "ETHERNET0" }, { source: "ETHERNET0", target: "VSW-B" }],
        vlans: [{ source: 100, target: 200 }, { source: 100, target: 202 }],
      }),
    );
    assert.deepEqual(failures.map((f) => f.property), ["switches[1].source", "vlans[1].source"]);
    assert.match(failures[0].reason, /repeats switch "ETHERNET0" already used by `switches\[0\]\.source`/);
    assert.match(failures[1].reason, /repeats VLAN "100"/);
  });

  it("GIVEN a drill VLAN that is a production VLAN of the target site THEN it is refused as not isolated", async () => {
    const failures = await failuresOf(mapping({ drillVlans: [{ source: 100, target: 201 }] }));
    assert.deepEqual(failures.map((f) => f.property), ["drillVlans[0].target"]);
    assert.match(failures[0].reason, /is 201, a production VLAN of site site-b \(`vlans\[1\]\.target`\): drill copies must be isolated/);
  });

  it("GIVEN overlapping subnet rules THEN the later rule is named with the one it overlaps", async () => {
    const failures = await failuresOf(
      mapping({
        ipRules: {
          subnets: [
            { source: "10.1.0.0/16", target: "10.2.0.0/16" },
            { source: "10.1.4.0/24", target: "10.3.4.0/24" },
          ],
        },
      }),
    );
    assert.deepEqual(failures.map((f) => f.property), ["ipRules.subnets[1].source"]);
    assert.match(failures[0].reason, /"10\.1\.4\.0\/24", which overlaps `ipRules\.subnets\[0\]\.source` \(10\.1\.0\.0\/16\)/);
  });

  it("GIVEN an address or a gateway outside its target subnet THEN the allowed subnets are named", async () => {
    const failures = await failuresOf(
      mapping({
        ipRules: {
          subnets: [{ source: "10.1.0.0/24", target: "10.2.0.0/24", gateway: "10.9.0.1" }],
          addresses: [{ lpar: "db1", address: "10.3.0.5" }],
        },
      }),
    );
    assert.deepEqual(failures.map((f) => f.property), ["ipRules.subnets[0].gateway", "ipRules.addresses[0].address"]);
    assert.match(failures[1].reason, /is "10\.3\.0\.5", outside every target subnet \(10\.2\.0\.0\/24\)/);
    assert.match(failures[0].reason, /outside its target subnet 10\.2\.0\.0\/24/);
  });

  it("GIVEN a source gateway outside its source subnet THEN the subnet is named; inside it, no failure", async () => {
    const bad = await failuresOf(mapping({ ipRules: { subnets: [{ source: "10.1.0.0/24", target: "10.2.0.0/24", sourceGateway: "10.2.0.1", sourceDns: ["10.1.0.53"] }] } }));
    assert.deepEqual(bad.map((f) => f.property), ["ipRules.subnets[0].sourceGateway"]);
    assert.match(bad[0].reason, /is "10\.2\.0\.1", outside its source subnet 10\.1\.0\.0\/24: use an address of that subnet/);
    assert.deepEqual(await failuresOf(mapping({ ipRules: { subnets: [{ source: "10.1.0.0/24", target: "10.2.0.0/24", sourceGateway: "10.1.0.1", sourceDns: ["10.1.0.53"] }] } })), []);
  });

  it("GIVEN a subnet with host bits, a prefix change or a bad address THEN each says how to write it", async () => {
    const failures = await failuresOf(
      mapping({ ipRules: { subnets: [{ source: "10.1.0.5/24", target: "10.2.0.0/24" }, { source: "10.5.0.0/24", target: "10.6.0.0/16" }, { source: "10.7.0.0/24", target: "300.1.0.0/24" }] } }),
    );
    const by = new Map(failures.map((f) => [f.property, f.reason]));
    assert.match(by.get("ipRules.subnets[0].source")!, /host bits are not zero: write the subnet's network address, "10\.1\.0\.0\/24"/);
    assert.match(by.get("ipRules.subnets[1].target")!, /same prefix length/);
    assert.match(by.get("ipRules.subnets[2].target")!, /not an IPv4 subnet/);
  });

  it("GIVEN the same site on both sides THEN targetSite is refused", async () => {
    const failures = await failuresOf(mapping({ targetSite: "site-a" }));
    assert.deepEqual(failures.map((f) => f.property), ["targetSite"]);
  });

  it("GIVEN preview unknowns THEN no failure is reported about them", async () => {
    const failures = await failuresOf(mapping({ targetSite: "04da6b54-80e4-46f7-96ec-b56ff0331ba9", vlans: "04da6b54-80e4-46f7-96ec-b56ff0331ba9" }));
    assert.deepEqual(failures, []);
  });

  it("GIVEN an identity change THEN diff asks for a replacement; a VLAN change is an update", async () => {
    const old = (await ops.create(mapping())).outs as unknown as Record<string, unknown>;
    assert.deepEqual((await ops.diff("a-to-b", old, mapping({ targetSite: "site-c" }))).replaces, ["targetSite"]);
    const vlanChange = await ops.diff("a-to-b", old, mapping({ vlans: [{ source: 100, target: 210 }] }));
    assert.equal(vlanChange.changes, true);
    assert.deepEqual(vlanChange.replaces, []);
  });
});
