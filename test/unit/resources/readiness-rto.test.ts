// The ProtectionGroup's readiness carries the group's predicted RTO (provider/predict) against
// the live inventory of a simulated datacenter, and a budget the prediction breaks is an issue.
import { strict as assert } from "assert";
import { createInMemorySimulator } from "../../../provider/adapters/simulator";
import { assess, type GroupInputs } from "../../../provider/resources/runtime/protection-group";
import { defaultProfile, type LatencyProfile } from "../../../provider/predict/profile";
import { smallWorld } from "../drill/world";

describe("ProtectionGroup readiness: predicted RTO", () => {
  async function assessWith(budget: number, profile?: LatencyProfile) {
    const world = smallWorld();
    const sim = createInMemorySimulator(world.topology);
    try {
      const [compute, storage] = await Promise.all([sim.compute.inventory(), sim.storage.inventory()]);
      const spec = world.model.groups.find((g) => g.name === "databases")!;
      const target = world.model.targets[0];
      const mappings = world.model.storageMappings.filter((m) => spec.storageMappings.includes(m.name));
      const g = {
        name: spec.name,
        slaLevel: spec.slaLevel,
        vms: spec.vms,
        antiAffinity: [],
        recoveryTarget: spec.recoveryTarget,
        storageMappings: [...spec.storageMappings],
        rtoBudgetSeconds: budget,
        context: { target: { site: target.site, systems: [...target.systems], reserve: target.reserve, adapter: target.adapter, verify: true }, consistencyGroups: mappings.map((m) => m.consistencyGroup), claimedElsewhere: [] },
      } as unknown as GroupInputs;
      return assess(g, compute, storage, undefined, profile);
    } finally {
      await sim.close();
    }
  }

  it("says the predicted RTO of a failover of the group's systems, within a generous budget", async () => {
    const { readiness } = await assessWith(36_000);
    assert.equal(readiness.status, "ready", JSON.stringify(readiness.issues));
    const rto = readiness.rto!;
    assert.ok(rto.failedHosts.length > 0 && rto.failedHosts.every((h) => h.startsWith("sys-a-")));
    assert.equal(rto.verdict, "within");
    assert.equal(rto.confidence, 0.95);
    assert.equal(rto.predictedRto.samples, 400);
    assert.ok(rto.predictedRto.p50Seconds! > 0 && rto.predictedRto.p50Seconds! <= rto.predictedRto.p99Seconds!);
  });

  it("calls a budget below the predicted quantile at the confidence a readiness note, with the figures and their basis", async () => {
    const generous = (await assessWith(36_000)).readiness.rto!.predictedRto;
    const tight = Math.floor(generous.p50Seconds!);
    const { readiness } = await assessWith(tight);
    assert.equal(readiness.status, "ready", "a budget at risk does not stop a recovery");
    assert.equal(readiness.rto!.verdict, "over");
    const issue = (readiness.notes ?? []).find((i) => i.code === "rto")!;
    assert.match(issue.message, new RegExp(`would bring the group up in \\d+ s at 95% confidence \\(predicted p50 \\d+ s, p95 \\d+ s; 400 Monte Carlo runs, latency profile defaults\\), over its budget of ${tight} s`));
  });

  it("predicts with the stack's latency profile when given one, and names it", async () => {
    // GIVEN a calibrated profile whose restarts take three times the defaults' medians
    const restart = defaultProfile().operations.remoteRestart;
    const slow: LatencyProfile = {
      ...defaultProfile({ remoteRestart: { medianSeconds: restart.medianSeconds * 3, p95Seconds: (restart.p95Seconds ?? restart.medianSeconds) * 3 } }),
      name: "calibrated for drill-test from 5 runs",
      samples: 120,
    };
    const withDefaults = (await assessWith(36_000)).readiness.rto!.predictedRto;
    const calibrated = (await assessWith(36_000, slow)).readiness.rto!.predictedRto;
    // THEN the prediction names the profile and its basis, and is slower
    assert.equal(withDefaults.profile, "defaults");
    assert.equal(calibrated.profile, "calibrated for drill-test from 5 runs (120 measured steps)");
    assert.ok(calibrated.p50Seconds! > withDefaults.p50Seconds! * 1.3, `${calibrated.p50Seconds} against ${withDefaults.p50Seconds}`);
  });
});
