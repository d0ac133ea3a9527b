// The latency profile a prediction of a stack draws from, for the commands that take no lock
// (`vmr plan`, `vmr check`, a dry run): the one given, else the file named with `--profile`,
// else the stack's kept in its run store (read once, the store closed again), else the defaults.
// A store that cannot be reached leaves the defaults, named with why: these commands are a look,
// and a real run opens the store before anything else and fails there.

import type { ProtectionModel } from "../model/protection";
import { defaultProfile, type LatencyProfile } from "../predict/profile";
import { profileFor } from "../predict/profile-file";
import { openRunStore, storeStackName, type RunStoreChoice } from "../run-store/open";
import type { PulumiAccess, StackSource } from "../stack";

export interface ProfileChoice {
  readonly profile?: LatencyProfile;
  readonly profileFile?: string;
  readonly runsDir?: string;
  readonly runStore?: RunStoreChoice;
  readonly access?: PulumiAccess;
}

export async function storedProfileOf(source: StackSource, model: Pick<ProtectionModel, "stack">, o: ProfileChoice): Promise<LatencyProfile> {
  if (o.profile !== undefined) return o.profile;
  if (o.profileFile !== undefined) return profileFor(model.stack, { file: o.profileFile });
  let store;
  try {
    store = await openRunStore(source, await storeStackName(source, model), o);
  } catch (err) {
    return { ...defaultProfile(), name: `defaults (the run store, where the stack's profile is kept, could not be opened: ${(err as Error).message})` };
  }
  try {
    return await profileFor(model.stack, { store });
  } finally {
    await store.close();
  }
}
