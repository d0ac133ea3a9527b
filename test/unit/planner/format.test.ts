// The terminal views of a plan and of the N-1 check: groups in the order they recover, counts
// that read right for one, single-server failures and site losses counted apart.
import { strict as assert } from "assert";
import { checkSurvivability, planFailover } from "../../../provider/planner";
import { formatPlan, formatSurvivability } from "../../../provider/planner/format";
import { notSurvivable } from "../../../provider/live/planning";
import { defaultProfile, predictRuns, withPrediction } from "../../../provider/predict";
import { buildWorld, hostId, lparId } from "./world";

const big = { pu: 64, mem: 1024 };

describe("plan and check text", () => {
  describe("formatPlan", () => {
    it("lists the groups by SLA level, highest first, whatever their order in the stack", () => {
      // GIVEN three groups declared pg0 (level 1), pg1 (level 3), pg2 (level 2), all at site A
      const world = buildWorld({
        hosts: [{ site: "A", ...big }, { site: "B", ...big }],
        vms: [
          { host: 0, pu: 1, mem: 8, level: 1, group: 0 },
          { host: 0, pu: 1, mem: 8, level: 3, group: 1 },
          { host: 0, pu: 1, mem: 8, level: 2, group: 2 },
          { host: 0, pu: 1, mem: 8, level: 2, group: 0 },
        ],
      });
      // WHEN the loss of site A is planned and printed
      const plan = planFailover({ ...world, failure: { failedSite: "A" } });
      const text = formatPlan(plan);
      // THEN the groups come in recovery order: pg1 (3), then pg0 and pg2 (2 each) in plan order
      assert.deepEqual([...text.matchAll(/^group ([^\s:]+)/gm)].map((m) => m[1]), ["pg1", "pg0", "pg2"]);
      // AND each header names the group's level
      assert.deepEqual([...text.matchAll(/^group \S+ \(SLA (\d+)\):/gm)].map((m) => Number(m[1])), [3, 2, 2]);
      // AND the executor agrees: the highest level's LPAR restarts in the highest-level steps
      const restartLevel = (lpar: string) => plan.steps.find((s) => s.kind === "RestartLpar" && s.lpar === lpar)?.slaLevel;
      assert.equal(restartLevel(lparId(1)), 3);
    });

    it("says \"not up\" for a quantile past the runs that come up without an operator, how many do not, and why the verdict is over", () => {
      // GIVEN a one-LPAR failover predicted with restarts failing 60% of their attempts: all 5 fail in 7.8% of runs
      const world = buildWorld({ hosts: [{ site: "A", ...big }, { site: "B", ...big }], vms: [{ host: 0, pu: 1, mem: 8, level: 1 }] });
      const planned = planFailover({ ...world, failure: { failedSite: "A" } });
      const plan = { ...planned, groups: planned.groups.map((g) => ({ ...g, rtoBudgetSeconds: 100_000 })) };
      const profile = { ...defaultProfile(), faults: { remoteRestart: { failureRate: 0.6, failedShare: 0.5 } } };
      const predicted = withPrediction(plan, predictRuns(plan, { samples: 2000, seed: 3, profile }), 0.95);
      const text = formatPlan(predicted);
      // THEN the p50 and p90 are figures, the p95 and p99 "not up", with the share that is not
      assert.match(text, /predicted RTO p50 \d+ s, p90 \d+ s, p95 not up, p99 not up; [\d.]+% of runs not up without an operator \(a step fails every attempt\)/);
      // AND the verdict is over whatever the budget, saying why
      assert.match(text, /of 100000 s -> over at 95% confidence \(fewer than 95% of runs up without an operator\)/);
      // AND the predicted makespan says the same
      assert.match(text, /predicted makespan .*: p50 \d+ s, .* p95 not up/);
    });

    it("says 1 replica, 1 LPAR, 1 step; and plurals otherwise", () => {
      // GIVEN one LPAR with one volume at site A
      const world = buildWorld({ hosts: [{ site: "A", ...big }, { site: "B", ...big }], vms: [{ host: 0, pu: 1, mem: 8, level: 1, volumes: 1 }] });
      // WHEN site A's loss is planned
      const plan = planFailover({ ...world, failure: { failedSite: "A" } });
      const text = formatPlan(plan);
      // THEN its volume count reads "(1 replica)", and the header counts read in the singular
      assert.match(text, new RegExp(`^${lparId(0)}\\s.*\\s1 \\(1 replica\\)`, "m"));
      assert.doesNotMatch(text, /\b1 (replicas|LPARs|steps)\b/);
      assert.match(text, /^1 LPAR affected, 1 placed, \d+ steps$/m);
      // AND two volumes read "(2 replicas)"
      const two = formatPlan(planFailover({ ...buildWorld({ hosts: [{ site: "A", ...big }, { site: "B", ...big }], vms: [{ host: 0, pu: 1, mem: 8, level: 1, volumes: 2 }] }), failure: { failedSite: "A" } }));
      assert.match(two, /\s2 \(2 replicas\)/);
    });
  });

  describe("formatSurvivability and the check's counts", () => {
    // GIVEN sys0 at site A holds a VM too big for any other system, sys1 (site A) a small one
    const world = () =>
      buildWorld({
        hosts: [{ site: "A", pu: 32, mem: 256 }, { site: "A", pu: 16, mem: 128 }, { site: "B", pu: 16, mem: 128 }],
        vms: [{ host: 0, pu: 20, mem: 64, level: 1 }, { host: 1, pu: 2, mem: 16, level: 1 }],
        rtoBudgetSeconds: 3600,
      });

    it("counts single-server failures and site losses apart, in the report and in the text", () => {
      // WHEN the N-1 check runs
      const report = checkSurvivability(world());
      // THEN the JSON counts three single-server failures (one not survivable) and two site losses (A not survivable)
      assert.deepEqual(report.serverFailures, { checked: 3, notSurvivable: [hostId(0)] });
      assert.deepEqual(report.siteLosses, { checked: 2, notSurvivable: ["A"] });
      // AND the text has a section for each, each with its own count
      const text = formatSurvivability(report);
      const [servers, sites] = text.split(/\n\n(?=Site losses\n)/);
      assert.match(servers, /^Single-server failures\n/);
      assert.match(servers, /^1 of 3 single-server failures not survivable: sys0$/m);
      assert.doesNotMatch(servers, /^site /m, "a site loss is not a single-server failure");
      assert.match(sites, /^Site losses\n/);
      assert.match(sites, /^1 of 2 site losses not survivable: A$/m);
      assert.doesNotMatch(sites, /^host /m);
      // AND the error `vmr check` ends with says the same, apart
      assert.match(notSurvivable(report).message, /^not survivable: 1 of 3 single-server failures \(sys0\); 1 of 2 site losses \(A\)$/);
    });

    it("says every single-server failure is survivable while a site loss is not", () => {
      // GIVEN each big VM of site A fits on the other server of site A or at site B, but site B cannot take both
      const w = buildWorld({
        hosts: [{ site: "A", pu: 32, mem: 256 }, { site: "A", pu: 32, mem: 256 }, { site: "B", pu: 24, mem: 128 }],
        vms: [{ host: 0, pu: 20, mem: 64, level: 1 }, { host: 1, pu: 20, mem: 64, level: 1 }],
        rtoBudgetSeconds: 3600,
      });
      const report = checkSurvivability(w);
      assert.deepEqual(report.serverFailures, { checked: 3, notSurvivable: [] });
      assert.deepEqual(report.siteLosses.notSurvivable, ["A"]);
      const text = formatSurvivability(report);
      assert.match(text, /^every single-server failure is survivable \(3 checked\)$/m);
      assert.match(text, /^1 of 2 site losses not survivable: A$/m);
      assert.match(notSurvivable(report).message, /^not survivable: 1 of 2 site losses \(A\)$/);
    });
  });
});
