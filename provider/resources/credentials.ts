// HMC and SAN passwords must never reach the state in plain text, even when a program passes
// them as plain strings instead of Pulumi secrets: a connection that carries credentials is made
// a secret as a whole before it becomes a resource input. (Secretness then follows it into the
// outputs and into every ProtectionGroup that copies the target's connection.)

import * as pulumi from "@pulumi/pulumi";
import type { AdapterSettings } from "../generated/adapter-settings";

export function protectCredentials(adapter: pulumi.Input<AdapterSettings> | undefined): pulumi.Output<AdapterSettings | undefined> {
  const settings = pulumi.output(adapter) as pulumi.Output<AdapterSettings | undefined>;
  return settings.apply((a): pulumi.Output<AdapterSettings | undefined> => (a?.type === "hardware" ? pulumi.secret(a) : pulumi.output(a))) as pulumi.Output<AdapterSettings | undefined>;
}
