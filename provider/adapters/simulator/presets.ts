// Named topologies for `vmr sim init --topology preset:NAME`, built by the generator.

import type { ResolvedTopology } from "../../model";
import { generateTopology, type GeneratorOptions } from "./generate-topology";

/**
 * The server that fails in the `paper` scenario (`vmr sim fail-host sys-a-01`). Not failed at
 * init: a drill or benchmark fails it when it wants the clock to start.
 */
export const PAPER_FAILED_HOST = "sys-a-01";

export const PRESETS: Readonly<Record<string, { description: string; options: GeneratorOptions }>> = {
  small: {
    description: "2 sites x 3 POWER servers x 4 LPARs (24 LPARs), 2 LUNs each, replicated to the other site; each site its own 4 VLANs and subnet",
    options: { sites: 2, hostsPerSite: 3, lparsPerHost: 4, lunsPerLpar: 2, network: { vlansPerSite: 4, vlansPerLpar: 2 } },
  },
  paper: {
    // Assumptions (the papers publish no sizes): a CMS-like pod of 8 POWER servers per site with
    // 16 LPARs each and 4 LUNs per LPAR (rootvg + 3 data), one storage cluster per site, SLA
    // levels 3/2/1 in a 1:2:3 mix. One server (PAPER_FAILED_HOST) fails; its 16 LPARs restart on
    // the 7 survivors of its site, which the 100 % headroom lets them receive.
    description: "CMS-like pod: 2 sites x 8 servers x 16 LPARs x 4 LUNs (assumed sizes); server sys-a-01 is the one to fail",
    options: { sites: 2, hostsPerSite: 8, lparsPerHost: 16, lunsPerLpar: 4 },
  },
  large: {
    description: "2 sites x 500 servers x 10 LPARs (10,000 LPARs) x 4 LUNs (40,000 LUNs, plus 40,000 replicas)",
    options: { sites: 2, hostsPerSite: 500, lparsPerHost: 10, lunsPerLpar: 4, hostsPerHmc: 50, storageSystemsPerSite: 10 },
  },
};

/** The topology of a preset; throws a RangeError naming the known presets. */
export function presetTopology(name: string, seed?: number): ResolvedTopology {
  const preset = PRESETS[name];
  if (!preset) throw new RangeError(`unknown preset ${JSON.stringify(name)}: use one of ${Object.keys(PRESETS).join(", ")}`);
  return generateTopology({ ...preset.options, ...(seed !== undefined ? { seed } : {}) });
}
