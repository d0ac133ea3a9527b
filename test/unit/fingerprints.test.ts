// Fingerprints of seeded plans and predictions. Speed work on the planner (issue 17) and on the
// Monte Carlo prediction (issue 13) must not change what they produce; a figure in a benchmark
// would not show a plan that got different but not slower. These tests hash the whole plan, and
// every sampled RTO and makespan, of fixed seeded datacenters, and compare them with the hashes
// below.
//
// When a change alters plans or predictions ON PURPOSE (a better placement, a new step field, a
// new latency model), update the hashes in the same commit and say in its message why they moved.
// Never update them to make a speed-up pass.

import { strict as assert } from "assert";
import { createHash } from "crypto";
import type { Plan } from "../../provider/generated/plan";
import { planFailover } from "../../provider/planner";
import { predictRuns } from "../../provider/predict/predict";
import { generateDatacenter } from "../fixtures/datacenter";

const sha = (value: unknown): string => createHash("sha256").update(JSON.stringify(value)).digest("hex").slice(0, 16);

/** 1,000 LPARs on 20 + 20 hosts, 4 volumes each: big enough for contended limits and every step kind of a failover. */
const datacenter = generateDatacenter({ hosts: 40, vms: 1000, volumesPerVm: 4 });

interface Case {
  readonly name: string;
  readonly failure: { failedSite: string } | { failedHosts: string[] };
  readonly slaMode: "strict" | "pipelined";
  /** sha256 of the plan's JSON, first 16 hex digits. */
  readonly plan: string;
  /** sha256 of every sample's makespan, then of every group's RTO per sample (50 samples, seed 7). */
  readonly makespans: string;
  readonly rtos: string;
}

const CASES: readonly Case[] = [
  { name: "site failure, strict", failure: { failedSite: "A" }, slaMode: "strict", plan: "7b10da748a8e0ffb", makespans: "788f3250efd1cf52", rtos: "b3b3ef440feb5743" },
  { name: "site failure, pipelined", failure: { failedSite: "A" }, slaMode: "pipelined", plan: "c4440545382096f9", makespans: "c9b97af218a438a2", rtos: "f60d4f8ba703cad8" },
  { name: "one host, strict", failure: { failedHosts: ["sys-A-00001"] }, slaMode: "strict", plan: "3e547a5538a22069", makespans: "0c612e6415fb0d11", rtos: "d5d87113c73d7607" },
  { name: "one host, pipelined", failure: { failedHosts: ["sys-A-00001"] }, slaMode: "pipelined", plan: "ad6a335cb4f293a5", makespans: "b807c512bd0c2422", rtos: "d87e49cbbd3a74ec" },
];

function predictionHashes(plan: Plan, threads = 1): { makespans: string; rtos: string } {
  const prediction = predictRuns(plan, { samples: 50, seed: 7, sla: plan.estimate.slaMode ?? "strict", threads });
  assert.equal(prediction.threads, threads, "the samples were drawn on every thread asked for");
  const groups = [...prediction.groups.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([name, rto]) => [name, Array.from(rto)]);
  return { makespans: sha(Array.from(prediction.makespan)), rtos: sha(groups) };
}

describe("fingerprints of seeded plans and predictions", () => {
  for (const c of CASES) {
    it(`plans and predicts the ${c.name} of a 1,000-LPAR datacenter as before`, () => {
      // GIVEN the seeded datacenter and the failure
      // WHEN it is planned, and the plan predicted with a fixed seed
      const plan = planFailover({ ...datacenter, failure: c.failure, options: { slaMode: c.slaMode } });
      const predicted = predictionHashes(plan);
      // THEN the plan and every sample are the ones recorded (see the header before updating)
      assert.deepEqual({ plan: sha(plan), ...predicted }, { plan: c.plan, makespans: c.makespans, rtos: c.rtos });
    });
  }

  it("draws the same samples on 2 and 3 threads as on one", () => {
    // GIVEN the site failure, strict (worker threads draw their ranges of samples: predict/threads.ts)
    const c = CASES[0];
    const plan = planFailover({ ...datacenter, failure: c.failure, options: { slaMode: c.slaMode } });
    // WHEN it is predicted on 2 and on 3 threads (50 samples: ranges of 25, and of 17, 17, 16)
    // THEN every sample is the one drawn on one thread
    for (const threads of [2, 3]) assert.deepEqual(predictionHashes(plan, threads), { makespans: c.makespans, rtos: c.rtos }, `${threads} threads`);
  });

  it("gives the same plan and the same samples when run twice in one process", () => {
    // GIVEN one case run twice: a hash that moves between runs would make the fingerprints above meaningless
    const c = CASES[0];
    const once = planFailover({ ...datacenter, failure: c.failure, options: { slaMode: c.slaMode } });
    const twice = planFailover({ ...datacenter, failure: c.failure, options: { slaMode: c.slaMode } });
    // THEN both agree
    assert.equal(sha(twice), sha(once));
    assert.deepEqual(predictionHashes(twice), predictionHashes(once));
  });
});
