import { strict as assert } from "assert";
import { checkSurvivability, planFailover } from "../../../provider/planner";
import { drawJob, SettlePool, type SettleJob } from "../../../provider/predict/pool";
import { budgetsOf, predictionInput } from "../../../provider/predict/predict";
import { scenarioPredictor } from "../../../provider/predict/scenarios";
import { generateDatacenter } from "../../fixtures/datacenter";

/** 2,000 LPARs on 20 + 20 hosts: a site failure of 22,000 steps, enough queued work for the pool to start its worker. */
const datacenter = generateDatacenter({ hosts: 40, vms: 2000, volumesPerVm: 2 });

function jobOf(failure: { failedSite: string } | { failedHosts: string[] }, seed: number): SettleJob {
  const plan = planFailover({ ...datacenter, failure });
  const input = predictionInput(plan, { sla: "strict" });
  return { input, budgets: budgetsOf(plan, input.groupNames), confidence: 0.95, samples: 200, seed, until: "each-group" };
}

describe("predict/pool: many predictions on every core", () => {
  it("draws every job as this thread would, some of them on a worker thread", () => {
    // GIVEN a site failure and five host failures, queued in a pool of two threads
    const jobs = [jobOf({ failedSite: "A" }, 3), ...[1, 2, 3, 4, 5].map((k) => jobOf({ failedHosts: [`sys-A-0000${k}`] }, k))];
    const pool = new SettlePool(2);
    for (const job of jobs) pool.add(job);
    // WHEN the pool finishes
    const values = pool.finish();
    // THEN a worker drew some of them, and every job's samples are those drawn here
    assert.ok(pool.drawnOnWorkers > 0, "a worker drew jobs");
    assert.equal(pool.threadsUsed, 2);
    jobs.forEach((job, k) => {
      const here = drawJob(job);
      assert.deepEqual(values[k].map((v) => Array.from(v)), here.map((v) => Array.from(v)), `job ${k}`);
    });
  });

  it("starts no worker for a check too small to pay for one, unless told how many threads to use", () => {
    const pool = new SettlePool();
    pool.add(jobOf({ failedHosts: ["sys-A-00001"] }, 1));
    pool.finish();
    assert.equal(pool.threadsUsed, 1);
    assert.equal(pool.drawnOnWorkers, 0);
    const told = new SettlePool(2);
    told.add(jobOf({ failedHosts: ["sys-A-00001"] }, 1));
    told.finish();
    assert.equal(told.threadsUsed, 2);
  });

  it("gives the N-1 check the same verdicts and figures on two threads as on one", () => {
    // GIVEN the check of every host and site, predicted at 0.95
    const one = checkSurvivability({ ...datacenter, refine: scenarioPredictor({ threads: 1 }) });
    const two = checkSurvivability({ ...datacenter, refine: scenarioPredictor({ threads: 2 }) });
    // THEN every scenario is the same, in the same order (hosts, then sites)
    assert.deepEqual(two, one);
    assert.deepEqual(
      one.scenarios.map((s) => s.scope),
      [...one.scenarios.filter((s) => s.scope === "host").map(() => "host"), ...one.scenarios.filter((s) => s.scope === "site").map(() => "site")],
    );
    assert.ok(one.scenarios.every((s) => s.predictedMakespanSeconds !== undefined));
  });
});

describe("predict/pool: a worker that dies", () => {
  it("has its jobs drawn by this thread once it stays silent, with the same figures", async () => {
    // GIVEN a pool of two threads whose worker is killed before it is handed anything
    const pool = new SettlePool(2, { silenceMs: 200 });
    await pool.killWorkers();
    const jobs = [1, 2, 3, 4, 5].map((k) => jobOf({ failedHosts: [`sys-A-0000${k}`] }, k));
    for (const job of jobs) pool.add(job);
    // WHEN the pool finishes
    const values = pool.finish();
    // THEN no job was drawn on the dead worker, and every job is as drawn here
    assert.equal(pool.drawnOnWorkers, 0);
    jobs.forEach((job, k) => assert.deepEqual(values[k].map((v) => Array.from(v)), drawJob(job).map((v) => Array.from(v)), `job ${k}`));
  });
});
