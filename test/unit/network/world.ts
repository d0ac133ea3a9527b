// A simulated two-site datacenter whose sites use different VLAN IDs (site A 101-104, site B
// 201-204) and subnets (10.1/16, 10.2/16), every group following one NetworkMapping A -> B.

import type { ResolvedTopology } from "../../../provider/model";
import type { ProtectionModel } from "../../../provider/model/protection";
import { generateTopology } from "../../../provider/adapters/simulator";
import { generatedMapping, type NetworkOptions } from "../../../provider/adapters/simulator/generate-network";
import { simWorld, type SimWorld } from "../../fixtures/sim-world";

export const NET: NetworkOptions = { vlansPerSite: 4, vlansPerLpar: 2 };

export function networkTopology(): ResolvedTopology {
  return generateTopology({ sites: 2, hostsPerSite: 3, lparsPerHost: 4, lunsPerLpar: 2, network: NET });
}

/** `model` with every group on the generated A -> B mapping (and `post` hooks, when given). */
export function withNetwork(model: ProtectionModel, post?: readonly string[]): ProtectionModel {
  const mapping = generatedMapping(0, 1, NET, { from: "site-a", to: "site-b" });
  return {
    ...model,
    networkMappings: [mapping],
    groups: model.groups.map((g) => ({ ...g, networkMapping: mapping.name, ...(post ? { hooks: { pre: [], post: [{ command: post }] } } : {}) })),
  };
}

export function networkWorld(topology: ResolvedTopology = networkTopology(), post?: readonly string[]): SimWorld {
  const w = simWorld(topology);
  return { ...w, model: withNetwork(w.model, post) };
}
