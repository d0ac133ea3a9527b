// Opens the real-hardware adapters: PowerVM through an HMC, storage through Spectrum Virtualize.
// Nothing connects here: each adapter logs on at its first call.

import { ValidationError, type ValidationIssue } from "../errors";
import type { HardwareSettings } from "../generated/adapter-settings";
import { HmcComputeAdapter } from "./hmc/adapter";
import type { HardwareAdapterOptions } from "./http/options";
import type { Adapters } from "./index";
import { SvcStorageAdapter } from "./svc/adapter";

export function openHardwareAdapters(settings: HardwareSettings, options: HardwareAdapterOptions = {}): Adapters {
  const issues: ValidationIssue[] = [];
  if (!settings.hmc) issues.push({ path: "hmc", message: "`hmc` is required when `type` is \"hardware\": add the HMC's url, username and password" });
  if (!settings.storage) issues.push({ path: "storage", message: "`storage` is required when `type` is \"hardware\": add the storage system's url, username and password" });
  if (!settings.hmc || !settings.storage) throw new ValidationError("adapter settings", issues);
  const storage = new SvcStorageAdapter(settings.storage, options);
  // The storage side knows which volumes an LPAR uses (by naming convention); the compute inventory carries them.
  const compute = new HmcComputeAdapter(settings.hmc, { ...options, lparVolumes: (ids) => storage.volumesOfLpars(ids) });
  return { compute, storage };
}
