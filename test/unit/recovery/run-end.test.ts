// What a failover leaves when it ends, and what it does when the stack's previous run did not
// end: the recovery functions behind `vmr failover` on a simulator state directory and a stack
// file.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as sinon from "sinon";
import { openSimulator } from "../../../provider/adapters/simulator";
import { simFailHost, simSetFaults } from "../../../provider/adapters/simulator/control";
import { UnfinishedRunError, ValidationError } from "../../../provider/errors";
import { readJournal } from "../../../provider/executor/journal/read-journal";
import { RunStoppedError } from "../../../provider/executor/run";
import { latestUnfinishedRun, listRuns } from "../../../provider/executor/run-store";
import type { RunDiscarded } from "../../../provider/generated/journal";
import type { RunReport } from "../../../provider/generated/report";
import { failover, resumeRecovery } from "../../../provider/recovery/recover";
import * as reportModule from "../../../provider/report/report";
import { validate } from "../../../provider/validation";
import { smallDatacenter, type Datacenter } from "./stack-fixture";

async function world(stateDir: string) {
  const sim = await openSimulator({ stateDir });
  try {
    return { compute: await sim.compute.inventory(), storage: await sim.storage.inventory() };
  } finally {
    await sim.close();
  }
}

function readReport(file: string): RunReport {
  return JSON.parse(fs.readFileSync(file, "utf8")) as RunReport;
}

