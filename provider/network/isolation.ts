// Drill isolation: a drill copy must never be attached to a production VLAN of the site it runs
// at, or it would answer on the live network with a production VM's addresses. The executor
// checks it on each copy as the adapter reports it (StartDrillLpar); the property test checks it
// on the simulator's state over random topologies and mappings.

import type { ResolvedLpar } from "../model";
import { adaptersOf, vlansOf } from "./adapters";

/** The VLANs among `production` that the LPAR's adapters carry, sorted. */
export function productionVlansOf(lpar: Pick<ResolvedLpar, "adapters">, production: readonly number[]): number[] {
  if (production.length === 0) return [];
  const forbidden = new Set(production);
  const found = new Set<number>();
  for (const a of adaptersOf(lpar)) for (const v of vlansOf(a)) if (forbidden.has(v)) found.add(v);
  return [...found].sort((x, y) => x - y);
}
