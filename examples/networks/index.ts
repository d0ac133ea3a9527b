// A web shop whose network follows it to the recovery site. The sites use different VLAN IDs,
// switch names and subnets (topology.yaml); the NetworkMapping says which is which, keeps drills
// on isolated VLANs, and re-addresses each VM keeping its host part (10.10.0.11 -> 172.16.10.11).
//
//   vmr sim init --topology topology.yaml --state .vmr/sim
//   pulumi stack init dev && pulumi up
//   vmr sim fail-site site-a --state .vmr/sim
//   vmr failover --stack dev --failed-site site-a --yes   (the post hook prints each VM's new addresses)

import * as pulumi from "@pulumi/pulumi";
import { NetworkMapping, ProtectionGroup, RecoveryTarget, StorageMapping } from "pulumi-vm-recovery";
import type { AdapterSettings } from "pulumi-vm-recovery";

const config = new pulumi.Config();
const simulator: AdapterSettings = { type: "simulator", stateDir: config.get("simStateDir") };
const vms = ["web-1", "web-2", "db-1", "db-2"];

const siteB = new RecoveryTarget("site-b", { site: "site-b", systems: ["b-01", "b-02"], adapter: simulator });

const volumes = new StorageMapping("shop-volumes", {
  consistencyGroup: "cg-shop",
  pairs: vms.map((vm) => ({ source: `${vm}-root`, replica: `${vm}-root-r` })),
  adapter: simulator,
});

const network = new NetworkMapping("a-to-b", {
  sourceSite: "site-a",
  targetSite: "site-b",
  switches: [{ source: "ETHERNET0", target: "VSW-DR" }],
  vlans: [
    { source: 110, target: 210 }, // web
    { source: 120, target: 220 }, // database
    { source: 130, target: 230 }, // backup
  ],
  drillVlans: [
    { source: 110, target: 3110 },
    { source: 120, target: 3120 },
    { source: 130, target: 3130 },
  ],
  ipRules: {
    subnets: [
      { source: "10.10.0.0/24", target: "172.16.10.0/24", gateway: "172.16.10.1", dns: ["172.16.0.53"], sourceGateway: "10.10.0.1", sourceDns: ["10.0.0.53"] },
      { source: "10.20.0.0/24", target: "172.16.20.0/24", gateway: "172.16.20.1", dns: ["172.16.0.53"], sourceGateway: "10.20.0.1", sourceDns: ["10.0.0.53"] },
    ],
    // The primary database keeps a fixed address at the recovery site.
    addresses: [{ lpar: "db-1", address: "172.16.20.5" }],
  },
});

// The post hook receives each VM's mapped adapters and new addresses as JSON on its standard
// input (docs/networks.md); this one just prints them where `vmr failover` logs hook output.
const printAddresses = ["node", "-e", "process.stdin.pipe(process.stdout)"];

const shop = new ProtectionGroup("shop", {
  slaLevel: 2,
  vms: vms.map((lpar) => (lpar.startsWith("web") ? { lpar, after: ["db-1"] } : { lpar })),
  recoveryTarget: siteB,
  storageMappings: [volumes],
  networkMapping: network,
  hooks: { post: [{ command: printAddresses, timeoutSeconds: 30 }] },
});

export const readiness = shop.readiness.status;
export const readinessIssues = shop.readiness.issues.apply((issues) => issues.map((i) => i.message));
export const failbackVlans = network.failback.vlans;
