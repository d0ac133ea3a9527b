// The real Pulumi engine for end-to-end tests: the CLI (built from Go modules by
// test/engine/build-pulumi.sh, or a compatible `pulumi` on PATH), the dynamic-provider plugin on
// a per-run PATH entry, an offline environment and a temporary file backend.

import { spawn, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { PulumiCommand } from "@pulumi/pulumi/automation";
import { engineEnv, linkRepoModules, prepareProgram, pulumiOnPath } from "../../provider/engine/pulumi-cli";
import { simInit } from "../../provider/adapters/simulator/control";

export const REPO_ROOT = path.resolve(__dirname, "..", "..", "..");

export interface RunResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface Engine {
  /** Directory holding bin/pulumi (for PulumiCommand.get({ root })). */
  readonly root: string;
  /** Scratch directory of this run: backend, PULUMI_HOME, plugins, programs. */
  readonly dir: string;
  /** Environment for the CLI and the Automation API. */
  readonly env: Record<string, string>;
  /** Runs `pulumi ...args` in `cwd`; never throws on a non-zero exit. */
  pulumi(args: readonly string[], cwd: string): Promise<RunResult>;
  /** As `pulumi`, but throws with the output when the exit code is not 0. */
  pulumiOk(args: readonly string[], cwd: string): Promise<RunResult>;
  /** The Automation API's handle on this CLI. */
  command(): Promise<PulumiCommand>;
  /** Copies a program directory into the run and links its node_modules to this repository. */
  program(source: string, name?: string): string;
  /** Writes a program from files and links its node_modules. */
  writeProgram(name: string, files: Record<string, string>): string;
  /** Removes the scratch directory. */
  dispose(): void;
}

/** The directory holding bin/pulumi and bin/pulumi-language-nodejs, building them once if needed. */
/** The compiled `vmr` CLI. */
export const VMR_MAIN = path.join(REPO_ROOT, "bin", "provider", "cli", "main.js");

/** Runs `vmr ARGS` in `cwd` with the engine's environment; resolves with its exit code and output. */
export function runVmr(engine: Engine, cwd: string, args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [VMR_MAIN, ...args], { cwd, env: engine.env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

export function ensurePulumiCli(): string {
  const fromPath = pulumiOnPath();
  if (fromPath) return fromPath;
  const built = spawnSync("bash", [path.join(REPO_ROOT, "test", "engine", "build-pulumi.sh")], { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] });
  if (built.status !== 0) throw new Error(`building the Pulumi CLI failed (exit ${built.status})`);
  return built.stdout.trim().split("\n").pop()!;
}

export function startEngine(): Engine {
  const root = ensurePulumiCli();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "vmr-e2e-"));
  const env: Record<string, string> = {
    ...(process.env as Record<string, string>),
    ...engineEnv({ cliRoot: root, backendDir: path.join(dir, "backend"), homeDir: path.join(dir, "pulumi-home") }),
    // The per-user run store of this run's `vmr` commands, not the tester's own.
    VMR_STATE_HOME: path.join(dir, "vmr-state"),
  };
  delete env.PULUMI_ACCESS_TOKEN;

  const run = (args: readonly string[], cwd: string): Promise<RunResult> =>
    new Promise((resolve, reject) => {
      const child = spawn(path.join(root, "bin", "pulumi"), [...args, "--non-interactive"], { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (d) => (stdout += d));
      child.stderr.on("data", (d) => (stderr += d));
      child.on("error", reject);
      child.on("close", (code) => resolve({ code: code ?? -1, stdout, stderr }));
    });

  return {
    root,
    dir,
    env,
    pulumi: run,
    async pulumiOk(args, cwd) {
      const r = await run(args, cwd);
      if (r.code !== 0) throw new Error(`pulumi ${args.join(" ")} exited ${r.code}\n${r.stdout}\n${r.stderr}`);
      return r;
    },
    command: () => PulumiCommand.get({ root }),
    program(source, name = path.basename(source)) {
      return prepareProgram(source, path.join(dir, "programs", name));
    },
    writeProgram(name, files) {
      const target = path.join(dir, "programs", name);
      for (const [file, text] of Object.entries(files)) {
        fs.mkdirSync(path.dirname(path.join(target, file)), { recursive: true });
        fs.writeFileSync(path.join(target, file), text);
      }
      linkRepoModules(target);
      return target;
    },
    dispose() {
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The stack's state file in the file backend. */
export function stateFile(engine: Engine, project: string, stack: string): string {
  return path.join(engine.dir, "backend", ".pulumi", "stacks", project, `${stack}.json`);
}

/**
 * An example program on a fresh simulator: the simulator's state initialised from `topology`
 * (by default the example's own topology.yaml), the program copied, stack `dev` created and
 * pointed at the simulator, then `pulumi up` unless `up: false`.
 */
export async function deployExample(engine: Engine, example: string, options: { topology?: string; up?: boolean } = {}): Promise<{ dir: string; simDir: string }> {
  const simDir = path.join(engine.dir, "sim");
  await simInit({ topology: options.topology ?? path.join(example, "topology.yaml"), stateDir: simDir });
  const dir = engine.program(example);
  await engine.pulumiOk(["stack", "init", "dev"], dir);
  await engine.pulumiOk(["config", "set", "simStateDir", simDir], dir);
  if (options.up ?? true) await engine.pulumiOk(["up", "--yes", "--skip-preview"], dir);
  return { dir, simDir };
}