describe("recovery functions: the end of a run and an interrupted previous run", function () {
  this.timeout(20_000);
  let dc: Datacenter;
  let runsDir: string;
  let sandbox: sinon.SinonSandbox;
  let affected: string[];
  beforeEach(async () => {
    sandbox = sinon.createSandbox();
    dc = await smallDatacenter(fs.mkdtempSync(path.join(os.tmpdir(), "vmr-run-end-")), 0.0002);
    runsDir = path.join(dc.dir, "runs");
    await simFailHost("sys-a-01", { stateDir: dc.stateDir });
    affected = dc.topology.lpars.filter((l) => l.host === "sys-a-01").map((l) => l.id);
  });
  afterEach(() => {
    sandbox.restore();
    fs.rmSync(dc.dir, { recursive: true, force: true });
  });

  /**
   * A failover stopped once its first step completed, with its journal then cut just before the
   * last completion: what kill -9 leaves after a step's intent was fsync'd and its effect took
   * place, but before its completion was written.
   */
  async function interruptedFailover(): Promise<{ runId: string; startedAt: string; inFlight: string }> {
    const stop = new AbortController();
    await assert.rejects(
      failover({ stackFile: dc.stackFile, runsDir, failedHosts: ["sys-a-01"], signal: stop.signal, onEvent: (e) => e.type === "step-completed" && stop.abort("test") }),
      RunStoppedError,
    );
    const [run] = listRuns(runsDir);
    const lines = fs.readFileSync(run.journalFile, "utf8").split("\n");
    let last = lines.length - 1;
    while (last > 0 && !lines[last].includes('"type":"step-completed"')) last--;
    fs.writeFileSync(run.journalFile, `${lines.slice(0, last).join("\n")}\n`);
    return { runId: run.runId, startedAt: run.startedAt, inFlight: (JSON.parse(lines[last]) as { stepId: string }).stepId };
  }

  it("writes the report (JSON, Markdown, HTML) into the run's directory when the run ends", async () => {
    // GIVEN sys-a-01 failed WHEN its LPARs are failed over
    const outcome = await failover({ stackFile: dc.stackFile, runsDir, failedHosts: ["sys-a-01"] });
    // THEN the report files are in the run's directory, as `vmr report RUN` writes them
    assert.equal(outcome.run?.status, "succeeded");
    assert.deepEqual(outcome.report, {
      json: path.join(outcome.run.runDir, "report.json"),
      md: path.join(outcome.run.runDir, "report.md"),
      html: path.join(outcome.run.runDir, "report.html"),
    });
    for (const file of Object.values(outcome.report)) assert.ok(fs.statSync(file).size > 0, file);
    // AND the JSON report matches its schema and names every VM of the run
    const report = readReport(outcome.report.json);
    assert.deepEqual(validate("report", report), []);
    assert.equal(report.runId, outcome.run.runId);
    assert.equal(report.status, "succeeded");
    assert.deepEqual(report.vms.map((v) => v.lpar).sort(), [...affected].sort());
    assert.match(fs.readFileSync(outcome.report.md, "utf8"), new RegExp(`^# Failover ${outcome.run.runId} of stack \`dev\`: succeeded`));
  });

  it("writes the report of a run whose VMs did not all recover, and of a resumed run", async () => {
    // GIVEN the remote restart of one LPAR always fails
    const [broken] = affected;
    await simSetFaults({ permanent: [`remoteRestart:${broken}`] }, { stateDir: dc.stateDir });
    // WHEN the host is failed over
    const outcome = await failover({ stackFile: dc.stackFile, runsDir, failedHosts: ["sys-a-01"] });
    // THEN the run failed for that LPAR, and the report says so for every VM
    assert.equal(outcome.run?.status, "failed");
    const report = readReport(outcome.report!.json!);
    assert.deepEqual(validate("report", report), []);
    assert.equal(report.status, "failed");
    assert.deepEqual(report.vms.map((v) => v.lpar).sort(), [...affected].sort());
    assert.notEqual(report.vms.find((v) => v.lpar === broken)?.outcome, "recovered");
    // WHEN the fault is gone and the failed steps run again
    await simSetFaults({}, { stateDir: dc.stateDir });
    const resumed = await resumeRecovery({ stackFile: dc.stackFile, runsDir, runId: outcome.run.runId, retryFailed: true });
    // THEN the report is rewritten: every VM recovered
    assert.equal(resumed.run?.status, "succeeded");
    assert.equal(resumed.report?.json, outcome.report?.json);
    assert.equal(readReport(resumed.report!.json!).status, "succeeded");
  });

  it("keeps a successful run successful when its report cannot be written, and says why", async () => {
    // GIVEN writing the report fails
    sandbox.stub(reportModule, "report").rejects(new Error("disk full"));
    // WHEN the host is failed over
    const outcome = await failover({ stackFile: dc.stackFile, runsDir, failedHosts: ["sys-a-01"] });
    // THEN the run succeeded, has no report, and the outcome says why
    assert.equal(outcome.run?.status, "succeeded");
    assert.equal(outcome.report, undefined);
    assert.equal(outcome.reportError, "disk full");
  });

  it("refuses a fresh failover after an interrupted one, naming it, and changes nothing; --resume finishes it", async () => {
    // GIVEN a failover of the stack interrupted with a step in flight
    const { runId, startedAt, inFlight } = await interruptedFailover();
    const before = await world(dc.stateDir);
    // WHEN a fresh failover of the stack is asked for
    await assert.rejects(failover({ stackFile: dc.stackFile, runsDir, failedHosts: ["sys-a-01"] }), (err: unknown) => {
      // THEN it is refused as bad input, naming the run, when it started, and both ways out
      assert.ok(err instanceof UnfinishedRunError);
      assert.ok(err instanceof ValidationError);
      assert.deepEqual([err.stackName, err.runId, err.startedAt], ["dev", runId, startedAt]);
      assert.match(err.message, new RegExp(`stack dev has an interrupted run: ${runId} \\(failover, started ${startedAt}, 1 step begun without a journaled end\\)`));
      assert.match(err.message, new RegExp(`\`vmr failover --resume ${runId}\``));
      assert.match(err.message, new RegExp(`\`--discard-unfinished ${runId}\``));
      return true;
    });
    // AND nothing changed: not the datacenter, not the runs
    assert.deepEqual(await world(dc.stateDir), before);
    assert.deepEqual(listRuns(runsDir).map((r) => [r.runId, r.finished]), [[runId, undefined]]);
    // WHEN it is resumed THEN it finishes: the step in flight ran again, every VM recovered
    const resumed = await resumeRecovery({ stackFile: dc.stackFile, runsDir });
    assert.equal(resumed.run?.runId, runId);
    assert.equal(resumed.run?.status, "succeeded");
    const resumedRecord = readJournal(resumed.run.journalFile).records.find((r) => r.type === "run-resumed");
    assert.deepEqual(resumedRecord?.type === "run-resumed" && resumedRecord.interruptedSteps, [inFlight]);
    assert.deepEqual(resumed.run.vms.map((v) => v.status), affected.map(() => "recovered"));
    // AND a fresh run of the stack is no longer held back (there is nothing left to fail over)
    await assert.rejects(failover({ stackFile: dc.stackFile, runsDir, failedHosts: ["sys-a-01"] }), /nothing to fail over/);
  });

  it("--discard-unfinished records the abandonment in the interrupted run's journal, then runs afresh", async () => {
    // GIVEN an interrupted failover
    const { runId, inFlight } = await interruptedFailover();
    // WHEN the operator abandons it for a fresh failover
    const outcome = await failover({ stackFile: dc.stackFile, runsDir, failedHosts: ["sys-a-01"], discardUnfinished: runId });
    // THEN the fresh run recovers what was left
    assert.equal(outcome.run?.status, "succeeded");
    assert.equal(outcome.discarded, runId);
    // AND the old journal is kept, ending with the discard: the step in flight, the run that replaced it
    const records = readJournal(path.join(runsDir, runId, "journal.jsonl")).records;
    const last = records.at(-1) as RunDiscarded;
    assert.deepEqual([last.type, last.interruptedSteps, last.replacedBy], ["run-discarded", [inFlight], outcome.run.runId]);
    assert.deepEqual(validate("journal", last), []);
    // AND it is neither resumed by default nor on request
    assert.equal(latestUnfinishedRun(runsDir, "dev"), undefined);
    await assert.rejects(resumeRecovery({ stackFile: dc.stackFile, runsDir, runId }), new RegExp(`run ${runId} was discarded at .* for run ${outcome.run.runId}: it is not resumed`));
    assert.equal(listRuns(runsDir).find((r) => r.runId === runId)?.discarded?.replacedBy, outcome.run.runId);
  });

  it("--discard-unfinished refuses a run that is not an interrupted recovery of the stack, and changes nothing", async () => {
    // GIVEN a finished failover
    const done = await failover({ stackFile: dc.stackFile, runsDir, failedHosts: ["sys-a-01"] });
    const before = fs.readFileSync(done.run!.journalFile, "utf8");
    // WHEN it is named to be discarded, or a run that does not exist is
    await assert.rejects(
      failover({ stackFile: dc.stackFile, runsDir, failedHosts: ["sys-a-02"], discardUnfinished: done.run!.runId }),
      new RegExp(`\`--discard-unfinished\` ${done.run!.runId} is not an interrupted failover, planned move or failback of stack dev .*: it finished \\(succeeded\\)`),
    );
    await assert.rejects(failover({ stackFile: dc.stackFile, runsDir, failedHosts: ["sys-a-02"], discardUnfinished: "20990101T000000Z-000000" }), /there is no such run/);
    // THEN nothing ran and the journal is untouched
    assert.equal(listRuns(runsDir).length, 1);
    assert.equal(fs.readFileSync(done.run!.journalFile, "utf8"), before);
  });

  it("is not held back by an interrupted drill of the stack (drills have `vmr drill --cleanup`)", async () => {
    // GIVEN a drill of the stack whose journal stops after its first record
    const drillId = "20200101T000000Z-d0d0d0";
    fs.mkdirSync(path.join(runsDir, drillId), { recursive: true });
    const header = { type: "run-started", formatVersion: 1, runId: drillId, stack: "dev", timeMs: 0, wallTime: "2020-01-01T00:00:00.000Z", process: { pid: 1, host: "h" }, settings: { mode: "parallel", sla: "strict", limits: {}, seed: 1 }, plan: { kind: "drill", steps: [] } };
    fs.writeFileSync(path.join(runsDir, drillId, "journal.jsonl"), `${JSON.stringify(header)}\n`);
    // WHEN a failover of the stack runs THEN it is not refused
    const outcome = await failover({ stackFile: dc.stackFile, runsDir, failedHosts: ["sys-a-01"] });
    assert.equal(outcome.run?.status, "succeeded");
    // WHEN --resume is asked without a run id THEN the unfinished drill is not taken for a recovery
    await assert.rejects(resumeRecovery({ stackFile: dc.stackFile, runsDir }), (err: unknown) => {
      assert.ok(err instanceof ValidationError);
      assert.match(err.message, /no unfinished run of stack dev/);
      return true;
    });
    // WHEN the drill is named THEN it is refused, pointing at `vmr drill --cleanup`
    await assert.rejects(resumeRecovery({ stackFile: dc.stackFile, runsDir, runId: drillId }), (err: unknown) => {
      assert.ok(err instanceof ValidationError);
      assert.match(err.message, /is a drill: drills are not resumed; .*vmr drill --cleanup/);
      return true;
    });
  });
});
