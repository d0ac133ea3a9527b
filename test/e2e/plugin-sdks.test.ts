// schema.json makes valid SDKs: the Pulumi CLI's own code generators (pkg/v3/codegen, built into
// test/engine/sdk-gen) bind it and generate the Node.js, Python and Go SDKs, which then
// type-check, byte-compile and compile. (No Python, .NET or Java language host can be built here,
// so `pulumi package gen-sdk` itself cannot run; see docs/other-languages.md.)
import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

const REPO_ROOT = path.resolve(__dirname, "..", "..", "..");

function ok(command: string, args: readonly string[], cwd: string, env: NodeJS.ProcessEnv = process.env): string {
  const run = spawnSync(command, args, { cwd, env, encoding: "utf8", timeout: 480_000 });
  if (run.status !== 0) throw new Error(`${command} ${args.join(" ")} exited ${run.status}:\n${run.stdout}\n${run.stderr}`);
  return run.stdout;
}

describe("plugin: SDKs generated from schema.json", function () {
  let out: string;

  before(() => {
    const root = ok("bash", [path.join(REPO_ROOT, "test", "engine", "build-sdk-gen.sh")], REPO_ROOT).trim().split("\n").pop()!;
    out = fs.mkdtempSync(path.join(os.tmpdir(), "vmr-sdks-"));
    ok(path.join(root, "bin", "vmr-sdk-gen"), [path.join(REPO_ROOT, "schema.json"), out, "nodejs", "python", "go"], REPO_ROOT);
  });
  after(() => fs.rmSync(out, { recursive: true, force: true }));

  it("hold the three resources under their vmr:index tokens in every language", () => {
    const files: Record<string, string> = {
      "nodejs/recoveryTarget.ts": "export class RecoveryTarget extends pulumi.CustomResource",
      "nodejs/protectionGroup.ts": "'vmr:index:ProtectionGroup'",
      "python/pulumi_vmr/storage_mapping.py": "class StorageMapping(pulumi.CustomResource)",
      "python/pulumi_vmr/recovery_target.py": "'vmr:index:RecoveryTarget'",
      "go/vmr/protectionGroup.go": '"vmr:index:ProtectionGroup"',
    };
    for (const [file, expected] of Object.entries(files)) {
      assert.ok(fs.readFileSync(path.join(out, file), "utf8").includes(expected), `${file} holds ${expected}`);
    }
  });

  it("the Node.js SDK type-checks against @pulumi/pulumi", () => {
    const dir = path.join(out, "nodejs");
    fs.symlinkSync(path.join(REPO_ROOT, "node_modules"), path.join(dir, "node_modules"), "dir");
    ok(process.execPath, [path.join(REPO_ROOT, "node_modules", "typescript", "bin", "tsc"), "--noEmit", "-p", "tsconfig.json"], dir);
  });

  it("the Python SDK byte-compiles", () => {
    const dir = path.join(out, "python", "pulumi_vmr");
    const files = fs.readdirSync(dir).filter((f) => f.endsWith(".py"));
    assert.ok(files.length >= 6, files.join(", "));
    ok("python3", ["-m", "py_compile", ...files], dir);
  });

  it("the Go SDK compiles against the Pulumi Go SDK of the CLI's version", () => {
    const dir = path.join(out, "go", "vmr");
    const importPath = /"([^"]+)\/internal"/.exec(fs.readFileSync(path.join(dir, "init.go"), "utf8"))![1];
    fs.writeFileSync(path.join(dir, "go.mod"), `module ${importPath}\n\ngo 1.25\n\nrequire github.com/pulumi/pulumi/sdk/v3 v3.248.0\n`);
    fs.copyFileSync(path.join(REPO_ROOT, "examples", "go", "go.sum"), path.join(dir, "go.sum"));
    ok("go", ["build", "./..."], dir, { ...process.env, GOFLAGS: "-mod=mod", GOTOOLCHAIN: "local" });
  });
});
