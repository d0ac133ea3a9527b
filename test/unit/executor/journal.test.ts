import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { FileJournal } from "../../../provider/executor/journal/file-journal";
import { readJournal, replayJournal } from "../../../provider/executor/journal/read-journal";
import type { JournalRecord } from "../../../provider/executor/types";
import { plan, step } from "./plans";

const started: JournalRecord = {
  type: "run-started",
  formatVersion: 1,
  runId: "r1",
  timeMs: 0,
  wallTime: new Date(0).toISOString(),
  process: { pid: 1, host: "h" },
  settings: { mode: "parallel", sla: "strict", limits: {}, seed: 1 },
  plan: plan([step("a"), step("b")]),
};

describe("executor journal", () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "vmr-journal-"));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("appends JSON lines that read back in order, grouping appends of one turn", async () => {
    // GIVEN a journal WHEN records are appended in one turn and another
    const file = path.join(dir, "journal.jsonl");
    const j = new FileJournal(file);
    await Promise.all([j.append(started), j.append({ type: "step-started", stepId: "a", attempt: 1, timeMs: 1 })]);
    await j.append({ type: "step-completed", stepId: "a", startedMs: 1, timeMs: 2, attempts: 1, alreadyDone: false, output: { x: 1 } });
    await j.close();
    // THEN they read back, and replay says a is done with its output, b untouched
    const { records, tornTail } = readJournal(file);
    assert.equal(tornTail, false);
    assert.deepEqual(records.map((r) => r.type), ["run-started", "step-started", "step-completed"]);
    const state = replayJournal(records);
    assert.equal(state.steps.get("a")?.status, "done");
    assert.deepEqual(state.steps.get("a")?.output, { x: 1 });
    assert.equal(state.steps.get("b"), undefined);
  });

  it("ignores a torn last line when reading, and cuts it off before appending again", async () => {
    // GIVEN a journal whose last write was cut by a crash
    const file = path.join(dir, "journal.jsonl");
    fs.writeFileSync(file, `${JSON.stringify(started)}\n{"type":"step-sta`);
    // WHEN it is read THEN the torn line is reported and ignored
    assert.equal(readJournal(file).tornTail, true);
    assert.equal(readJournal(file).records.length, 1);
    // WHEN a writer reopens it and appends
    const j = new FileJournal(file);
    await j.append({ type: "step-started", stepId: "b", attempt: 1, timeMs: 5 });
    await j.close();
    // THEN the file holds two whole lines
    const { records, tornTail } = readJournal(file);
    assert.equal(tornTail, false);
    assert.deepEqual(records.map((r) => r.type), ["run-started", "step-started"]);
    assert.equal(replayJournal(records).steps.get("b")?.status, "started");
  });

  it("refuses a journal damaged in the middle, naming the line", () => {
    const file = path.join(dir, "journal.jsonl");
    fs.writeFileSync(file, `${JSON.stringify(started)}\nnot json\n{"type":"run-resumed"}\n`);
    assert.throws(() => readJournal(file), /journal\.jsonl is damaged at line 2: .*restore the file from a backup, or abandon the run/);
  });

  it("counts intents, so a step run again after a crash is visible", () => {
    const records: JournalRecord[] = [
      started,
      { type: "step-started", stepId: "a", attempt: 1, timeMs: 1 },
      { type: "run-resumed", timeMs: 10, wallTime: new Date(10).toISOString(), process: { pid: 2, host: "h" }, pendingSteps: 2 },
      { type: "step-started", stepId: "a", attempt: 1, timeMs: 11 },
      { type: "step-completed", stepId: "a", startedMs: 11, timeMs: 12, attempts: 1, alreadyDone: true },
    ];
    const a = replayJournal(records).steps.get("a")!;
    assert.equal(a.intents, 2);
    assert.equal(a.alreadyDone, true);
  });
});
