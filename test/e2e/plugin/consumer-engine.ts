// The real Pulumi engine, set up to run programs in other languages (Pulumi YAML, Go) that use the
// vmr provider plugin: the CLI and the language hosts built from Go modules
// (test/engine/build-pulumi*.sh), a local file backend and a private PULUMI_HOME in a temporary
// directory, and nothing downloaded.

import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse, stringify } from "yaml";

export const REPO_ROOT = path.resolve(__dirname, "..", "..", "..", "..");

export interface EngineRun {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface ConsumerProject {
  /** The program's directory (a copy of the example, plugin path pointing at this repo). */
  readonly dir: string;
  /** Temporary root holding the backend, PULUMI_HOME and the program. */
  readonly root: string;
  readonly env: NodeJS.ProcessEnv;
  pulumi(args: readonly string[], extraEnv?: NodeJS.ProcessEnv): EngineRun;
  /** `pulumi ...` that must succeed; throws with the output otherwise. */
  ok(args: readonly string[]): string;
  remove(): void;
}

function buildRoot(script: string): string {
  const run = spawnSync("bash", [path.join(REPO_ROOT, "test", "engine", script)], { encoding: "utf8" });
  if (run.status !== 0) throw new Error(`${script} failed:\n${run.stderr}`);
  return run.stdout.trim().split("\n").pop() as string;
}

export interface Toolchain {
  /** Holds bin/pulumi and bin/pulumi-language-nodejs. */
  readonly cli: string;
  /** Each holds bin/pulumi-language-<language>. */
  readonly hosts: readonly string[];
}

/** The CLI and the language hosts of the given languages, built once and cached. */
export function buildToolchain(languages: readonly ("yaml" | "go")[] = ["yaml"]): Toolchain {
  return { cli: buildRoot("build-pulumi.sh"), hosts: languages.map((l) => buildRoot(`build-pulumi-${l}.sh`)) };
}

/** An example under examples/ by directory name, or a program given as a Pulumi.yaml document. */
export type ProgramSource = { readonly example: string } | { readonly program: Record<string, unknown> };

/**
 * Copies a program into a temporary directory, pointing its `vmr` plugin path at this
 * repository, and returns an engine bound to it.
 */
export function consumerProject(source: ProgramSource, toolchain = buildToolchain(), extraEnv: NodeJS.ProcessEnv = {}): ConsumerProject {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "vmr-plugin-e2e-"));
  const dir = path.join(root, "program");
  fs.mkdirSync(dir);
  fs.mkdirSync(path.join(root, "backend"));
  fs.mkdirSync(path.join(root, "home"));
  if ("example" in source) {
    const from = path.join(REPO_ROOT, "examples", source.example);
    fs.cpSync(from, dir, { recursive: true, filter: (f) => !/Pulumi\.[^.]+\.yaml$/.test(path.basename(f)) });
  }
  const project = "example" in source ? parse(fs.readFileSync(path.join(dir, "Pulumi.yaml"), "utf8")) : structuredClone(source.program);
  // A program without a `plugins` key gets the repo as the vmr plugin's path; `plugins: {}` gets none.
  if (!("plugins" in project)) project.plugins = { providers: [{ name: "vmr", path: REPO_ROOT }] };
  for (const p of project.plugins?.providers ?? []) if (p.name === "vmr") p.path = REPO_ROOT;
  fs.writeFileSync(path.join(dir, "Pulumi.yaml"), stringify(project));

  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PULUMI_SKIP_UPDATE_CHECK: "true",
    PULUMI_BACKEND_URL: `file://${path.join(root, "backend")}`,
    PULUMI_CONFIG_PASSPHRASE: "",
    PULUMI_HOME: path.join(root, "home"),
    PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
    ...extraEnv,
    // extraEnv.PATH is put in front of the toolchain's directories, not in their place.
    PATH: [extraEnv.PATH, ...toolchain.hosts.map((h) => path.join(h, "bin")), path.join(toolchain.cli, "bin"), process.env.PATH].filter(Boolean).join(path.delimiter),
  };
  const pulumi = (args: readonly string[], moreEnv: NodeJS.ProcessEnv = {}): EngineRun => {
    const run = spawnSync("pulumi", [...args, "--non-interactive"], { cwd: dir, env: { ...env, ...moreEnv }, encoding: "utf8", timeout: 480_000 });
    return { status: run.status, stdout: run.stdout ?? "", stderr: run.stderr ?? "" };
  };
  return {
    dir,
    root,
    env,
    pulumi,
    ok(args) {
      const run = pulumi(args);
      if (run.status !== 0) throw new Error(`pulumi ${args.join(" ")} exited ${run.status}:\n${run.stdout}\n${run.stderr}`);
      return run.stdout;
    },
    remove() {
      fs.rmSync(root, { recursive: true, force: true });
    },
  };
}

/**
 * The stack's latency profile fitted the way an operator does it: `vmr drill` of
 * examples/drills/site-loss.yaml in the stack's own run store (exit 0, or 1 when its seeded
 * latencies breach a budget), then `vmr calibrate --min-samples 2` (a small example measures a
 * few steps per operation), then a `pulumi refresh`. Returns calibrate's output.
 */
export function calibrateFromDrill(project: ConsumerProject, stack = "dev"): string {
  const vmr = (args: string[]) => spawnSync(process.execPath, [path.join(REPO_ROOT, "bin", "provider", "cli", "main.js"), ...args, "--stack", stack, "--cwd", project.dir], { env: project.env, encoding: "utf8" });
  const drill = vmr(["drill", "--drill-file", path.join(REPO_ROOT, "examples", "drills", "site-loss.yaml")]);
  assert.ok(drill.status === 0 || drill.status === 1, `${drill.stdout}\n${drill.stderr}`);
  const calibrated = vmr(["calibrate", "--min-samples", "2"]);
  assert.equal(calibrated.status, 0, `${calibrated.stdout}\n${calibrated.stderr}`);
  project.ok(["refresh", "--yes", "--skip-preview"]);
  return calibrated.stdout;
}
