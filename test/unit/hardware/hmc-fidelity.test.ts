// The HMC adapter against behaviours of the real HMC that public captured payloads show (see
// docs/hardware.md, "Fidelity"): inactive partitions reporting current processors and memory 0,
// every job state with its result parameters, errors as an Atom-wrapped HttpErrorResponse, ETags
// that move under a concurrent change, sessions that expire while a job runs, 403 as a refusal.
import { strict as assert } from "assert";
import * as sinon from "sinon";
import { HmcComputeAdapter } from "../../../provider/adapters/hmc/adapter";
import { AdapterError } from "../../../provider/errors";
import { FakeHmc, httpError } from "../../fakes/hmc";
import { assertNoSecrets, hmcSettings, MemoryLog, rejection } from "./helpers";

describe("HMC adapter: fidelity to the real HMC's answers", function () {
  this.timeout(10_000);
  const sandbox = sinon.createSandbox();
  let hmc: FakeHmc;
  let log: MemoryLog;
  let adapter: HmcComputeAdapter;

  beforeEach(async () => {
    hmc = new FakeHmc();
    hmc.addSystem("sys-a", "error");
    hmc.addSystem("sys-b");
    hmc.addLpar("web1", "sys-a", { processorUnits: 0.5, memoryMb: 8192 });
    hmc.addLpar("db1", "sys-b", { state: "not activated", processorUnits: 1.5, memoryMb: 65536 });
    hmc.addLpar("batch1", "sys-b", { state: "not activated", processorUnits: 4, memoryMb: 32768, dedicated: true });
    await hmc.start();
    log = new MemoryLog();
    adapter = new HmcComputeAdapter(hmcSettings(hmc), { log, retryBaseDelayMs: 2 });
  });

  afterEach(async () => {
    await adapter.close();
    await hmc.stop();
    sandbox.restore();
    assertNoSecrets([...log.warnings, ...log.debugs], [hmc.password, ...hmc.issuedTokens]);
  });

  it("plans an inactive LPAR with its desired processors and memory, not the 0 the HMC reports as current", async () => {
    // GIVEN the HMC reports CurrentMemory 0 and current processors 0 for the partitions that are not activated
    // WHEN the inventory is read
    const inv = await adapter.inventory();
    // THEN the model holds what each LPAR needs once started: its desired values (shared and dedicated)
    const byId = new Map(inv.lpars.map((l) => [l.id, l]));
    assert.deepEqual([byId.get("db1")!.processorUnits, byId.get("db1")!.memoryGb], [1.5, 64]);
    assert.deepEqual([byId.get("batch1")!.processorUnits, byId.get("batch1")!.memoryGb], [4, 32]);
    // AND a running LPAR keeps its current values
    assert.deepEqual([byId.get("web1")!.processorUnits, byId.get("web1")!.memoryGb], [0.5, 8]);
  });

  it("polls a job through NOT_STARTED and RUNNING to its end, and deletes it", async () => {
    hmc.jobMs = 300;
    await adapter.remoteRestart({ lparId: "web1", targetSystemId: "sys-b", volumeIds: [] });
    const statuses = hmc.requests.filter((r) => r.method === "GET" && r.path.startsWith("/rest/api/uom/jobs/")).length;
    assert.ok(statuses >= 2, `polled ${statuses} times`);
    assert.equal(hmc.lpar("web1").systemUuid, hmc.system("sys-b").uuid);
    assert.equal(hmc.jobs.size, 0);
  });

  it("reads each final job state as the HMC reports it, with its result parameters or exception", async () => {
    // COMPLETED_WITH_WARNINGS: done, the warning logged with the job's result message
    hmc.jobOutcomes.set("PowerOn:db1", "COMPLETED_WITH_WARNINGS");
    assert.deepEqual(await adapter.powerOn("db1"), { alreadyDone: false });
    assert.ok(log.warnings.some((w) => /completed with warnings: HSCL4001/.test(w)), JSON.stringify(log.warnings));
    // COMPLETED_WITH_ERROR: a conflict carrying the HSCL message of the `result` parameter
    hmc.jobOutcomes.set("PowerOff:web1", "COMPLETED_WITH_ERROR");
    hmc.system("sys-a").state = "operating";
    const failed = await rejection(adapter.powerOff("web1", true));
    assert.ok(failed instanceof AdapterError && failed.failure === "conflict", failed.message);
    assert.match(failed.message, /ended COMPLETED_WITH_ERROR: HSCLA27C The operation failed on partition web1/);
    // FAILED_BEFORE_COMPLETION: the ResponseException's message
    hmc.jobOutcomes.set("PowerOff:web1", "FAILED_BEFORE_COMPLETION");
    hmc.failingJobs.clear();
    const early = await rejection(adapter.powerOff("web1", true));
    assert.match(early.message, /ended FAILED_BEFORE_COMPLETION: com\.ibm\.pmc\.jaxb\.api\.server\.jobs\.PmcJobException/);
    assert.equal(hmc.jobs.size, 0, "every finished job was deleted");
  });

  it("retries an HTTP 5xx with the HMC's error body as transient, and names the HMC's message when it persists", async () => {
    const busy = httpError(500, "/rest/api/uom/ManagedSystem", "Unable to send command to VIOS at this moment. VIOS 1*9009-42A*21F64EV is busy processing some other request.").body!;
    hmc.failNext(2, 500, busy);
    const inv = await adapter.inventory();
    assert.equal(inv.managedSystems.length, 2);
    hmc.failNext(10, 500, busy);
    const err = await rejection(adapter.inventory());
    assert.ok(err instanceof AdapterError && err.failure === "transient", err.message);
    assert.match(err.message, /HTTP 500: Unable to send command to VIOS at this moment/);
    assert.doesNotMatch(err.message, /<HttpErrorResponse/);
  });

  it("re-reads and retries an update whose ETag went stale (someone changed the LPAR in between): 412", async () => {
    // GIVEN another client changes db1 right after the adapter reads it
    hmc.lpar("db1").srrCapable = false;
    const etag = hmc.lpar("db1").etag;
    hmc.lparRaces = 1;
    // WHEN db1 is made capable
    assert.deepEqual(await adapter.setRemoteRestartCapable("db1", true), { alreadyDone: false });
    // THEN the first POST carried the stale ETag and was refused, the second the fresh one
    const posts = hmc.requests.filter((r) => r.method === "POST" && r.path.includes("/LogicalPartition/"));
    assert.deepEqual(posts.map((p) => p.headers["if-match"]), [String(etag), String(etag + 1)]);
    assert.equal(hmc.lpar("db1").srrCapable, true);
  });

  it("logs on again, once, when the session expires while a job runs, then carries on", async () => {
    hmc.jobMs = 80;
    setTimeout(() => hmc.expireSessions(), 30);
    await adapter.remoteRestart({ lparId: "web1", targetSystemId: "sys-b", volumeIds: [] });
    assert.equal(hmc.logons, 2);
    assert.equal(hmc.jobs.size, 0, "the job was deleted in the new session");
  });

  it("takes a 403 as a refusal of the user's rights, not as an expired session", async () => {
    await adapter.inventory();
    hmc.failNext(1, 403, httpError(403, "/rest/api/uom/ManagedSystem", "The user does not have the authority to perform this task.").body!);
    const err = await rejection(adapter.limits());
    assert.ok(err instanceof AdapterError && err.failure === "fatal", err.message);
    assert.match(err.message, /HTTP 403.*authority/);
    assert.equal(hmc.logons, 1);
  });

  it("polls a long job with back-off: far fewer reads of its status", async () => {
    // GIVEN a job of 400 ms and a poll interval of 5 ms (80 polls without back-off)
    hmc.jobMs = 400;
    const started = Date.now();
    await adapter.remoteRestart({ lparId: "web1", targetSystemId: "sys-b", volumeIds: [] });
    const elapsed = Date.now() - started;
    // THEN it was read far fewer times, and the restart ended soon after the job
    const polls = hmc.requests.filter((r) => r.method === "GET" && r.path.startsWith("/rest/api/uom/jobs/")).length;
    assert.ok(polls >= 3 && polls <= 20, `polled ${polls} times`);
    // (the end is seen at most 8 intervals late by construction; loose bound for a loaded machine)
    assert.ok(elapsed < 2000, `took ${elapsed} ms`);
  });

  it("reads a burst of LPARs of one system in one feed read, each read sent after it was asked for", async () => {
    // GIVEN 8 LPARs of sys-b, known from an inventory
    for (let i = 0; i < 8; i++) hmc.addLpar(`app${i}`, "sys-b", { state: "not activated" });
    await adapter.inventory();
    const before = hmc.requests.length;
    // WHEN all 8 are started at once
    await Promise.all(Array.from({ length: 8 }, (_, i) => adapter.powerOn(`app${i}`)));
    // THEN their reads before acting were one read of sys-b's LogicalPartition feed, no single entry
    const reads = hmc.requests.slice(before).filter((r) => r.method === "GET" && !r.path.includes("/jobs/"));
    assert.deepEqual(reads.map((r) => r.path), [`/rest/api/uom/ManagedSystem/${hmc.system("sys-b").uuid}/LogicalPartition`]);
    assert.ok(Array.from({ length: 8 }, (_, i) => hmc.lpar(`app${i}`).state).every((s) => s !== "not activated"));
  });
});
