// The real Pulumi engine for the demo and the end-to-end tests. No prebuilt Pulumi CLI can be
// downloaded on our machines, so test/engine/build-pulumi.sh builds it from Go modules into a cache
// outside the repo (minutes the first time, instant after). This module runs that script, and
// gives the environment that keeps the engine offline and local: a file backend, its own
// PULUMI_HOME, no update checks, no plugin downloads, the dynamic-provider plugin on PATH.

import { spawn, spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { PulumiCommand } from "@pulumi/pulumi/automation";

/** The repository root (holding package.json), found from this file in provider/ or bin/provider/. */
export function repoRoot(): string {
  let dir = __dirname;
  for (;;) {
    if (fs.existsSync(path.join(dir, "package.json")) && fs.existsSync(path.join(dir, "test", "engine", "build-pulumi.sh"))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`the repository root (with test/engine/build-pulumi.sh) is not above ${__dirname}: run this from a clone of the repository`);
    dir = parent;
  }
}

/** The oldest Pulumi CLI the project is tested with (the version build-pulumi.sh builds). */
const MIN_VERSION = [3, 248, 0];

function versionOk(text: string): boolean {
  const m = /v?(\d+)\.(\d+)\.(\d+)/.exec(text);
  if (!m) return false;
  const v = m.slice(1).map(Number);
  for (let i = 0; i < 3; i++) if (v[i] !== MIN_VERSION[i]) return v[i] > MIN_VERSION[i];
  return true;
}

/** A `pulumi` on PATH that is new enough, with its Node.js language host beside it: the directory above its bin/; else undefined. */
export function pulumiOnPath(): string | undefined {
  const which = spawnSync("sh", ["-c", "command -v pulumi"], { encoding: "utf8" });
  const bin = which.stdout.trim();
  if (which.status !== 0 || !bin) return undefined;
  const version = spawnSync(bin, ["version"], { encoding: "utf8", env: { ...process.env, PULUMI_SKIP_UPDATE_CHECK: "true" } });
  if (version.status !== 0 || !versionOk(version.stdout)) return undefined;
  const binDir = path.dirname(fs.realpathSync(bin));
  if (!fs.existsSync(path.join(binDir, "pulumi-language-nodejs"))) return undefined;
  return path.dirname(binDir);
}

export interface BuildOptions {
  /** Lines of the build script's progress (stderr). */
  readonly onLog?: (line: string) => void;
  readonly env?: NodeJS.ProcessEnv;
}

/**
 * A compatible Pulumi CLI on PATH, else the one build-pulumi.sh builds (or finds in its cache);
 * returns the directory holding bin/pulumi.
 */
export function buildPulumiCli(options: BuildOptions = {}): Promise<string> {
  const onPath = pulumiOnPath();
  if (onPath) return Promise.resolve(onPath);
  const script = path.join(repoRoot(), "test", "engine", "build-pulumi.sh");
  return new Promise((resolve, reject) => {
    const child = spawn("bash", [script], { stdio: ["ignore", "pipe", "pipe"], env: options.env ?? process.env });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => {
      stderr += d.toString();
      for (const line of d.toString().split("\n").filter(Boolean)) options.onLog?.(line);
    });
    child.on("error", reject);
    child.on("close", (code) => {
      const root = stdout.trim().split("\n").pop() ?? "";
      if (code === 0 && root && fs.existsSync(path.join(root, "bin", "pulumi"))) resolve(root);
      else reject(new Error(`building the Pulumi CLI failed (exit ${code}): ${stderr.trim().split("\n").slice(-5).join(" / ")}`));
    });
  });
}

/** The directory of the @pulumi/pulumi package, which ships the dynamic-provider plugin script. */
function sdkDir(): string {
  return path.dirname(require.resolve("@pulumi/pulumi/package.json"));
}

export interface EngineEnvOptions {
  /** Directory holding bin/pulumi. */
  readonly cliRoot: string;
  /** Where the file backend keeps stacks. */
  readonly backendDir: string;
  /** PULUMI_HOME (workspace settings, logs). */
  readonly homeDir: string;
  /** More variables for the engine and the program (simulator state dir...). */
  readonly extra?: Record<string, string>;
}

/** Environment for a local, offline engine. */
export function engineEnv(options: EngineEnvOptions): Record<string, string> {
  fs.mkdirSync(options.backendDir, { recursive: true });
  fs.mkdirSync(options.homeDir, { recursive: true });
  return {
    PATH: [path.join(options.cliRoot, "bin"), sdkDir(), process.env.PATH ?? ""].join(path.delimiter),
    PULUMI_HOME: options.homeDir,
    PULUMI_BACKEND_URL: `file://${path.resolve(options.backendDir)}`,
    PULUMI_CONFIG_PASSPHRASE: "",
    PULUMI_SKIP_UPDATE_CHECK: "true",
    PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
    PULUMI_AUTOMATION_API_SKIP_VERSION_CHECK: "true",
    PULUMI_SKIP_CONFIRMATIONS: "true",
    PULUMI_NODEJS_TRANSPILE_ONLY: "true",
    NO_COLOR: "1",
    ...(options.extra ?? {}),
  };
}

/**
 * A copy of a Pulumi program (such as examples/basic) whose node_modules resolve to this
 * repository, as `npm install` of its `file:../..` dependency would, but offline and instant: the
 * package itself and the one @pulumi/pulumi of the repository.
 */
export function prepareProgram(source: string, target: string): string {
  fs.rmSync(target, { recursive: true, force: true });
  fs.cpSync(source, target, {
    recursive: true,
    filter: (src) => !["node_modules", "bin", ".pulumi", ".vmr"].includes(path.basename(src)) && !/^Pulumi\.[^.]+\.yaml$/.test(path.basename(src)),
  });
  linkRepoModules(target);
  return target;
}

/** Gives a program directory a node_modules holding this repository's package and its @pulumi. */
export function linkRepoModules(programDir: string): void {
  const root = repoRoot();
  const nm = path.join(programDir, "node_modules");
  fs.rmSync(nm, { recursive: true, force: true });
  fs.mkdirSync(nm, { recursive: true });
  fs.symlinkSync(root, path.join(nm, "pulumi-vm-recovery"), "dir");
  fs.symlinkSync(path.join(root, "node_modules", "@pulumi"), path.join(nm, "@pulumi"), "dir");
}

/** The Automation API's handle on the built CLI. */
export function pulumiCommand(cliRoot: string): Promise<PulumiCommand> {
  return PulumiCommand.get({ root: cliRoot, skipVersionCheck: true });
}
