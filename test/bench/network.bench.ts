// Networks: what the NetworkMapping's placement constraint and per-VM mapping cost the planner.
// The same site failure (10,000 LPARs of site A onto site B's 500 servers; 1,000 servers in all,
// every LPAR on 4 VLANs of its site's 50), planned with each group following a NetworkMapping and
// without any (the planner ignores the network). One inventory for both: what is measured is the
// planner's work for networks, not the memory of a larger inventory. Runs alternate, and the best
// of each is compared, so a neighbour's load on a shared machine weighs on both alike. Issue 14's
// goal: within 1.15x.

import { performance } from "perf_hooks";
import { generateTopology } from "../../provider/adapters/simulator";
import { generatedMapping, type NetworkOptions } from "../../provider/adapters/simulator/generate-network";
import type { ResolvedTopology } from "../../provider/model";
import { planFailover, type Inventory } from "../../provider/planner";
import { protectTopology } from "../fixtures/protect";
import type { BenchContext } from "./main";

export const title = "Networks: planning a site failure with and without NetworkMappings";

const NET: NetworkOptions = { vlansPerSite: 50, vlansPerLpar: 4 };
const GOAL = 1.15;

function inventoryOf(t: ResolvedTopology): Inventory {
  return {
    compute: { hmcs: t.hmcs, managedSystems: t.managedSystems, lpars: t.lpars },
    storage: { storageSystems: t.storageSystems, volumes: t.volumes, hostMappings: t.hostMappings, consistencyGroups: t.consistencyGroups, flashCopyGroups: t.flashCopyGroups },
  };
}

/** The datacenter with its network modelled, planned with every group on the A -> B mapping or with none. */
function worlds(lparsPerHost: number) {
  const topology = generateTopology({ sites: 2, hostsPerSite: 500, lparsPerHost, lunsPerLpar: 4, hostsPerHmc: 50, storageSystemsPerSite: 10, lparsPerConsistencyGroup: 10, network: NET });
  const base = protectTopology(topology);
  const mapping = generatedMapping(0, 1, NET, { from: "site-a", to: "site-b" });
  const inventory = inventoryOf(topology);
  return {
    without: { model: base, inventory },
    with: { model: { ...base, networkMappings: [mapping], groups: base.groups.map((g) => ({ ...g, networkMapping: mapping.name })) }, inventory },
  };
}

export async function run(context: BenchContext): Promise<void> {
  const lparsPerHost = context.quick ? 4 : 20;
  const runs = context.quick ? 2 : 4;
  const w = worlds(lparsPerHost);
  const best = { with: Infinity, without: Infinity };
  const placed = { with: 0, without: 0 };
  for (let i = 0; i < runs; i++) {
    // Alternate which goes first: the second of a pair pays for the first one's garbage.
    for (const variant of i % 2 === 0 ? (["without", "with"] as const) : (["with", "without"] as const)) {
      const t = performance.now();
      const plan = planFailover({ ...w[variant], failure: { failedSite: "site-a" } });
      best[variant] = Math.min(best[variant], performance.now() - t);
      placed[variant] = plan.placements.filter((p) => p.target !== null && (variant === "without" || p.network !== undefined)).length;
    }
  }
  const ratio = best.with / best.without;
  context.print(`${(500 * lparsPerHost).toLocaleString("en")} LPARs failing over from site A (1,000 servers), ${NET.vlansPerLpar} VLANs per LPAR, ${NET.vlansPerSite} per site; best of ${runs} runs each, alternating`);
  context.print(`without networks (no NetworkMapping, the same inventory): ${best.without.toFixed(0)} ms (${placed.without} placed); with: ${best.with.toFixed(0)} ms (${placed.with} placed on mapped VLANs)`);
  context.print(`networks: planning with / without: ${ratio.toFixed(2)}x (goal: within ${GOAL}x${ratio <= GOAL ? ", met" : ", NOT met"})`);
}
