// The size a step starts its LPAR with: the placement's flexible-capacity start when it is
// shrunk (planner/capacity-flex.ts), else nothing (the adapter starts it at its size).

import type { LparSize } from "../../adapters/compute";
import type { Placement } from "../../generated/plan";

export function startSizeOf(placement: Placement | undefined): LparSize | undefined {
  const start = placement?.start;
  return start?.shrunk === true ? { processorUnits: start.processorUnits, memoryGb: start.memoryGb } : undefined;
}
