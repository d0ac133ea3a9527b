import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as sinon from "sinon";
import { VirtualClock } from "../../../provider/clock";
import { AdapterError } from "../../../provider/errors";
import { createInMemorySimulator, generateTopology } from "../../../provider/adapters/simulator";
import { simFailHost } from "../../../provider/adapters/simulator/control";
import { MemoryJournal } from "../../../provider/executor/journal/file-journal";
import { redact } from "../../../provider/executor/redact";
import { runPlan } from "../../../provider/executor/run";
import { hostFailoverPlan, plan, step } from "./plans";

const noAdapters = {
  compute: { limits: async () => ({}) },
  storage: { limits: async () => ({}) },
} as never;

describe("executor hooks and secrets", () => {
  let sandbox: sinon.SinonSandbox;
  let dir: string;
  beforeEach(() => {
    sandbox = sinon.createSandbox();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "vmr-hook-"));
  });
  afterEach(() => {
    sandbox.restore();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("runs a hook with an argument array (no shell) and tells it what it runs for", async () => {
    // GIVEN a hook whose argument holds shell syntax, writing its arguments and environment
    const out = path.join(dir, "out.json");
    const script = `require("fs").writeFileSync(${JSON.stringify(out)}, JSON.stringify({ argv: process.argv.slice(1), run: process.env.VMR_RUN_ID, step: process.env.VMR_STEP_ID, lpar: process.env.VMR_LPAR }))`;
    const p = plan([step("hook:post", { kind: "RunHook", lpar: "lpar-1", params: { command: [process.execPath, "-e", script, "$(touch pwned); echo"] } })]);
    // WHEN it runs
    const result = await runPlan(p, noAdapters, { runId: "r-hook" });
    // THEN the argument arrived verbatim, nothing was interpreted by a shell, and VMR_* were set
    assert.equal(result.steps[0].status, "done");
    assert.deepEqual(JSON.parse(fs.readFileSync(out, "utf8")), { argv: ["$(touch pwned); echo"], run: "r-hook", step: "hook:post", lpar: "lpar-1" });
    assert.ok(!fs.existsSync("pwned"));
  });

  it("fails a hook that exits non-zero or runs past its time limit, with the reason", async () => {
    const p = plan([
      step("exits", { kind: "RunHook", params: { command: [process.execPath, "-e", "console.error('db not ready'); process.exit(3)"] } }),
      step("hangs", { kind: "RunHook", params: { command: [process.execPath, "-e", "setTimeout(() => {}, 60000)"], timeoutSeconds: 0.3 } }),
    ]);
    const result = await runPlan(p, noAdapters);
    const [exits, hangs] = result.steps;
    assert.equal(exits.status, "failed");
    assert.equal(exits.error?.kind, "hook");
    assert.match(exits.error!.message, /exited with 3: db not ready/);
    assert.equal(hangs.status, "failed");
    assert.match(hangs.error!.message, /was killed \(SIGKILL; time limit 0\.3 s\)/);
  });

  it("masks credentials in error messages before they reach the journal", async () => {
    // GIVEN an adapter error that quotes a URL with a password and a token header
    const topology = generateTopology({ sites: 2, hostsPerSite: 2, lparsPerHost: 1, lunsPerLpar: 1 });
    const clock = new VirtualClock();
    const sim = createInMemorySimulator(topology, { clock });
    await simFailHost("sys-a-01", { store: sim.store });
    const p = hostFailoverPlan(topology, "sys-a-01", ["sys-a-02"]);
    sandbox.stub(sim.compute, "fenceLpar").rejects(new AdapterError("fatal", "fenceLpar", "x", "PUT https://hscroot:Pa55w0rd@hmc1:12443/rest failed; X-API-Session: abc123secret; password=hunter2"));
    const journal = new MemoryJournal();
    // WHEN the run journals the failure
    await runPlan(p, sim, { clock, journal });
    // THEN none of the secrets is in the journal, and the message still says what failed
    const text = JSON.stringify(journal.records);
    for (const secret of ["Pa55w0rd", "abc123secret", "hunter2"]) assert.ok(!text.includes(secret), `${secret} in the journal`);
    assert.match(text, /PUT https:\/\/hscroot:\*\*\*@hmc1:12443\/rest failed/);
  });

  it("redacts the usual forms of credentials", () => {
    assert.equal(redact('{"password": "x1", "user": "u"}'), '{"password": ***, "user": "u"}');
    assert.equal(redact("Authorization: Bearer eyJhbGciOi.x.y"), "Authorization: ***");
    assert.equal(redact("X-Auth-Token: t0k3n next"), "X-Auth-Token: *** next");
    assert.equal(redact("nothing secret here"), "nothing secret here");
  });
});
