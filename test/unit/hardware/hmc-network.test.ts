// The HMC adapter's network: discovery of virtual switches, the VLANs each VIOS's shared Ethernet
// adapter bridges, and the LPARs' client adapters (virtual Ethernet and SR-IOV), from answers
// shaped like captured HMC payloads (test/fakes/hmc.ts); and the NetworkMapping applied on the
// target after a remote restart or an inactive migration, read back from the fake's state.
import { strict as assert } from "assert";
import { HmcComputeAdapter } from "../../../provider/adapters/hmc/adapter";
import { parseClientAdapter, parseSwitch, parseViosNetwork } from "../../../provider/adapters/hmc/network";
import { feedEntries, parseXml } from "../../../provider/adapters/hmc/xml";
import { AdapterError } from "../../../provider/errors";
import { missingOn } from "../../../provider/network/adapters";
import { FakeHmc } from "../../fakes/hmc";
import { hmcSettings, MemoryLog, rejection } from "./helpers";

describe("HMC adapter: network discovery and mapping", function () {
  this.timeout(10_000);
  let hmc: FakeHmc;
  let log: MemoryLog;
  let adapter: HmcComputeAdapter;

  beforeEach(async () => {
    hmc = new FakeHmc();
    hmc.addSystem("sys-a", "error");
    hmc.addSystem("sys-b");
    hmc.addSwitch("sys-b", "VSW-DR");
    // Site A bridges 110 (PVID) and 120 (tagged) on ETHERNET0 on its first VIOS.
    hmc.bridge("sys-a", 0, "ETHERNET0", 110, [120]);
    // sys-b: VIOS 1 bridges 210 and 220 on VSW-DR, VIOS 2 bridges 210 only.
    hmc.bridge("sys-b", 0, "VSW-DR", 210, [220, 230]);
    hmc.bridge("sys-b", 1, "VSW-DR", 210);
    hmc.addLpar("web1", "sys-a");
    hmc.addCna("web1", "ETHERNET0", 110, [120], "2AE44C673DFA");
    hmc.addLpar("db1", "sys-a", { state: "not activated" });
    hmc.addCna("db1", "ETHERNET0", 110, [], "92B22C0F30BD");
    hmc.lpar("db1").sriovPorts.push({ mac: "8ACA227C6E00", pvid: 110 });
    hmc.addLpar("plain", "sys-b");
    await hmc.start();
    log = new MemoryLog();
    adapter = new HmcComputeAdapter(hmcSettings(hmc), { log, retryBaseDelayMs: 2 });
  });

  afterEach(async () => {
    await adapter.close();
    await hmc.stop();
  });

  it("reads switches, per-VIOS bridges and client adapters into the model", async () => {
    const inv = await adapter.inventory();
    const sysB = inv.managedSystems.find((s) => s.id === "sys-b")!;
    const [vios1, vios2] = hmc.system("sys-b").vioses;
    // The default switch is named ETHERNET0, without the API's "(Default)" suffix; per VIOS, the trunks' PVID and tagged VLANs.
    assert.deepEqual(sysB.virtualSwitches, [
      { name: "ETHERNET0", bridges: [] },
      { name: "VSW-DR", bridges: [{ vios: vios1, vlans: [210, 220, 230] }, { vios: vios2, vlans: [210] }] },
    ]);
    assert.deepEqual(sysB.failedVioses, []);
    // sys-a is down (a lost site): its VIOSes are not asked (they cannot answer) and its network is not modelled...
    const sysA = inv.managedSystems.find((s) => s.id === "sys-a")!;
    assert.equal(sysA.virtualSwitches, undefined);
    assert.ok(!hmc.requests.some((r) => r.path.includes(`/ManagedSystem/${hmc.system("sys-a").uuid}/VirtualIOServer`)));
    // ...but its LPARs' adapters are read, on their switches by name: a failover maps them.
    const byId = new Map(inv.lpars.map((l) => [l.id, l]));
    assert.deepEqual(byId.get("web1")!.adapters, [{ switch: "ETHERNET0", pvid: 110, taggedVlans: [120], mac: "2AE44C673DFA", kind: "virtual" }]);
    // An SR-IOV logical port is recorded as such: a remote restart cannot move it.
    assert.deepEqual(byId.get("db1")!.adapters, [
      { switch: "ETHERNET0", pvid: 110, taggedVlans: [], mac: "92B22C0F30BD", kind: "virtual" },
      { switch: "SRIOV", pvid: 110, mac: "8ACA227C6E00", kind: "sriov" },
    ]);
    // An LPAR that lists no adapter is not asked for them, and models no network.
    assert.equal(byId.get("plain")!.adapters, undefined);
    const plain = hmc.lpar("plain").uuid;
    assert.ok(!hmc.requests.some((r) => r.path.includes(`/LogicalPartition/${plain}/ClientNetworkAdapter`)), "no adapter read for an LPAR without adapters");
  });

  it("GIVEN the HMC cannot give the adapters of LPARs on a down system THEN the inventory still answers, with a warning naming them", async () => {
    hmc.downAdapters409 = true;
    const inv = await adapter.inventory();
    const byId = new Map(inv.lpars.map((l) => [l.id, l]));
    assert.equal(byId.get("web1")!.adapters, undefined);
    assert.ok(log.warnings.some((w) => /no network adapters for LPAR web1, whose system is down .*HSCL0006/.test(w)), JSON.stringify(log.warnings));
    // The LPARs of operating systems keep theirs
    assert.equal(byId.get("plain")!.adapters, undefined);
    assert.ok(inv.managedSystems.find((s) => s.id === "sys-b")!.virtualSwitches!.length === 2);
  });

  it("counts a VLAN as bridged only where a running VIOS bridges it", async () => {
    const sysB = hmc.system("sys-b");
    sysB.viosStates.set(sysB.vioses[0], "not activated");
    const inv = await adapter.inventory();
    const model = inv.managedSystems.find((s) => s.id === "sys-b")!;
    assert.deepEqual(model.failedVioses, [sysB.vioses[0]]);
    // 220 was bridged only by the VIOS that is down: a VM on it has no network there; 210 survives on the other VIOS.
    const need = (pvid: number) => [{ switch: "VSW-DR", pvid, taggedVlans: [], kind: "virtual" as const }];
    assert.match(missingOn(model, need(220)) ?? "", /VLAN 220 on VSW-DR \(bridged only by failed VIOS /);
    assert.equal(missingOn(model, need(210)), undefined);
  });

  it("getLpar reads the adapters of the LPAR where it is now", async () => {
    const lpar = await adapter.getLpar("web1");
    assert.deepEqual(lpar.adapters, [{ switch: "ETHERNET0", pvid: 110, taggedVlans: [120], mac: "2AE44C673DFA", kind: "virtual" }]);
  });

  it("applies the mapping after a remote restart: tagged VLANs live, PVID and switch with the partition off, then on again", async () => {
    const mapped = [{ switch: "VSW-DR", pvid: 210, taggedVlans: [220], mac: "2A:E4:4C:67:3D:FA", kind: "virtual" as const }];
    const result = await adapter.remoteRestart({ lparId: "web1", targetSystemId: "sys-b", volumeIds: [], adapters: mapped });
    assert.deepEqual(result, { alreadyDone: false });
    // The job carried no mapping parameter (the fake refuses those the IBM reference does not list).
    const l = hmc.lpar("web1");
    const sysB = hmc.system("sys-b");
    assert.equal(l.systemUuid, sysB.uuid);
    assert.deepEqual(
      l.cnas.map((c) => ({ mac: c.mac, pvid: c.pvid, tagged: c.tagged, switch: sysB.switches.find((s) => s.id === c.switchId)!.name })),
      [{ mac: "2AE44C673DFA", pvid: 210, tagged: [220], switch: "VSW-DR" }],
    );
    assert.equal(hmc.cnaPosts, 1);
    assert.ok(log.warnings.some((w) => /powering it off, changing 1 adapter/.test(w)), JSON.stringify(log.warnings));
    // The partition runs again on the target (or is starting).
    assert.ok(["running", "starting"].includes(l.state), l.state);
    // A second call finds everything in place and changes nothing.
    const again = await adapter.remoteRestart({ lparId: "web1", targetSystemId: "sys-b", volumeIds: [], adapters: mapped });
    assert.deepEqual(again, { alreadyDone: true });
    assert.equal(hmc.cnaPosts, 1);
  });

  it("changes only the tagged VLANs of a running partition without powering it off", async () => {
    // The target carries the same PVID on a switch of the same name: only the tagged VLAN moves.
    hmc.bridge("sys-b", 0, "ETHERNET0", 110, [320]);
    const result = await adapter.remoteRestart({ lparId: "web1", targetSystemId: "sys-b", volumeIds: [], adapters: [{ switch: "ETHERNET0", pvid: 110, taggedVlans: [320], mac: "2AE44C673DFA" }] });
    assert.deepEqual(result, { alreadyDone: false });
    assert.deepEqual(hmc.lpar("web1").cnas.map((c) => [c.pvid, c.tagged]), [[110, [320]]]);
    assert.ok(!log.warnings.some((w) => /powering it off/.test(w)), JSON.stringify(log.warnings));
    const offs = hmc.requests.filter((r) => r.path.endsWith("/do/PowerOff")).length;
    assert.equal(offs, 0);
  });

  it("applies the mapping after an inactive migration, before the partition is activated", async () => {
    hmc.system("sys-a").state = "operating";
    const result = await adapter.moveLpar({ lparId: "db1", targetSystemId: "sys-b", volumeIds: [], adapters: [{ switch: "VSW-DR", pvid: 210, taggedVlans: [], mac: "92B22C0F30BD" }] });
    assert.deepEqual(result, { alreadyDone: false });
    const l = hmc.lpar("db1");
    assert.equal(l.state, "not activated");
    assert.deepEqual(l.cnas.map((c) => c.pvid), [210]);
    assert.equal(hmc.requests.filter((r) => /\/do\/Power(On|Off)$/.test(r.path)).length, 0, "no power job: the partition was off");
  });

  it("names the missing adapter or switch when the mapping cannot be applied", async () => {
    const noMac = await rejection(adapter.remoteRestart({ lparId: "web1", targetSystemId: "sys-b", volumeIds: [], adapters: [{ switch: "VSW-DR", pvid: 210, mac: "001122334455" }] }));
    assert.ok(noMac instanceof AdapterError && noMac.failure === "conflict", noMac.message);
    assert.match(noMac.message, /no client network adapter with MAC 001122334455.*2AE44C673DFA/);
    const noSwitch = await rejection(adapter.remoteRestart({ lparId: "web1", targetSystemId: "sys-b", volumeIds: [], adapters: [{ switch: "VSW-X", pvid: 210, mac: "2AE44C673DFA" }] }));
    assert.match(noSwitch.message, /no virtual switch VSW-X .*ETHERNET0, VSW-DR/);
  });

  it("parses the element names of captured HMC payloads", () => {
    // Shapes of pypowervm's fake_vswitch_feed.txt, fake_vios.txt (SEA trunk without a switch link) and cna_feed.txt, trimmed.
    const ns = 'xmlns="http://www.ibm.com/xmlns/systems/power/firmware/uom/mc/2012_10/"';
    const entry = (type: string, body: string) => `<feed xmlns="http://www.w3.org/2005/Atom"><entry><id>e7344c5b-79b5-3e73-8f64-94821424bc25</id><content type="application/vnd.ibm.powervm.uom+xml; type=${type}"><${type}:${type} xmlns:${type}="x" ${ns}>${body}</${type}:${type}></content></entry></feed>`;
    const sw = parseSwitch(feedEntries(parseXml(entry("VirtualSwitch", '<Metadata><Atom><AtomID>4d9735ae-feaf-32c2-a1bc-102026df9168</AtomID></Atom></Metadata><SwitchID kb="ROR" kxe="false">0</SwitchID><SwitchMode kxe="false" kb="CUD">Veb</SwitchMode><SwitchName kb="CUD" kxe="false">ETHERNET0(Default)</SwitchName>')), "t")[0]);
    assert.deepEqual(sw, { uuid: "4d9735ae-feaf-32c2-a1bc-102026df9168", id: 0, name: "ETHERNET0" });
    const vios = parseViosNetwork(
      feedEntries(
        parseXml(
          entry(
            "VirtualIOServer",
            '<PartitionName kb="CUR" kxe="false">vios1</PartitionName><PartitionState kb="ROO" kxe="false">running</PartitionState><PartitionUUID kb="ROO" kxe="false">14B854F7-42CE-4FF0-BD57-1D117054E701</PartitionUUID>' +
              '<SharedEthernetAdapters group="ViosNetwork" kb="CUD" kxe="false"><SharedEthernetAdapter><PortVLANID kb="ROR" kxe="false">2227</PortVLANID><TrunkAdapters kb="CUD" kxe="false">' +
              '<TrunkAdapter><PortVLANID kb="CUR" kxe="false">2227</PortVLANID><TaggedVLANSupported kb="CUA" kxe="false">false</TaggedVLANSupported><VirtualSwitchID kb="ROR" kxe="false">0</VirtualSwitchID></TrunkAdapter>' +
              '<TrunkAdapter><PortVLANID kb="CUR" kxe="false">4092</PortVLANID><TaggedVLANIDs kb="CUA" kxe="false">2018 2019</TaggedVLANIDs><VirtualSwitchID kb="ROR" kxe="false">0</VirtualSwitchID></TrunkAdapter>' +
              "</TrunkAdapters></SharedEthernetAdapter></SharedEthernetAdapters>",
          ),
        ),
        "t",
      )[0],
    );
    assert.deepEqual([vios.uuid, vios.state, [...vios.bridged]], ["14B854F7-42CE-4FF0-BD57-1D117054E701", "running", [[0, [2018, 2019, 2227, 4092]]]]);
    const cna = parseClientAdapter(
      feedEntries(
        parseXml(
          entry(
            "ClientNetworkAdapter",
            '<Metadata><Atom><AtomID>4204d084-77a5-329c-9d3b-2f5ccffe2803</AtomID></Atom></Metadata><VirtualSlotNumber kxe="false" kb="COD">3</VirtualSlotNumber><MACAddress kxe="false" kb="CUR">2AE44C673DFA</MACAddress><PortVLANID kxe="false" kb="CUR">1</PortVLANID><TaggedVLANIDs kb="CUA" kxe="false"/>' +
              '<AssociatedVirtualSwitch kb="CUD" kxe="false"><link href="https://9.1.2.3:12443/rest/api/uom/ManagedSystem/e7344c5b-79b5-3e73-8f64-94821424bc25/VirtualSwitch/ec8aaa54-9837-3c23-a541-a4e4be3ae489" rel="related"/></AssociatedVirtualSwitch><VirtualSwitchID kxe="false" kb="ROR">0</VirtualSwitchID>',
          ),
        ),
        "t",
      )[0],
    );
    assert.deepEqual([cna.mac, cna.pvid, cna.taggedVlans, cna.switchId, cna.switchUuid, cna.slot], ["2AE44C673DFA", 1, [], 0, "ec8aaa54-9837-3c23-a541-a4e4be3ae489", 3]);
  });
});
