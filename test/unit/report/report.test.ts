// The run report: built from a plan and its step events, valid against its schema, and rendered
// as Markdown and as a self-contained HTML page that stays small and readable at 1,000 VMs.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as sinon from "sinon";
import { buildReport, renderGantt, renderHtml, renderMarkdown, renderReport, writeReport } from "../../../provider/report";
import { predictPlan } from "../../../provider/predict";
import { validate } from "../../../provider/validation";
import { lparId, makeRun } from "./fixture";

describe("report", () => {
  let sandbox: sinon.SinonSandbox;
  let dir: string;
  beforeEach(() => {
    sandbox = sinon.createSandbox();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "vmr-report-"));
  });
  afterEach(() => {
    sandbox.restore();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  describe("buildReport", () => {
    it("gives every VM its outcome, target and restart time, and a failed VM its reason", () => {
      // GIVEN a 12-VM failover where lpar-0005's restart fails and lpar-0003 found no target
      const run = makeRun({ vms: 12, targets: 3, failRestartOf: [lparId(5)], unplaced: [lparId(3)] });
      // WHEN the report is built
      const report = buildReport(run);
      // THEN it is valid against schemas/report.schema.json
      assert.deepEqual(validate("report", report), []);
      const byLpar = new Map(report.vms.map((v) => [v.lpar, v]));
      assert.equal(byLpar.get(lparId(3))!.outcome, "unplaced");
      assert.equal(byLpar.get(lparId(3))!.target, null);
      assert.match(byLpar.get(lparId(3))!.reason!, /free processor units/);
      assert.equal(byLpar.get(lparId(5))!.outcome, "failed");
      assert.match(byLpar.get(lparId(5))!.reason!, /RestartLpar failed after 1 attempt\(s\): HSCLA27C/);
      const ok = byLpar.get(lparId(0))!;
      assert.equal(ok.outcome, "restarted");
      assert.equal(ok.target, "sys-b1");
      // AND a VM is up when its verify step ended, not when its source cleanup did
      const verify = report.steps.find((s) => s.id === `verify-${lparId(0)}`)!;
      const cleanup = report.steps.find((s) => s.id === `cleanup-${lparId(0)}`)!;
      assert.equal(ok.restartSeconds, verify.endSeconds);
      assert.ok(cleanup.endSeconds! > ok.restartSeconds!);
      assert.equal(report.status, "failed");
    });

    it("records each step's start, end and attempts, and skipped steps after a failure", () => {
      // GIVEN a run with retried mappings and one failed restart
      const run = makeRun({ vms: 40, targets: 2, failRestartOf: [lparId(1)] });
      const report = buildReport(run);
      // THEN every retried step counts its attempts and ended after it started
      const retried = report.steps.filter((s) => s.attempts > 1);
      assert.ok(retried.length > 0, "the fixture retries some VIOS mappings");
      for (const s of report.steps.filter((s) => s.status === "succeeded")) assert.ok(s.endSeconds! >= s.startSeconds!, s.id);
      // AND the steps after the failed restart are skipped, not left "not started"
      assert.equal(report.steps.find((s) => s.id === `verify-${lparId(1)}`)!.status, "skipped");
      assert.equal(report.steps.find((s) => s.id === `restart-${lparId(1)}`)!.status, "failed");
      // AND every step has a lane: its target system, or the storage system
      assert.equal(report.steps.find((s) => s.id === `restart-${lparId(1)}`)!.lane, "system:sys-b2");
      assert.equal(report.steps.find((s) => s.id === "failover-cg-0")!.lane, "storage:svc-b");
    });

    it("measures each group's RTO against its budget and the SLA levels' completion", () => {
      // GIVEN a successful run whose groups have budgets of 900, 1200, 1500 s and one without
      const run = makeRun({ vms: 16, targets: 4 });
      const report = buildReport(run);
      assert.equal(report.status, "succeeded");
      for (const g of report.groups) {
        const vms = report.vms.filter((v) => v.group === g.name);
        // THEN a group's RTO is when its last VM was up
        assert.equal(g.rtoSeconds, Math.max(...vms.map((v) => v.restartSeconds!)));
        if (g.rtoBudgetSeconds === undefined) assert.equal(g.verdict, "no-budget");
        else assert.equal(g.verdict, g.rtoSeconds! <= g.rtoBudgetSeconds ? "within" : "over");
      }
      // AND the SLA levels are listed highest first, each done when its last VM was up
      assert.deepEqual(report.slaLevels.map((l) => l.slaLevel), [3, 2, 1]);
      for (const l of report.slaLevels) {
        const vms = report.vms.filter((v) => v.slaLevel === l.slaLevel);
        assert.equal(l.doneSeconds, Math.max(...vms.map((v) => v.restartSeconds!)));
      }
      // AND the plan summary carries the plan's estimate and lower bound
      assert.equal(report.plan.lowerBoundSeconds, 420);
      assert.equal(report.plan.bottleneck, "storage:svc-b");
      assert.equal(report.plan.steps, run.plan.steps.length);
      assert.ok(report.makespanSeconds > 0);
      assert.deepEqual(report.options, { mode: "unplanned", slaOrder: "strict" });
    });

    it("calls a run whose journal stops early incomplete, with running and unstarted steps", () => {
      // GIVEN the events of a run cut off after 60 s (the process was killed)
      const run = makeRun({ vms: 20, targets: 2, cutAtSeconds: 60 });
      const report = buildReport({ ...run, endedAt: undefined });
      // THEN the run is incomplete, its VMs not finished, and the steps then under way are running
      assert.equal(report.status, "incomplete");
      assert.equal(report.endedAt, undefined);
      assert.ok(report.vms.every((v) => v.outcome === "notFinished"));
      assert.ok(report.steps.some((s) => s.status === "running" && s.endSeconds === undefined));
      assert.ok(report.steps.some((s) => s.status === "notStarted"));
      assert.ok(report.groups.every((g) => g.verdict === "incomplete"));
      assert.deepEqual(validate("report", report), []);
    });
  });

  describe("predicted band", () => {
    it("shows each group's predicted band against its measured RTO, and the quantile it fell at", () => {
      // GIVEN a run whose plan carries a prediction of its groups' RTO
      const base = makeRun({ vms: 4, targets: 2 });
      const plan = predictPlan(base.plan, { samples: 300 });
      const report = buildReport({ ...base, plan });
      assert.deepEqual(validate("report", report), []);
      // THEN each group that came up has the band and a quantile matching where its RTO lies in it
      for (const g of report.groups.filter((x) => x.rtoSeconds !== undefined)) {
        const band = g.predictedRto!;
        assert.equal(band.samples, 300);
        const q = g.measuredQuantile!;
        if (g.rtoSeconds! < band.p50Seconds!) assert.ok(q < 0.5, `${g.name}: ${g.rtoSeconds} below p50 ${band.p50Seconds} at ${q}`);
        else if (g.rtoSeconds! > band.p99Seconds!) assert.ok(q > 0.99);
        else assert.ok(q >= 0.5);
      }
      // AND the Markdown has the columns, the HTML chart draws the band
      const md = renderMarkdown(report);
      assert.match(md, /\| Predicted p50 \/ p95 \/ p99 \| Measured at \| Median schedule \|/);
      assert.match(md, /Predicted makespan \| .* \(300 Monte Carlo runs, latency profile defaults\)/);
      const html = renderHtml(report);
      assert.equal((html.match(/<rect class="band"/g) ?? []).length, report.groups.length);
      assert.match(html, /predicted p50 .*, p95 .*, p99 .* \(300 runs, defaults\)/);
    });
  });

  describe("renderers", () => {
    it("writes JSON, Markdown and HTML that say what happened", async () => {
      // GIVEN a drill run with assertions and an incomplete cleanup
      const run = {
        ...makeRun({ vms: 8, targets: 2, kind: "drill", failRestartOf: [lparId(2)] }),
        assertions: [
          { type: "rtoWithinBudget", passed: true, message: "every group within its budget" },
          { type: "cleanupComplete", passed: false, message: "1 drill LPAR left" },
        ],
        cleanup: { complete: false, removed: ["lpar:drill-lpar-0001"], leftovers: ["lpar drill-lpar-0002: deleteDrillLpar failed"] },
      };
      // WHEN it is written in every format
      const written = await writeReport(run, dir);
      // THEN the JSON file is the report, valid against the schema
      const json = JSON.parse(fs.readFileSync(written.files.json!, "utf8"));
      assert.deepEqual(validate("report", json), []);
      assert.equal(json.kind, "drill");
      assert.equal(json.assertions.length, 2);
      // AND the Markdown names the failed VM, the failed assertion and how to clean up
      const md = fs.readFileSync(written.files.md!, "utf8");
      assert.match(md, /^# Drill run-test-1 of stack `dev`: failed/);
      assert.match(md, /\| app2 \(lpar-0002\) \| group-2 \| sys-b1 \| failed \| RestartLpar failed/);
      assert.match(md, /- FAIL `cleanupComplete`: 1 drill LPAR left/);
      assert.match(md, /vmr drill --cleanup/);
      // AND the HTML page has the timeline, the RTO chart and every VM, and loads nothing from elsewhere
      const html = fs.readFileSync(written.files.html!, "utf8");
      assert.match(html, /<svg class="gantt"/);
      assert.match(html, /<svg class="rto"/);
      for (let i = 0; i < 8; i++) assert.ok(html.includes(`<td>${lparId(i)}</td>`), lparId(i));
      assert.doesNotMatch(html, /<script|<link |src="http|url\(http|@import/);
    });

    it("draws every step of a small run as a bar with its details, and marks the SLA levels", () => {
      const report = buildReport(makeRun({ vms: 6, targets: 2 }));
      const html = renderHtml(report);
      // THEN one bar per started step, in lanes for each target and the storage system
      const bars = html.match(/<rect class="k\d+[^"]*" x=/g) ?? [];
      assert.equal(bars.length, report.steps.length);
      assert.match(html, /<title>restart-lpar-0000 · RestartLpar · [\d.]+–[\d.]+ s<\/title>/);
      for (const lane of ["sys-b1", "sys-b2", "storage svc-b"]) assert.ok(html.includes(`>${lane}</text>`), lane);
      for (const l of report.slaLevels) assert.ok(html.includes(`SLA ${l.slaLevel} up `), `SLA ${l.slaLevel}`);
    });

    it("merges neighbouring target systems into shared lanes when there are more than 40", () => {
      // GIVEN a run onto 90 target systems
      const report = buildReport(makeRun({ vms: 900, targets: 90 }));
      // WHEN it is drawn
      const gantt = renderGantt(report);
      // THEN it has at most 40 lanes, each naming its first and last system and how many it holds
      const lanes = gantt.match(/<text class="lane" x="8"[^>]*>[^<]*<\/text>/g) ?? [];
      assert.ok(lanes.length <= 40 && lanes.length >= 30, `${lanes.length} lanes`);
      assert.match(gantt, />sys-b1 … sys-b\d+<\/text>/);
      assert.match(gantt, />3 systems · 30 VMs · peak \d+<\/text>/);
      assert.match(gantt, />storage svc-b<\/text>/);
    });

    it("escapes names that look like markup", () => {
      const run = makeRun({ vms: 2, targets: 1 });
      run.plan.placements[0].name = "<img src=x onerror=alert(1)>";
      const html = renderHtml(buildReport(run));
      assert.ok(!html.includes("<img"));
      assert.ok(html.includes("&lt;img src=x onerror=alert(1)&gt;"));
    });

    it("keeps a 1,000-VM failover (~6,000 steps) readable: aggregated lanes, a VM table, a few hundred kB", () => {
      // GIVEN a 1,000-VM failover onto 20 target systems
      const run = makeRun({ vms: 1000, targets: 20, failRestartOf: [lparId(7), lparId(500)] });
      assert.ok(run.plan.steps.length >= 5900);
      const report = buildReport(run);
      assert.deepEqual(validate("report", report), []);
      // WHEN it is rendered
      const html = renderHtml(report);
      const md = renderMarkdown(report);
      const json = renderReport(report, "json");
      assert.deepEqual(JSON.parse(json), report);
      assert.ok(json.length < 1_600_000, `JSON is ${json.length} bytes`);
      assert.equal(json.split("\n").filter((l) => l.startsWith('    {"id":')).length, report.steps.length, "one line per step");
      // THEN the page stays small, with one lane per target plus storage instead of one per step
      assert.ok(html.length < 900_000, `HTML is ${html.length} bytes`);
      assert.ok(md.length < 20_000, `Markdown is ${md.length} bytes`);
      const lanes = html.match(/<text class="lane" x="8"/g) ?? [];
      assert.equal(lanes.length, 21 + report.groups.length);
      assert.equal((html.match(/<rect class="k\d+/g) ?? []).length, 0, "no per-step bars");
      assert.ok((html.match(/<path class="k\d+/g) ?? []).length >= 20 * 3, "stacked concurrency per lane");
      // AND the two failed restarts are marked on their lanes
      assert.equal((html.match(/class="failmark"/g) ?? []).length, 2);
      // AND every VM is in the table, the failures first
      assert.equal((html.match(/<tr class="(restarted|failed|unplaced|notFinished)">/g) ?? []).length, 1000);
      assert.ok(html.indexOf(`<td>${lparId(7)}</td>`) < html.indexOf(`<td>${lparId(0)}</td>`));
      assert.match(html, /<details><summary>Show all 1000 VMs/);
    });
  });
});
