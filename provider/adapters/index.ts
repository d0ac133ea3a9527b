// Opens the adapters named by a connection setting. The simulator is one implementation among
// others, not a special case elsewhere.

import type { AdapterSettings } from "../generated/adapter-settings";
import type { ComputeAdapter } from "./compute";
import type { StorageAdapter } from "./storage";
import { openHardwareAdapters } from "./hardware";

export type { ComputeAdapter } from "./compute";
export type { StorageAdapter } from "./storage";

export interface Adapters {
  readonly compute: ComputeAdapter;
  readonly storage: StorageAdapter;
}

/** Opens the compute and storage adapters for `settings`. Implementations register below. */
export async function openAdapters(settings: AdapterSettings): Promise<Adapters> {
  switch (settings.type) {
    case "simulator": {
      const { openSimulator } = await import("./simulator");
      const sim = await openSimulator({ stateDir: settings.stateDir });
      return { compute: sim.compute, storage: sim.storage };
    }
    case "hardware":
      return openHardwareAdapters(settings);
  }
}
