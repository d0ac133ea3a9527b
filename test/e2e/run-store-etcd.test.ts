// The etcd run store against a real 3-member etcd cluster on loopback ports, started and
// stopped here: the lock is a lease, a second holder is refused by name, every journal write is
// guarded by the lease (a run that lost it writes nothing more and its fenced adapters refuse
// every operation), and the journal goes on when one member dies.
import { strict as assert } from "assert";
import { Etcd3 } from "etcd3";
import { LockHeldError, LockLostError, ValidationError } from "../../provider/errors";
import { fencedAdapters } from "../../provider/executor/session";
import type { JournalRecord } from "../../provider/executor/types";
import type { Adapters } from "../../provider/adapters";
import { EtcdRunStore } from "../../provider/run-store/etcd-store";
import type { StackIdentity } from "../../provider/run-store/identity";
import { EtcdCluster } from "../etcd/cluster";

const identity: StackIdentity = { backend: "file:///test", organization: "organization", project: "basic", stack: "dev" };

function started(runId: string): JournalRecord {
  return { type: "run-started", formatVersion: 1, runId, timeMs: 0, wallTime: new Date().toISOString(), process: { pid: process.pid, host: "h" }, settings: {}, stack: "dev", plan: { kind: "failover", steps: [] } } as unknown as JournalRecord;
}
const step = (i: number): JournalRecord => ({ type: "step-started", stepId: `s${i}`, attempt: 1, timeMs: i }) as JournalRecord;

