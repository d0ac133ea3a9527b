// What callers (and tests) may inject into the hardware adapters besides their settings.

import type { Clock } from "../../clock";
import type { AdapterLog } from "./log";

export interface HardwareAdapterOptions {
  /** @default WallClock */
  readonly clock?: Clock;
  /** Where warnings (such as unverified TLS connections) go. @default stderr */
  readonly log?: AdapterLog;
  /** Delay before the first retry of a transient failure (doubles each time). @default 1000 */
  readonly retryBaseDelayMs?: number;
}

/**
 * The volumes each LPAR uses, by LPAR id, joined into the compute inventory. `deviceIds` reads,
 * on demand, the ids of the disks each LPAR sees through its VIOSes (by LPAR id).
 */
export type LparVolumes = (
  lparIds: readonly string[],
  deviceIds: () => Promise<ReadonlyMap<string, readonly string[]>>,
) => Promise<ReadonlyMap<string, readonly string[]>>;
