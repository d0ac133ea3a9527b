// What it would take: for an LPAR not placed for want of capacity, the smallest change that
// would place it, each alternative on its own. Read from its shortfall, which is measured at its
// turn in placement order (after higher and equal priorities, before lower ones): freeing that
// much on that system, or starting it at a share that fits what was free there, places it when
// the plan is made again, whatever lower priorities hold now.

import type { Shortfall, WouldTake } from "../generated/plan";
import { scaled } from "./capacity-flex";

const EPS = 1e-9;
const fmt = (n: number): string => (Number.isInteger(n) ? String(n) : n.toFixed(2).replace(/\.?0+$/, ""));

export interface NeedInput {
  /** Its full size. */
  readonly size: { readonly processorUnits: number; readonly memoryGb: number };
  /** The size its shortfall was measured at (its flexible start, else its size). */
  readonly tried: { readonly processorUnits: number; readonly memoryGb: number };
  /** The least it may start with (the hardware's minimum; its size when none is known). */
  readonly minimum: { readonly processorUnits: number; readonly memoryGb: number };
  readonly shortfall: Shortfall;
  /** Non-critical LPARs running on the shortfall's system that yield to it, in the order to stop them. */
  readonly yielding?: readonly Yielding[];
}

/** A non-critical LPAR that could give its room back. */
export interface Yielding {
  readonly lpar: string;
  readonly action: "stop" | "suspend";
  readonly slaLevel: number;
  readonly processorUnits: number;
  readonly memoryGb: number;
}

/** The first of `yielding` (in order) whose room together covers the shortfall; undefined when all of them do not. */
function enoughOf(yielding: readonly Yielding[], shortfall: Shortfall): Yielding[] | undefined {
  const chosen: Yielding[] = [];
  let pu = 0;
  let mem = 0;
  for (const y of yielding) {
    if (pu >= (shortfall.processorUnits ?? 0) - EPS && mem >= (shortfall.memoryGb ?? 0) - EPS) break;
    chosen.push(y);
    pu += y.processorUnits;
    mem += y.memoryGb;
  }
  return pu >= (shortfall.processorUnits ?? 0) - EPS && mem >= (shortfall.memoryGb ?? 0) - EPS ? chosen : undefined;
}

/** The largest whole percent of `size` (at most `current`) that fits in `free` and is not below `minimum`; undefined when none. */
function shareThatFits(size: number, free: number, minimum: number, current: number, dimension: "pu" | "mem"): number | undefined {
  if (free < minimum - EPS) return undefined;
  // A share below the minimum starts at the minimum, which fits; rounding up may not.
  let pct = Math.min(current, Math.floor((100 * free) / size + EPS));
  while (pct >= 1 && Math.max(minimum, scaled(size, pct, dimension)) > free + EPS) pct--;
  return pct >= 1 ? pct : undefined;
}

export function wouldTake(input: NeedInput): WouldTake {
  const { size, tried, minimum, shortfall } = input;
  const free = { processorUnits: tried.processorUnits - (shortfall.processorUnits ?? 0), memoryGb: tried.memoryGb - (shortfall.memoryGb ?? 0) };
  const freeCapacity: NonNullable<WouldTake["freeCapacity"]> = { system: shortfall.system };
  if (shortfall.processorUnits !== undefined) freeCapacity.processorUnits = shortfall.processorUnits;
  if (shortfall.memoryGb !== undefined) freeCapacity.memoryGb = shortfall.memoryGb;
  const parts = [
    `free ${[
      shortfall.processorUnits !== undefined ? `${fmt(shortfall.processorUnits)} processor units` : undefined,
      shortfall.memoryGb !== undefined ? `${fmt(shortfall.memoryGb)} GiB` : undefined,
    ]
      .filter((s) => s !== undefined)
      .join(" and ")} on ${JSON.stringify(shortfall.system)}`,
  ];
  const out: WouldTake = { summary: "", freeCapacity };
  const currentPu = Math.round((100 * tried.processorUnits) / size.processorUnits);
  const currentMem = Math.round((100 * tried.memoryGb) / size.memoryGb);
  const pu = shortfall.processorUnits === undefined ? currentPu : shareThatFits(size.processorUnits, free.processorUnits, minimum.processorUnits, currentPu, "pu");
  const mem = shortfall.memoryGb === undefined ? currentMem : shareThatFits(size.memoryGb, free.memoryGb, minimum.memoryGb, currentMem, "mem");
  const stop = enoughOf(input.yielding ?? [], shortfall);
  if (stop !== undefined && stop.length > 0) {
    const [first, ...rest] = stop.map((y) => ({ lpar: y.lpar, action: y.action, slaLevel: y.slaLevel }));
    out.stopLpars = { system: shortfall.system, lpars: [first, ...rest] };
    parts.push(`${stop.map((y) => `${y.action} ${JSON.stringify(y.lpar)}`).join(", ")} (non-critical, SLA level ${[...new Set(stop.map((y) => y.slaLevel))].join("/")}) on ${JSON.stringify(shortfall.system)}`);
  }
  if (pu !== undefined && mem !== undefined && (pu < currentPu || mem < currentMem)) {
    out.flexibleCapacity = { system: shortfall.system, processorPercent: pu, memoryPercent: mem };
    parts.push(`allow flexible capacity of ${pu}% of its processor units and ${mem}% of its memory (it would start on ${JSON.stringify(shortfall.system)})`);
  }
  out.summary = parts.join(", or ");
  return out;
}