describe("etcd run store (real 3-member cluster)", function () {
  this.timeout(120_000);
  let cluster: EtcdCluster;

  before(async () => {
    cluster = await EtcdCluster.start(3);
  });
  after(async () => {
    await cluster?.stop();
  });

  it("refuses a second holder of the stack's lock, naming it; the lock is free again once released", async () => {
    const a = await EtcdRunStore.connect({ endpoints: cluster.endpoints, leaseTtlSeconds: 3 }, identity);
    const b = await EtcdRunStore.connect({ endpoints: cluster.endpoints, leaseTtlSeconds: 3 }, identity);
    try {
      const lock = await a.acquireLock({ runId: "20260101T000000Z-aaaaaa", purpose: "failover" });
      await assert.rejects(b.acquireLock({ runId: "r2", purpose: "failover" }), (err: unknown) => {
        assert.ok(err instanceof LockHeldError);
        assert.match(err.message, new RegExp(`pid ${process.pid} on .*failover run 20260101T000000Z-aaaaaa`));
        return true;
      });
      assert.equal((await b.lockHolder())?.runId, "20260101T000000Z-aaaaaa");
      await lock.release();
      const again = await b.acquireLock({ runId: "r2", purpose: "failover" });
      await again.release();
    } finally {
      await a.close();
      await b.close();
    }
  });

  it("journals in order under the lease; once the lease is gone nothing more is written and no adapter operation runs", async () => {
    const store = await EtcdRunStore.connect({ endpoints: cluster.endpoints, leaseTtlSeconds: 3 }, identity);
    try {
      const lock = await store.acquireLock({ runId: "20260101T000001Z-bbbbbb", purpose: "failover" });
      const journal = await store.openJournal("20260101T000001Z-bbbbbb", lock, { create: true });
      await Promise.all([journal.append(started("20260101T000001Z-bbbbbb")), ...Array.from({ length: 50 }, (_, i) => journal.append(step(i)))]);
      for (let i = 50; i < 60; i++) await journal.append(step(i));
      const records = await store.readRecords("20260101T000001Z-bbbbbb");
      assert.deepEqual(records.slice(1).map((r) => (r as { stepId: string }).stepId), Array.from({ length: 60 }, (_, i) => `s${i}`));
      assert.deepEqual((await store.listRuns()).map((r) => [r.runId, r.kind, r.stack]), [["20260101T000001Z-bbbbbb", "failover", "dev"]]);

      // WHEN another party revokes the run's lease (as etcd does when it expires)
      const other = new Etcd3({ hosts: cluster.endpoints });
      await other.leaseClient.leaseRevoke({ ID: (lock as unknown as { leaseId: string }).leaseId });
      other.close();
      // THEN the journal refuses the next write, and nothing was added
      await assert.rejects(journal.append(step(99)), LockLostError);
      assert.equal((await store.readRecords("20260101T000001Z-bbbbbb")).length, 61);
      // AND, once the loss is known, the fenced adapters refuse every operation
      let calls = 0;
      const fake = { compute: { powerOn: async () => calls++ }, storage: { unmapVolume: async () => calls++ } } as unknown as Adapters;
      const fenced = fencedAdapters(fake, lock);
      const until = Date.now() + 10_000;
      while (!lock.compromised && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
      assert.throws(() => fenced.compute.powerOn("x"), LockLostError);
      assert.throws(() => fenced.storage.unmapVolume({} as never), LockLostError);
      assert.equal(calls, 0);
      await journal.close();
    } finally {
      await store.close();
    }
  });

  it("keeps a record larger than etcd takes in one request (a plan of many steps) across keys, and reads it back whole", async () => {
    const store = await EtcdRunStore.connect({ endpoints: cluster.endpoints, leaseTtlSeconds: 3 }, identity);
    try {
      const lock = await store.acquireLock({ runId: "20260101T000003Z-dddddd", purpose: "failover" });
      const big = started("20260101T000003Z-dddddd") as unknown as { plan: { steps: unknown[] } };
      big.plan.steps = Array.from({ length: 20_000 }, (_, i) => ({ id: `step-${i}-é`, kind: "RestartLpar", lpar: `lpar-${i}`, dependsOn: [] }));
      const journal = await store.openJournal("20260101T000003Z-dddddd", lock, { create: true });
      await journal.append(big as unknown as JournalRecord);
      await journal.append(step(1));
      await journal.close();
      const records = await store.readRecords("20260101T000003Z-dddddd");
      assert.equal(records.length, 2);
      assert.equal((records[0] as unknown as { plan: { steps: unknown[] } }).plan.steps.length, 20_000);
      assert.ok(JSON.stringify(big).length > 1_500_000, "the record must exceed one etcd request");
      await lock.release();
    } finally {
      await store.close();
    }
  });

  it("an unreachable endpoint is bad input naming runStore.endpoints, before anything else", async () => {
    await assert.rejects(EtcdRunStore.connect({ endpoints: ["http://127.0.0.1:1"] }, identity), (err: unknown) => {
      assert.ok(err instanceof ValidationError);
      assert.equal(err.issues[0].path, "runStore.endpoints");
      return true;
    });
  });

  it("goes on journaling when one member is killed -9 (a quorum of two remains)", async () => {
    const store = await EtcdRunStore.connect({ endpoints: cluster.endpoints, leaseTtlSeconds: 5 }, identity);
    try {
      const lock = await store.acquireLock({ runId: "20260101T000002Z-cccccc", purpose: "failover" });
      const journal = await store.openJournal("20260101T000002Z-cccccc", lock, { create: true });
      await journal.append(started("20260101T000002Z-cccccc"));
      for (let i = 0; i < 10; i++) await journal.append(step(i));
      cluster.kill(0);
      for (let i = 10; i < 30; i++) await journal.append(step(i));
      lock.assertHeld();
      assert.equal((await store.readRecords("20260101T000002Z-cccccc")).length, 31);
      await journal.close();
      await lock.release();
    } finally {
      await store.close();
    }
  });

  it("a cluster that stops answering: the run is told its lease is lost within the TTL, and a journal write fails within its deadlines instead of hanging", async () => {
    const runId = "20260101T000003Z-dddddd";
    const store = await EtcdRunStore.connect({ endpoints: cluster.endpoints, leaseTtlSeconds: 2 }, identity);
    let told: Error | undefined;
    const lock = await store.acquireLock({ runId, purpose: "failover" }, { onCompromised: (err) => (told = err) });
    const journal = await store.openJournal(runId, lock, { create: true });
    await journal.append(started(runId));
    // GIVEN every member stops answering (SIGSTOP: connections are accepted, nothing comes back)
    const t0 = Date.now();
    cluster.freeze();
    try {
      // WHEN the run writes to its journal
      const write = journal.append(step(1)).then(
        () => "written" as const,
        (err: unknown) => err,
      );
      // THEN the watchdog tells the run within its TTL (plus one renewal interval), unasked
      while (!told && Date.now() - t0 < 4000) await sleep(100);
      assert.ok(told, `no loss reported ${Date.now() - t0} ms after the cluster froze`);
      assert.throws(() => lock.assertHeld(), LockLostError);
      // AND the write ends in an error within its deadlines (3 attempts of 5 s), not never
      const outcome = await Promise.race([write, sleep(25_000).then(() => "hung" as const)]);
      assert.notEqual(outcome, "hung", "the journal write was still waiting 25 s after the cluster froze");
      assert.notEqual(outcome, "written");
    } finally {
      cluster.thaw();
    }
    await lock.release();
    await store.close();
    await cluster.waitHealthy();
  });
});

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
