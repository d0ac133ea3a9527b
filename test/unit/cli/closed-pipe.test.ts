// Output to a reader that went away (`vmr ... | head`, a pager quit early) ends quietly: no EPIPE
// stack trace, and the command's own exit code.
import { strict as assert } from "assert";
import { spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { smallDatacenter, type Datacenter } from "../recovery/stack-fixture";

const MAIN = path.resolve(__dirname, "..", "..", "..", "provider", "cli", "main.js");

/** Runs vmr with its stdout a pipe whose reading end is closed before vmr writes a byte. */
function withClosedStdout(args: string[]): Promise<{ status: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [MAIN, ...args], { stdio: ["ignore", "pipe", "pipe"] });
    child.stdout.destroy();
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("error", reject);
    child.on("close", (status) => resolve({ status, stderr }));
  });
}

describe("output to a closed pipe", function () {
  this.timeout(30_000);
  let dc: Datacenter;
  before(async () => {
    dc = await smallDatacenter(fs.mkdtempSync(path.join(os.tmpdir(), "vmr-pipe-")));
  });
  after(() => fs.rmSync(dc.dir, { recursive: true, force: true }));

  for (const args of [["failover", "--help"], ["--help"]]) {
    it(`vmr ${args.join(" ")} ends quietly with exit 0`, async () => {
      const r = await withClosedStdout(args);
      assert.equal(r.stderr, "");
      assert.equal(r.status, 0);
    });
  }

  it("vmr plan --json ends quietly with the plan's own exit code", async () => {
    const r = await withClosedStdout(["plan", "--stack-file", dc.stackFile, "--failed-site", "site-a", "--json"]);
    assert.doesNotMatch(r.stderr, /EPIPE|Error/);
    assert.equal(r.status, 0);
  });

  it("a bad-input error still exits 2 with its message on stderr", async () => {
    const r = await withClosedStdout(["plan", "--stack-file", dc.stackFile, "--failed-host", "no-such-host", "--json"]);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /no-such-host/);
    assert.doesNotMatch(r.stderr, /EPIPE/);
  });
});
