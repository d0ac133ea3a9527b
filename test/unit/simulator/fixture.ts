// Shared test fixtures: a small generated datacenter and an in-memory simulator under virtual time.
import { VirtualClock } from "../../../provider/clock";
import type { ResolvedTopology } from "../../../provider/model";
import { createInMemorySimulator, generateTopology, type GeneratorOptions, type Simulator } from "../../../provider/adapters/simulator";

/**
 * 2 sites x 2 systems x 2 LPARs x 2 LUNs. sys-a-01 holds lpar-00001 and lpar-00002, sys-a-02 holds
 * lpar-00003 and lpar-00004; volumes vol-0000N-1/-2 on svc-a1, replicas vol-0000N-k-r on svc-b1,
 * one consistency group cg-0000N per LPAR.
 */
export function smallTopology(options: GeneratorOptions = {}): ResolvedTopology {
  return generateTopology({ sites: 2, hostsPerSite: 2, lparsPerHost: 2, lunsPerLpar: 2, ...options });
}

export function virtualSimulator(topology: ResolvedTopology = smallTopology()): { sim: Simulator; clock: VirtualClock } {
  const clock = new VirtualClock();
  return { sim: createInMemorySimulator(topology, { clock }), clock };
}

/** The volumes of lpar-0000N, as generated. */
export function volumesOf(n: number, replica = false): string[] {
  return [1, 2].map((k) => `vol-0000${n}-${k}${replica ? "-r" : ""}`);
}
