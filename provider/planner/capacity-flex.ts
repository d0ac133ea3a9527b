// Flexible capacity: the smallest size an LPAR may start with at its target, when its group
// allows it for this plan kind (IBM VM Recovery Manager DR's flexible capacity). A share of its
// processor units and memory, rounded up to what the HMC can assign, and never below the
// LPAR's own minimum (the partition's minimum values; a topology's `minimum`). An LPAR whose
// minimum is not known does not shrink below its size: the minimum defaults to the size.

import type { StartSize } from "../generated/plan";
import type { ResolvedLpar } from "../model";
import type { FlexibleCapacitySpec } from "../model/protection";
import type { PlanKind } from "./types";

/** Processing units are assigned in hundredths. */
const PU_STEP = 0.01;
/** Memory in logical memory blocks: 256 MB, the smallest LMB size. */
const MEM_STEP = 0.25;

const EPS = 1e-9;

/** How small an LPAR may start, and what bounds it. */
export interface FlexibleStart {
  readonly processorUnits: number;
  readonly memoryGb: number;
  readonly share: FlexibleCapacitySpec;
  /** Its minimum, as the hardware gives it (its size when none is known). */
  readonly minimum: { readonly processorUnits: number; readonly memoryGb: number };
  /** The group that allows it. */
  readonly group: string;
}

function up(value: number, step: number): number {
  return Math.round(Math.ceil(value / step - EPS) * step * 1e6) / 1e6;
}

/** `percent` of `size`, rounded up to what the HMC assigns (hundredths of a processing unit, 256 MB blocks of memory). */
export function scaled(size: number, percent: number, dimension: "pu" | "mem"): number {
  return up((size * percent) / 100, dimension === "pu" ? PU_STEP : MEM_STEP);
}

/** Does the group's flexible capacity apply to a plan of this kind? */
export function appliesTo(flex: FlexibleCapacitySpec | undefined, kind: PlanKind): flex is FlexibleCapacitySpec {
  if (flex === undefined) return false;
  if (kind !== "failover" && kind !== "drill") return false;
  return flex.appliesTo === "both" || flex.appliesTo === kind;
}

/**
 * The smallest start the group allows this LPAR in a plan of `kind`, or undefined when it must
 * start at full size (no flexible capacity for this kind).
 */
export function flexibleStart(lpar: ResolvedLpar, group: string, flex: FlexibleCapacitySpec | undefined, kind: PlanKind): FlexibleStart | undefined {
  if (!appliesTo(flex, kind)) return undefined;
  const minimum = { processorUnits: lpar.minimum?.processorUnits ?? lpar.processorUnits, memoryGb: lpar.minimum?.memoryGb ?? lpar.memoryGb };
  const processorUnits = Math.min(lpar.processorUnits, Math.max(minimum.processorUnits, scaled(lpar.processorUnits, flex.processorPercent, "pu")));
  const memoryGb = Math.min(lpar.memoryGb, Math.max(minimum.memoryGb, scaled(lpar.memoryGb, flex.memoryPercent, "mem")));
  return { processorUnits, memoryGb, share: flex, minimum, group };
}

/** Is this start smaller than the LPAR's size in either dimension? */
export function shrinks(start: FlexibleStart, lpar: { processorUnits: number; memoryGb: number }): boolean {
  return start.processorUnits < lpar.processorUnits - EPS || start.memoryGb < lpar.memoryGb - EPS;
}

const fmt = (n: number): string => (Number.isInteger(n) ? String(n) : n.toFixed(2).replace(/\.?0+$/, ""));

/** "60% of 4 processor units (2.4)" or "its minimum 1 processor unit (60% would be 0.6)": what bounds one dimension. */
function bound(percent: number, size: number, minimum: number, start: number, unit: string): string {
  if (start >= size - EPS) return `its full ${fmt(size)} ${unit}`;
  const share = scaled(size, percent, unit === "GiB" ? "mem" : "pu");
  if (minimum >= share - EPS) return `its minimum ${fmt(minimum)} ${unit} (${fmt(percent)}% would be ${fmt(share)})`;
  return `${fmt(percent)}% of ${fmt(size)} ${unit} (${fmt(start)})`;
}

/**
 * What the plan says about an LPAR's start: full size when it had room for it, else the
 * flexible size and what bounds it. `placed` false: the size it would start with.
 */
export function startSize(lpar: { processorUnits: number; memoryGb: number }, start: FlexibleStart, shrunk: boolean, placed: boolean): StartSize {
  if (!shrunk) {
    return {
      processorUnits: lpar.processorUnits,
      memoryGb: lpar.memoryGb,
      shrunk: false,
      reason: placed
        ? "full size: its target had room for it"
        : `would start at full size: flexible capacity of group ${JSON.stringify(start.group)} allows no less (its minimum is its size)`,
    };
  }
  const pu = bound(start.share.processorPercent, lpar.processorUnits, start.minimum.processorUnits, start.processorUnits, "processor units");
  const mem = bound(start.share.memoryPercent, lpar.memoryGb, start.minimum.memoryGb, start.memoryGb, "GiB");
  const why = `flexible capacity of group ${JSON.stringify(start.group)}: ${pu} and ${mem}`;
  return {
    processorUnits: start.processorUnits,
    memoryGb: start.memoryGb,
    shrunk: true,
    reason: placed ? `shrunk, no allowed system had room for its full size once higher priorities were placed; ${why}` : `would start shrunk (${why}); it is not placed`,
  };
}
