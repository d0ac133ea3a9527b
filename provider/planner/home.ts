// Failback goes home: each LPAR returns to the managed system the stack recorded as its home
// (the ProtectionGroup's `homes`, provider/resources/runtime/homes.ts), with its volumes mapped
// the way they were there. This module decides whether a home can be used at all, and words
// why not; place.ts claims the homes' capacity before placing anything else; storage.ts
// (volumeActions) restores the recorded mappings.

import type { AffectedVm } from "./affected";
import type { PlanningContext } from "./context";
import type { Pool } from "./place";

export interface HomeDecision {
  /** The recorded home system; null when the stack records none. */
  readonly system: string | null;
  /** Set when the home is one of `pools`' systems: placement tries it first. */
  readonly usable: boolean;
  /** Why the LPAR cannot go home, decided before placement (gone, not operating, not reachable). */
  readonly reason?: string;
}

/** Whether `vm`'s recorded home is among the systems it may be placed on, and why not. */
export function homeDecision(ctx: PlanningContext, vm: AffectedVm, pools: readonly Pool[], failedHosts: ReadonlySet<string>): HomeDecision {
  const home = ctx.homes.get(vm.lpar.id);
  if (home === undefined) {
    return {
      system: null,
      usable: false,
      reason: `the stack records no home for it (state written before home records, or it never ran on its own volumes since): a \`pulumi refresh\` while it runs at home records it`,
    };
  }
  const system = home.system;
  const at = ctx.systems.get(system);
  const refused = (reason: string): HomeDecision => ({ system, usable: false, reason: `its home system ${JSON.stringify(system)} ${reason}` });
  if (at === undefined) return refused("is no longer in the inventory");
  if (at.state !== "Operating") return refused(`is ${at.state}, not Operating`);
  if (failedHosts.has(system)) return refused("is named as failed");
  if (pools.some((p) => p.systems.includes(system))) return { system, usable: true };
  if (at.site === ctx.systems.get(vm.source)?.site) return refused(`is at site ${JSON.stringify(at.site)}, where the LPAR runs now`);
  return refused(`is at site ${JSON.stringify(at.site)}, which its volumes do not reach`);
}

function fmt(n: number): string {
  return Number.isInteger(n) ? String(n) : n.toFixed(2).replace(/\.?0+$/, "");
}

/**
 * Why an LPAR does not fit on its home: the shortfall per dimension that is short, and who
 * holds the room (LPARs running there, LPARs of the failback that go back there first).
 */
export function homeShortReason(
  home: string,
  req: { readonly processorUnits: number; readonly memoryGb: number },
  freePu: number,
  freeMem: number,
  running: readonly string[],
  returning: readonly string[],
): string {
  const holders = [...running.map((l) => JSON.stringify(l)), ...returning.map((l) => `${JSON.stringify(l)} (back there first)`)];
  const short: string[] = [];
  if (freePu < req.processorUnits - 1e-9) short.push(`${fmt(req.processorUnits - Math.max(0, freePu))} processor units (${fmt(Math.max(0, freePu))} free of the ${fmt(req.processorUnits)} it needs)`);
  if (freeMem < req.memoryGb - 1e-9) short.push(`${fmt(req.memoryGb - Math.max(0, freeMem))} GiB of memory (${fmt(Math.max(0, freeMem))} free of the ${fmt(req.memoryGb)} it needs)`);
  const names = holders.slice(0, 5).join(", ") + (holders.length > 5 ? `, and ${holders.length - 5} more` : "");
  return `its home system ${JSON.stringify(home)} is short of ${short.join(" and ")}${holders.length > 0 ? `: the room is taken by ${names}` : ""}`;
}

/** Why an LPAR does not go home: a member of one of its anti-affinity sets runs there, or goes back there first. */
export function homeRivalReason(home: string, rival: string, returning: boolean): string {
  return `its home system ${JSON.stringify(home)} is ruled out by anti-affinity with ${JSON.stringify(rival)}, which ${returning ? "goes back there first" : "runs there"}`;
}
