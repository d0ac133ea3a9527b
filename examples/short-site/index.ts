// Protects prod-1 at site-a towards a recovery site too small for it: the test VM there is
// declared non-critical, so a site failover suspends it to make room, and the failback (or
// `vmr resume-noncritical`) resumes it.
//
//   vmr sim init --topology topology.yaml --state .vmr/sim
//   pulumi stack init dev && pulumi up
//   vmr sim fail-site site-a && vmr failover --stack dev --failed-site site-a

import * as pulumi from "@pulumi/pulumi";
import { ProtectionGroup, RecoveryTarget, StorageMapping } from "pulumi-vm-recovery";
import type { AdapterSettings } from "pulumi-vm-recovery";

const config = new pulumi.Config();
const simulator: AdapterSettings = { type: "simulator", stateDir: config.get("simStateDir") };

const siteB = new RecoveryTarget("site-b", {
  site: "site-b",
  systems: ["b-01"],
  // Suspended (not shut down) for VMs of SLA level 1 and above, resumed at failback.
  nonCritical: [{ lpar: "test-1", action: "suspend", slaLevel: 0 }],
  adapter: simulator,
});

const prodVolumes = new StorageMapping("prod-volumes", {
  consistencyGroup: "cg-prod",
  pairs: [{ source: "prod-1-root", replica: "prod-1-root-r" }],
  mode: "sync",
  adapter: simulator,
});

const prod = new ProtectionGroup("prod", {
  slaLevel: 2,
  vms: ["prod-1"],
  recoveryTarget: siteB,
  storageMappings: [prodVolumes],
});

export const readiness = prod.readiness.status;
export const runningAt = prod.currentSites;
