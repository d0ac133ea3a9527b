// Protects the 20 LPARs of topology.yaml: databases and application servers at site-a recover
// to site-b, the reporting VMs at site-b recover to site-a.
//
//   vmr sim init --topology topology.yaml --state .vmr/sim
//   pulumi stack init dev && pulumi up
//   vmr plan --stack dev          (what a failover of a host or site would do now)

import * as pulumi from "@pulumi/pulumi";
import { ProtectionGroup, RecoveryTarget, StorageMapping } from "pulumi-vm-recovery";
import type { AdapterSettings } from "pulumi-vm-recovery";

const config = new pulumi.Config();
const simulator: AdapterSettings = { type: "simulator", stateDir: config.get("simStateDir") };

/** Every LPAR has a rootvg and a data volume; each replicates to `<volume>-r` at the other site. */
function replicaPairs(lpars: string[]) {
  return lpars.flatMap((lpar) => ["root", "data"].map((v) => ({ source: `${lpar}-${v}`, replica: `${lpar}-${v}-r` })));
}

const range = (prefix: string, n: number, width = 1) => Array.from({ length: n }, (_, i) => `${prefix}${String(i + 1).padStart(width, "0")}`);
const dbVms = range("db-", 4);
const appVms = range("app-", 10, 2);
const reportingVms = range("rpt-", 6);

// Where VMs may restart, keeping 2 processor units and 32 GB free on each server for the site's own work.
const siteB = new RecoveryTarget("site-b", {
  site: "site-b",
  systems: ["b-01", "b-02", "b-03"],
  reserve: { processorUnits: 2, memoryGb: 32 },
  maxConcurrentRestarts: 16,
  adapter: simulator,
});
const siteA = new RecoveryTarget("site-a", {
  site: "site-a",
  systems: ["a-01", "a-02", "a-03"],
  reserve: { processorUnits: 2, memoryGb: 32 },
  adapter: simulator,
});

const dbVolumes = new StorageMapping("db-volumes", {
  consistencyGroup: "cg-db",
  pairs: replicaPairs(dbVms),
  presentation: { via: "npiv" },
  mode: "sync",
  adapter: simulator,
});
const appVolumes = new StorageMapping("app-volumes", {
  consistencyGroup: "cg-app",
  pairs: replicaPairs(appVms),
  mode: "sync",
  adapter: simulator,
});
const reportingVolumes = new StorageMapping("reporting-volumes", {
  consistencyGroup: "cg-rpt",
  pairs: replicaPairs(reportingVms),
  mode: "async",
  rpoSeconds: 300,
  adapter: simulator,
});

// Databases first; the two halves of each database pair never share a server.
const db = new ProtectionGroup("db", {
  slaLevel: 3,
  vms: dbVms,
  antiAffinity: [["db-1", "db-2"], ["db-3", "db-4"]],
  rtoBudgetSeconds: 900,
  recoveryTarget: siteB,
  storageMappings: [dbVolumes],
  hooks: { post: [{ command: ["/usr/bin/logger", "-t", "vmr", "databases recovered"], timeoutSeconds: 30 }] },
});

// Application servers once the databases run; app-01 (the gateway) before the others.
const app = new ProtectionGroup("app", {
  slaLevel: 2,
  vms: appVms.map((lpar) => (lpar === "app-01" ? { lpar } : { lpar, after: ["app-01"] })),
  rtoBudgetSeconds: 1800,
  recoveryTarget: siteB,
  storageMappings: [appVolumes],
});

const reporting = new ProtectionGroup("reporting", {
  slaLevel: 1,
  vms: reportingVms,
  recoveryTarget: siteA,
  storageMappings: [reportingVolumes],
});

// A site reached through its HMC and storage instead of the simulator. Passwords are Pulumi
// secrets, encrypted in the state. `verify: false` records it without contacting the HMC:
//   pulumi config set hmcUrl https://hmc-c.example.com:12443
//   pulumi config set svcUrl https://svc-c.example.com:7443
//   pulumi config set --secret hmcPassword ...   and   --secret svcPassword ...
//   pulumi config set --path 'siteCVms[0]' c-vm-1
const hmcUrl = config.get("hmcUrl");
if (hmcUrl) {
  const siteC = new RecoveryTarget("site-c", {
    site: "site-c",
    systems: ["c-01", "c-02"],
    verify: false,
    adapter: {
      type: "hardware",
      hmc: { url: hmcUrl, username: config.get("hmcUser") ?? "hscroot", password: config.requireSecret("hmcPassword") },
      storage: { url: config.require("svcUrl"), username: config.get("svcUser") ?? "superuser", password: config.requireSecret("svcPassword") },
    } as pulumi.Input<AdapterSettings>,
  });
  // Its groups carry the connection too, as secrets: unverified until the HMC is reachable.
  new ProtectionGroup("site-c-batch", { vms: config.requireObject<string[]>("siteCVms"), recoveryTarget: siteC });
}

export const readiness = { db: db.readiness.status, app: app.readiness.status, reporting: reporting.readiness.status };
export const runningAt = { db: db.currentSites, app: app.currentSites, reporting: reporting.currentSites };
export const freeAtSiteB = siteB.free;
export const replication = { db: dbVolumes.replicationState, app: appVolumes.replicationState, reporting: reportingVolumes.replicationState };
