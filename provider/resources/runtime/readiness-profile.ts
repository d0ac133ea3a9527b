// The latency profile the readiness RTO predicts with: the stack's own, calibrated by `vmr
// calibrate` or after a drill and kept in its run store (provider/live/profile.ts), found from
// the stack the group is declared in (`context.stack`) and the program's directory, which the
// provider runs in. Read once per provider process and stack: one `pulumi up` asks the Pulumi
// CLI for the stack's identity and run store once, not once per group. Whatever fails leaves the
// defaults, named with why (storedProfileOf): readiness never fails `up`.

import { storedProfileOf } from "../../live/profile";
import { defaultProfile, type LatencyProfile } from "../../predict/profile";

const profiles = new Map<string, Promise<LatencyProfile>>();

export function readinessProfile(stack: string | undefined, cwd: string = process.cwd()): Promise<LatencyProfile> {
  if (stack === undefined) return Promise.resolve(defaultProfile());
  const key = JSON.stringify([stack, cwd]);
  let profile = profiles.get(key);
  if (profile === undefined) {
    profile = storedProfileOf({ stack, cwd }, { stack }, {}).catch((err: unknown) => ({ ...defaultProfile(), name: `defaults (the stack's profile could not be read: ${(err as Error).message})` }));
    profiles.set(key, profile);
  }
  return profile;
}

/** Forgets the profiles read (tests that calibrate between two looks). */
export function forgetReadinessProfiles(): void {
  profiles.clear();
}
