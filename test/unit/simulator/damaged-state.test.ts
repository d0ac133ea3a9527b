// Damaged files the tool reads (a disk fault or a copy tool, not our own atomic writer): the
// simulator rebuilds a damaged snapshot from the generation before it and says so; when it
// cannot, and for journals, stack exports and drill files, the error names the file, the line
// and column, what is wrong and the way out, with the bad-input exit code.
import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import omit from "lodash/omit";
import { simFailHost, simInit } from "../../../provider/adapters/simulator/control";
import { FileStateStore } from "../../../provider/adapters/simulator/file-store";
import { WallClock } from "../../../provider/clock";
import { readJournal } from "../../../provider/executor/journal/read-journal";
import { loadDrillFile } from "../../../provider/drill/file";
import { DamagedFileError } from "../../../provider/errors";
import { smallTopology } from "./fixture";

const MAIN = path.resolve(__dirname, "..", "..", "..", "provider", "cli", "main.js");

function vmr(args: string[], stateDir: string): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [MAIN, ...args], { encoding: "utf8", env: { ...process.env, VMR_SIM_STATE: stateDir } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function truncate(file: string, bytes: number): void {
  fs.writeFileSync(file, fs.readFileSync(file).subarray(0, bytes));
}

/** `vmr sim status --json` without the clock reading, which moves between calls. */
function status(stdout: string): unknown {
  return omit(JSON.parse(stdout) as Record<string, unknown>, "simulatedSeconds");
}

const generation = (dir: string): number => JSON.parse(fs.readFileSync(path.join(dir, "sim.json"), "utf8")).generation;

describe("damaged files", function () {
  this.timeout(30_000);
  let dir: string;
  let state: string;
  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "vmr-damaged-"));
    state = path.join(dir, "state");
    await simInit({ topology: smallTopology(), stateDir: state });
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("a truncated snapshot is rebuilt from the previous generation and its log, said on stderr, and the state is as before", async () => {
    // GIVEN a host failed, the log folded into generation 2, then another host failed
    await simFailHost("sys-a-01", { stateDir: state });
    await new FileStateStore(state, new WallClock()).compact();
    await simFailHost("sys-b-01", { stateDir: state });
    const before = vmr(["sim", "status", "--json"], state);
    assert.equal(before.status, 0, before.stderr);
    const g = generation(state);
    assert.equal(g, 2);
    // WHEN the current snapshot is cut at 500 bytes
    truncate(path.join(state, `state-${g}.json`), 500);
    const after = vmr(["sim", "status", "--json"], state);
    // THEN the status is the same, and the user is told which file was rebuilt from what
    assert.equal(after.status, 0, after.stderr);
    assert.deepEqual(status(after.stdout), status(before.stdout));
    assert.match(after.stderr, new RegExp(`state-2\\.json was damaged at line 1, column 501: [^;]+; rebuilt it from state-1\\.json and log-1\\.jsonl and rewrote it`));
    // AND the snapshot is whole again: the next reader says nothing
    const again = vmr(["sim", "status", "--json"], state);
    assert.equal(again.stderr, "");
    assert.deepEqual(status(again.stdout), status(before.stdout));
  });

  it("a truncated snapshot with nothing to rebuild it from: exit 2 naming the file, the position and the command that recreates it", () => {
    const snapshot = path.join(state, "state-1.json");
    truncate(snapshot, 500);
    const r = vmr(["sim", "status"], state);
    assert.equal(r.status, 2, r.stderr);
    assert.ok(r.stderr.includes(`${snapshot} is damaged at line 1, column 501: `), r.stderr);
    assert.match(r.stderr, /not there\)\. The simulator state cannot be read back: recreate it with `vmr sim init --force --topology FILE\|preset:NAME --state /);
    assert.doesNotMatch(r.stderr, /at position/);
  });

  it("a damaged line in the middle of the simulator's log: exit 2 naming the log and the line", async () => {
    await simFailHost("sys-a-01", { stateDir: state });
    await simFailHost("sys-b-01", { stateDir: state });
    const log = path.join(state, "log-1.jsonl");
    const lines = fs.readFileSync(log, "utf8").split("\n");
    assert.ok(lines.length >= 3, "two entries at least");
    lines[0] = lines[0].slice(0, 10);
    fs.writeFileSync(log, lines.join("\n"));
    const r = vmr(["sim", "status"], state);
    assert.equal(r.status, 2, r.stderr);
    assert.ok(r.stderr.includes(`${log} is damaged at line 1, column 11`), r.stderr);
    assert.match(r.stderr, /Entries after this line cannot be applied/);
  });

  it("a damaged simulator manifest: exit 2 naming sim.json", () => {
    fs.writeFileSync(path.join(state, "sim.json"), "{\"formatVersion\": ");
    const r = vmr(["sim", "status"], state);
    assert.equal(r.status, 2, r.stderr);
    assert.ok(r.stderr.includes(`${path.join(state, "sim.json")} is damaged at line 1, column 19: the file ends in the middle of a value (truncated)`), r.stderr);
  });

  it("a journal with a damaged line names the line and the way out", () => {
    const journal = path.join(dir, "journal.jsonl");
    fs.writeFileSync(journal, '{"type":"run-started","formatVersion":1}\n{"type":"step-sta\n{"type":"run-finished"}\n');
    assert.throws(
      () => readJournal(journal),
      (err: unknown) => err instanceof DamagedFileError && err.file === journal && err.where === "line 2, column 18" && /--discard-unfinished RUN/.test(err.message),
    );
  });

  it("a truncated stack export: exit 2 naming the file, the place and how to write it again", () => {
    const file = path.join(dir, "stack.json");
    fs.writeFileSync(file, '{\n  "version": 3,\n  "deployment": {"resources": [');
    const r = vmr(["plan", "--stack-file", file, "--failed-host", "sys-a-01"], state);
    assert.equal(r.status, 2, r.stderr);
    assert.ok(r.stderr.includes(`${file} is damaged at line 3`), r.stderr);
    assert.match(r.stderr, /pulumi stack export --show-secrets --file F/);
  });

  it("a drill file with a YAML syntax error names the line and column", () => {
    const file = path.join(dir, "drill.yaml");
    fs.writeFileSync(file, 'name: broken\nscenario:\n  failedSite: "site-a\n');
    assert.throws(
      () => loadDrillFile(file),
      (err: unknown) => err instanceof DamagedFileError && err.file === file && /^line \d+, column \d+$/.test(err.where) && /YAML syntax/.test(err.problem),
    );
  });
});
