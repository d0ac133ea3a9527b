// The built-in step implementations. A new step kind: write it next to these (or in its own
// module) with defineStep, then `registerStep(impl)` or pass a registry to the run.

import { StepRegistry, type StepImplementation } from "../registry";
import { CleanupSourceLpar, FenceSourceLpar, RestartLpar, ShutdownLpar, VerifyLpar } from "./compute";
import { RunHook } from "./hook";
import { FailoverConsistencyGroup, MapReplicaVolume, ReverseReplication, SwitchConsistencyGroup, UnmapSourceVolume } from "./storage";

export * from "./compute";
export * from "./storage";
export * from "./hook";

const defaultRegistry = new StepRegistry()
  .register(FenceSourceLpar)
  .register(ShutdownLpar)
  .register(RestartLpar)
  .register(VerifyLpar)
  .register(CleanupSourceLpar)
  .register(FailoverConsistencyGroup)
  .register(SwitchConsistencyGroup)
  .register(ReverseReplication)
  .register(UnmapSourceVolume)
  .register(MapReplicaVolume)
  .register(RunHook);

/** The registry runs use unless given another: the built-ins plus whatever was registered. */
export function builtInSteps(): StepRegistry {
  return defaultRegistry;
}

/** Adds a step kind to every later run (e.g. the drill's FlashCopy steps). */
export function registerStep<Args>(impl: StepImplementation<Args>): void {
  defaultRegistry.register(impl);
}
