// Failback re-addressing: the source subnet's gateway and DNS, declared per subnet rule, are handed
// back with the home address; a rule that declares none (programs written before) hands back none.
import { strict as assert } from "assert";
import type { NetworkMappingSpec } from "../../../provider/model/protection";
import { readdress } from "../../../provider/network/readdress";

const base: NetworkMappingSpec = { name: "a-to-b", sourceSite: "a", targetSite: "b", switches: [], vlans: [], drillVlans: [] };
const rule = { source: "10.1.0.0/24", target: "172.16.10.0/24", gateway: "172.16.10.1", dns: ["172.16.0.53"] };
const vm = (ip: string) => ({ id: "db-1", adapters: [{ switch: "ETHERNET0", pvid: 110, mac: "020100000001", ipAddress: ip }] });

describe("failback re-addressing", () => {
  it("GIVEN sourceGateway and sourceDns WHEN failing back from the target address THEN the home address gets them", () => {
    const m = { ...base, ipRules: { subnets: [{ ...rule, sourceGateway: "10.1.0.1", sourceDns: ["10.1.0.53", "10.1.0.54"] }], addresses: [] } };
    assert.deepEqual(readdress(vm("172.16.10.11"), m, "failback"), [{ adapter: 0, mac: "020100000001", from: "172.16.10.11", address: "10.1.0.11", prefixLength: 24, gateway: "10.1.0.1", dns: ["10.1.0.53", "10.1.0.54"] }]);
    // The failover itself still gets the target subnet's
    assert.deepEqual(readdress(vm("10.1.0.11"), m, "production")[0], { adapter: 0, mac: "020100000001", from: "10.1.0.11", address: "172.16.10.11", prefixLength: 24, gateway: "172.16.10.1", dns: ["172.16.0.53"] });
  });

  it("GIVEN the record still holds the home address (the guest was re-addressed, not the record) WHEN failing back THEN the VM gets its home address back, from its rebased target one", () => {
    const m = { ...base, ipRules: { subnets: [{ ...rule, sourceGateway: "10.1.0.1", sourceDns: ["10.1.0.53"] }], addresses: [] } };
    assert.deepEqual(readdress(vm("10.1.0.11"), m, "failback"), [{ adapter: 0, mac: "020100000001", from: "172.16.10.11", address: "10.1.0.11", prefixLength: 24, gateway: "10.1.0.1", dns: ["10.1.0.53"] }]);
  });

  it("GIVEN a rule without source gateway or DNS (the default) WHEN failing back THEN none is handed over, as before", () => {
    const m = { ...base, ipRules: { subnets: [rule], addresses: [] } };
    assert.deepEqual(readdress(vm("172.16.10.11"), m, "failback"), [{ adapter: 0, mac: "020100000001", from: "172.16.10.11", address: "10.1.0.11", prefixLength: 24, dns: [] }]);
  });
});
