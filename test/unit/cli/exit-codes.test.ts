// Every exit code `vmr` documents is the one it returns: the README's table and `vmr --help`
// list exactly provider/cli/exit-codes.ts, and real commands end with the code their outcome names.
import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { acquireStackLock } from "../../../provider/executor/lock";
import { EXIT_CODES, exitCode } from "../../../provider/cli/exit-codes";
import { exitCodeFor } from "../../../provider/cli/main";
import { DamagedFileError, ExecutionError, LockHeldError, ValidationError } from "../../../provider/errors";
import { smallDatacenter, type Datacenter } from "../recovery/stack-fixture";

const ROOT = path.resolve(__dirname, "..", "..", "..", "..");
const MAIN = path.join(ROOT, "bin", "provider", "cli", "main.js");

function vmr(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [MAIN, ...args], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe("exit codes", function () {
  this.timeout(30_000);
  let dc: Datacenter;
  before(async () => {
    dc = await smallDatacenter(fs.mkdtempSync(path.join(os.tmpdir(), "vmr-exit-")));
  });
  after(() => fs.rmSync(dc.dir, { recursive: true, force: true }));

  it("the README's table lists every code with the meaning exit-codes.ts gives it, and nothing else", () => {
    const readme = fs.readFileSync(path.join(ROOT, "README.md"), "utf8");
    const rows = [...readme.matchAll(/^\| (\d+) \| ([^|]+) \| (.+) \|$/gm)].map((m) => ({ code: Number(m[1]), name: m[2].trim(), meaning: m[3].trim() }));
    assert.deepEqual(rows, EXIT_CODES.map((e) => ({ code: e.code, name: e.name, meaning: e.meaning })));
  });

  it("`vmr --help` ends with every code and its meaning", () => {
    const r = vmr(["--help"]);
    assert.equal(r.status, 0, r.stderr);
    for (const e of EXIT_CODES) assert.ok(r.stdout.includes(`${e.code}  ${e.name}: ${e.meaning}`), `code ${e.code} missing from --help`);
  });

  it("each error kind maps to its documented code", () => {
    assert.equal(exitCodeFor(new ValidationError("flags", [{ path: "--x", message: "bad" }])), exitCode("bad input"));
    assert.equal(exitCodeFor(new DamagedFileError("f", "line 1, column 2", "truncated", "rebuild it")), exitCode("bad input"));
    assert.equal(exitCodeFor(new LockHeldError("stack dev", "pid 1")), exitCode("locked"));
    assert.equal(exitCodeFor(new ExecutionError("3 steps failed")), exitCode("failed"));
    assert.equal(exitCodeFor(new TypeError("cannot read properties of undefined")), exitCode("internal error"));
  });

  it("real commands return 0, 1, 2 and 3 as documented", async () => {
    const plan = ["plan", "--stack-file", dc.stackFile, "--failed-host", "sys-a-01"];
    assert.equal(vmr(plan).status, 0, "a plan that can be made is ok");
    assert.equal(vmr([...plan, "--no-such-flag"]).status, 2, "an unknown flag is bad input");
    assert.equal(vmr(["plan", "--stack-file", path.join(dc.dir, "missing.json")]).status, 2, "a missing stack file is bad input");
    // a stack whose budget no restart can meet: `vmr check` runs and the outcome is bad
    const strict = JSON.parse(fs.readFileSync(dc.stackFile, "utf8"));
    for (const r of strict.deployment.resources) if (r.type.endsWith(":ProtectionGroup")) r.outputs.rtoBudgetSeconds = 1;
    const strictFile = path.join(dc.dir, "strict.json");
    fs.writeFileSync(strictFile, JSON.stringify(strict));
    assert.equal(vmr(["check", "--stack-file", strictFile]).status, 1, "check with a breached budget fails");
    const runs = path.join(dc.dir, "runs");
    const lock = await acquireStackLock(runs, "dev", { runId: "20260101T000000Z-dddddd", purpose: "failover" });
    try {
      assert.equal(vmr(["failover", "--stack-file", dc.stackFile, "--failed-host", "sys-a-01", "--runs-dir", runs, "--yes"]).status, 3, "a held lock");
    } finally {
      await lock.release();
    }
  });
});
