// `npm run demo` / `vmr demo`: the whole product on a laptop, through the real Pulumi engine.
// A simulated datacenter is initialised, examples/basic is deployed with `pulumi up`, a scripted
// drill (examples/drills/site-loss.yaml) rehearses losing site A, the report is written, and the
// stack is destroyed. Everything lives under one directory (default ./.vmr/demo), and the report
// stays there.

import * as fs from "fs";
import * as path from "path";
import { LocalWorkspace } from "@pulumi/pulumi/automation";
import { simInit } from "../adapters/simulator/control";
import { drill, type DrillResult } from "../drill/run";
import type { RunEvent } from "../executor/types";
import type { Plan } from "../generated/plan";
import { buildPulumiCli, engineEnv, prepareProgram, pulumiCommand, repoRoot } from "../engine/pulumi-cli";
import { networksAct, type NetworksActResult } from "./networks-act";
import { plural } from "../text";

export interface DemoOptions {
  /** Working directory of the demo (simulator state, Pulumi backend, runs, report). @default ./.vmr/demo */
  readonly dir?: string;
  /** @default examples/drills/site-loss.yaml */
  readonly drillFile?: string;
  /** Keep the stack deployed (skip `pulumi destroy`). @default false */
  readonly keep?: boolean;
  /**
   * Add a second act: examples/networks failed over to its other VLANs and subnets. Off by
   * default: it makes the demo about twice as long (measured 35 s -> 73 s).
   * @default false
   */
  readonly networks?: boolean;
  /** One line per step of the demo. */
  readonly onStep?: (message: string) => void;
  /** Detail lines (engine output, build log). */
  readonly onDetail?: (line: string) => void;
  readonly onPlan?: (plan: Plan) => void;
  readonly onEvent?: (event: RunEvent) => void;
}

export interface DemoResult {
  readonly dir: string;
  readonly drill: DrillResult;
  /** Resources the engine created. */
  readonly resources: number;
  readonly destroyed: boolean;
  /** The second act: examples/networks failed over (with `networks: true`). */
  readonly networks?: NetworksActResult;
}

const STACK = "demo";

export async function demo(options: DemoOptions = {}): Promise<DemoResult> {
  const step = options.onStep ?? (() => undefined);
  const detail = options.onDetail ?? (() => undefined);
  const root = repoRoot();
  const dir = path.resolve(options.dir ?? path.join(".vmr", "demo"));
  // A fresh start each time: a demo left half-way by an earlier run must not change this one.
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  const stateDir = path.join(dir, "sim");

  step("creating the simulated datacenter of examples/basic (2 sites, 6 POWER servers, 20 LPARs)");
  const sim = await simInit({ topology: path.join(root, "examples", "basic", "topology.yaml"), stateDir, force: true });
  detail(`${plural(sim.managedSystems, "managed system")}, ${plural(sim.lpars, "LPAR")}, ${plural(sim.volumes, "volume")}, ${plural(sim.consistencyGroups, "consistency group")} in ${stateDir}`);

  step("getting the Pulumi engine (the first run builds it from source: a few minutes)");
  const cliRoot = await buildPulumiCli({ onLog: detail });
  const envVars = engineEnv({ cliRoot, backendDir: path.join(dir, "pulumi-state"), homeDir: path.join(dir, "pulumi-home"), extra: { VMR_SIM_STATE: stateDir } });
  const command = await pulumiCommand(cliRoot);
  const access = { pulumiCommand: command, envVars };

  const program = prepareProgram(path.join(root, "examples", "basic"), path.join(dir, "program"));
  const stack = await LocalWorkspace.createOrSelectStack({ stackName: STACK, workDir: program }, { pulumiCommand: command, envVars });
  await stack.setConfig("simStateDir", { value: stateDir });
  step("pulumi up: declaring 3 protection groups, 2 recovery targets, 3 storage mappings");
  const up = await stack.up({ onOutput: (text) => text.split("\n").filter((l) => l.trim()).forEach(detail), color: "never" });
  const resources = Object.values(up.summary.resourceChanges ?? {}).reduce((a, b) => a + (b ?? 0), 0);
  let destroyed = false;
  let result: DrillResult;
  try {
    const drillFile = options.drillFile ?? path.join(root, "examples", "drills", "site-loss.yaml");
    step(`drill ${path.relative(root, drillFile)}: FlashCopy the replicas, start copies in an isolated network, verify, clean up`);
    result = await drill({
      source: { stack: STACK, cwd: program },
      access,
      drillFile,
      runsDir: path.join(dir, "runs"),
      reportDir: path.join(dir, "report"),
      onPhase: detail,
      onPlan: options.onPlan,
      onEvent: options.onEvent,
    });
  } finally {
    if (!options.keep) {
      step("pulumi destroy: removing the demo stack");
      await stack.destroy({ onOutput: (text) => text.split("\n").filter((l) => l.trim()).forEach(detail), color: "never" });
      await stack.workspace.removeStack(STACK);
      destroyed = true;
    }
  }
  const networks = options.networks !== true ? undefined : await networksAct({ root, dir, cliRoot, pulumiCommand: command, keep: options.keep ?? false, step, detail });
  return { dir, drill: result, resources, destroyed, ...(networks ? { networks } : {}) };
}
