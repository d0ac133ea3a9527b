// The guard of every destructive compute operation: the plan names the system it expects the LPAR
// on, and the adapter checks it at the moment it acts. A stale plan (another run, or an operator,
// moved the LPAR since) must fail safe, never power off a VM that runs somewhere else.

import { AdapterError } from "../errors";

/** The conflict of an operation that finds the LPAR on `foundSystemId` instead of `expectedSystemId`. */
export function notOnExpectedSystem(operation: string, lparId: string, expectedSystemId: string, foundSystemId: string, state: string): AdapterError {
  return new AdapterError(
    "conflict",
    operation,
    lparId,
    `the LPAR is ${state} on ${foundSystemId}, not on ${expectedSystemId} where this step expects it: another run or an operator moved it since the plan was made, ` +
      `so it was left alone (nothing was powered off). Check which run recovered it (vmr report), then plan again from the live state (vmr plan) instead of resuming this run`,
  );
}
