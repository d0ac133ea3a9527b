// The real Pulumi engine for end-to-end tests: the CLI (built from Go modules by
// test/engine/build-pulumi.sh, or a compatible `pulumi` on PATH), the dynamic-provider plugin on
// a per-run PATH entry, an offline environment and a temporary file backend.

import { spawn, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { PulumiCommand } from "@pulumi/pulumi/automation";

export const REPO_ROOT = path.resolve(__dirname, "..", "..", "..");
const MIN_VERSION = [3, 248, 0];

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

function versionOk(text: string): boolean {
  const m = /v?(\d+)\.(\d+)\.(\d+)/.exec(text);
  if (!m) return false;
  const v = m.slice(1).map(Number);
  for (let i = 0; i < 3; i++) if (v[i] !== MIN_VERSION[i]) return v[i] > MIN_VERSION[i];
  return true;
}

/** A `pulumi` on PATH that is new enough, with its language host beside it; else undefined. */
function pulumiOnPath(): string | undefined {
  const which = spawnSync("sh", ["-c", "command -v pulumi"], { encoding: "utf8" });
  const bin = which.stdout.trim();
  if (which.status !== 0 || !bin) return undefined;
  const version = spawnSync(bin, ["version"], { encoding: "utf8", env: { ...process.env, PULUMI_SKIP_UPDATE_CHECK: "true" } });
  if (version.status !== 0 || !versionOk(version.stdout)) return undefined;
  const binDir = path.dirname(fs.realpathSync(bin));
  if (!fs.existsSync(path.join(binDir, "pulumi-language-nodejs"))) return undefined;
  return path.dirname(binDir);
}

/** The directory holding bin/pulumi and bin/pulumi-language-nodejs, building them once if needed. */
export function ensurePulumiCli(): string {
  const fromPath = pulumiOnPath();
  if (fromPath) return fromPath;
  const built = spawnSync("bash", [path.join(REPO_ROOT, "test", "engine", "build-pulumi.sh")], { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] });
  if (built.status !== 0) throw new Error(`building the Pulumi CLI failed (exit ${built.status})`);
  return built.stdout.trim().split("\n").pop()!;
}

function linkNodeModules(programDir: string): void {
  const nm = path.join(programDir, "node_modules");
  fs.rmSync(nm, { recursive: true, force: true });
  fs.mkdirSync(nm, { recursive: true });
  // The package under test as a consumer sees it ("file:../.."), and the one @pulumi/pulumi.
  fs.symlinkSync(REPO_ROOT, path.join(nm, "pulumi-vm-recovery"), "dir");
  fs.symlinkSync(path.join(REPO_ROOT, "node_modules", "@pulumi"), path.join(nm, "@pulumi"), "dir");
}

function copyProgram(source: string, target: string): void {
  fs.cpSync(source, target, {
    recursive: true,
    filter: (src) => !["node_modules", "bin", ".pulumi"].includes(path.basename(src)) && !/Pulumi\.[^.]+\.yaml$/.test(path.basename(src)),
  });
}

export function startEngine(): Engine {
  const root = ensurePulumiCli();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "vmr-e2e-"));
  const backend = path.join(dir, "backend");
  const home = path.join(dir, "pulumi-home");
  const plugins = path.join(dir, "plugins");
  for (const d of [backend, home, plugins]) fs.mkdirSync(d, { recursive: true });
  // The dynamic-provider plugin ships in @pulumi/pulumi; link it into a per-run directory on PATH.
  fs.symlinkSync(
    path.join(REPO_ROOT, "node_modules", "@pulumi", "pulumi", "pulumi-resource-pulumi-nodejs"),
    path.join(plugins, "pulumi-resource-pulumi-nodejs"),
  );
  const env: Record<string, string> = {
    ...(process.env as Record<string, string>),
    PATH: [plugins, path.join(root, "bin"), process.env.PATH ?? ""].join(path.delimiter),
    PULUMI_SKIP_UPDATE_CHECK: "true",
    PULUMI_BACKEND_URL: `file://${backend}`,
    PULUMI_CONFIG_PASSPHRASE: "",
    PULUMI_HOME: home,
    PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
    PULUMI_NODEJS_TRANSPILE_ONLY: "true",
    NO_COLOR: "1",
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
      const target = path.join(dir, "programs", name);
      copyProgram(source, target);
      linkNodeModules(target);
      return target;
    },
    writeProgram(name, files) {
      const target = path.join(dir, "programs", name);
      for (const [file, text] of Object.entries(files)) {
        fs.mkdirSync(path.dirname(path.join(target, file)), { recursive: true });
        fs.writeFileSync(path.join(target, file), text);
      }
      linkNodeModules(target);
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
