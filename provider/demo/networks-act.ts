// The demo's second act: examples/networks through the real engine. Its two sites use different
// VLAN IDs, switch names and subnets; after site A is lost, `vmr failover` restarts each VM at
// site B on the mapped switch and VLANs, read back from the simulator's state, with the new
// address the NetworkMapping gives it (its post hook receives it as JSON).

import * as path from "path";
import { LocalWorkspace } from "@pulumi/pulumi/automation";
import { openSimulator } from "../adapters/simulator";
import { simFailSite, simInit } from "../adapters/simulator/control";
import { engineEnv, prepareProgram } from "../engine/pulumi-cli";
import { failover } from "../recovery/recover";
import type { PulumiAccess } from "../stack";

const STACK = "demo-networks";

/** One recovered VM as the simulator holds it after the failover, with the address it was given. */
export interface NetworkedVm {
  readonly lpar: string;
  readonly system: string;
  /** switch/VLAN pairs of its adapters now (simulator state). */
  readonly vlans: readonly string[];
  /** `from -> to` of its first adapter's address, as handed to the post hook. */
  readonly address?: string;
}

export interface NetworksActResult {
  readonly status: string;
  readonly vms: readonly NetworkedVm[];
  readonly destroyed: boolean;
}

export async function networksAct(options: {
  root: string;
  dir: string;
  cliRoot: string;
  pulumiCommand: NonNullable<PulumiAccess["pulumiCommand"]>;
  keep: boolean;
  step: (message: string) => void;
  detail: (line: string) => void;
}): Promise<NetworksActResult> {
  const { root, dir, step, detail } = options;
  const example = path.join(root, "examples", "networks");
  const stateDir = path.join(dir, "sim-networks");
  await simInit({ topology: path.join(example, "topology.yaml"), stateDir, force: true });
  const envVars = engineEnv({ cliRoot: options.cliRoot, backendDir: path.join(dir, "pulumi-state"), homeDir: path.join(dir, "pulumi-home"), extra: { VMR_SIM_STATE: stateDir } });
  const access: PulumiAccess = { pulumiCommand: options.pulumiCommand, envVars };
  const program = prepareProgram(example, path.join(dir, "program-networks"));
  const stack = await LocalWorkspace.createOrSelectStack({ stackName: STACK, workDir: program }, { pulumiCommand: options.pulumiCommand, envVars });
  await stack.setConfig("simStateDir", { value: stateDir });
  const lines = (text: string) => text.split("\n").filter((l) => l.trim()).forEach(detail);
  step("examples/networks, pulumi up: a NetworkMapping between sites with other VLAN IDs (110-130 -> 210-230), switches and subnets");
  await stack.up({ onOutput: lines, color: "never" });
  let destroyed = false;
  try {
    step("site A is lost (simulated); vmr failover restarts its VMs at site B on the mapped VLANs, with their new addresses");
    await simFailSite("site-a", { stateDir });
    const outcome = await failover({ stack: STACK, cwd: program, access, failedSite: "site-a", runsDir: path.join(dir, "runs-networks"), refresh: false });
    const addresses = new Map(outcome.plan.placements.map((p) => [p.lpar, p.network?.addresses[0]]));
    const sim = await openSimulator({ stateDir });
    let vms: NetworkedVm[];
    try {
      const moved = new Set(outcome.plan.placements.map((p) => p.lpar));
      vms = (await sim.compute.inventory()).lpars
        .filter((l) => moved.has(l.id))
        .map((l) => {
          const a = addresses.get(l.id);
          return {
            lpar: l.id,
            system: l.host,
            vlans: (l.adapters ?? []).flatMap((x) => [x.pvid, ...(x.taggedVlans ?? [])].map((v) => `${x.switch}/${v}`)),
            ...(a ? { address: `${a.from ?? "?"} -> ${a.address}` } : {}),
          };
        });
    } finally {
      await sim.close();
    }
    return { status: outcome.run?.status ?? "not run", vms, destroyed: await destroy() };
  } catch (err) {
    if (!destroyed) await destroy();
    throw err;
  }

  async function destroy(): Promise<boolean> {
    if (options.keep) return false;
    step("pulumi destroy: removing the networks stack");
    await stack.destroy({ onOutput: lines, color: "never" });
    await stack.workspace.removeStack(STACK);
    destroyed = true;
    return true;
  }
}
