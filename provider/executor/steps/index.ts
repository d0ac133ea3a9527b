// The built-in step implementations, one per StepKind of schemas/plan.schema.json. A new kind:
// add it to the schema, write it with defineStep, register it here (or, from another module,
// `registerStep(impl)`, or pass a registry to the run).

import { StepRegistry, type StepImplementation } from "../registry";
import { CleanupSourceLpar, FenceSourceLpar, MoveLpar, RestartLpar, ShutdownLpar, StartLpar, VerifyLpar } from "./compute";
import { CreateFlashCopyGroup, DeleteDrillLpar, DeleteFlashCopyGroup, StartDrillLpar } from "./drill";
import { RunHook } from "./hook";
import { ResumeNonCriticalLpar, StopNonCriticalLpar } from "./non-critical";
import { AttachVirtualDisk, DetachVirtualDisk, FailoverConsistencyGroup, MapReplicaVolume, ReverseReplication, SwitchConsistencyGroup, UnmapSourceVolume } from "./storage";

export * from "./compute";
export * from "./storage";
export * from "./hook";
export * from "./drill";
export * from "./non-critical";

const defaultRegistry = new StepRegistry()
  .register(FenceSourceLpar)
  .register(ShutdownLpar)
  .register(RestartLpar)
  .register(MoveLpar)
  .register(StartLpar)
  .register(VerifyLpar)
  .register(CleanupSourceLpar)
  .register(FailoverConsistencyGroup)
  .register(SwitchConsistencyGroup)
  .register(ReverseReplication)
  .register(UnmapSourceVolume)
  .register(MapReplicaVolume)
  .register(AttachVirtualDisk)
  .register(DetachVirtualDisk)
  .register(RunHook)
  .register(CreateFlashCopyGroup)
  .register(DeleteFlashCopyGroup)
  .register(StartDrillLpar)
  .register(DeleteDrillLpar)
  .register(StopNonCriticalLpar)
  .register(ResumeNonCriticalLpar);

/** The registry runs use unless given another: the built-ins plus whatever was registered. */
export function builtInSteps(): StepRegistry {
  return defaultRegistry;
}

/** Adds a step kind to every later run (e.g. the drill's FlashCopy steps). */
export function registerStep<Args>(impl: StepImplementation<Args>): void {
  defaultRegistry.register(impl);
}
