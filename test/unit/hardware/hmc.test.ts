// The HMC compute adapter against a fake HMC on loopback HTTPS.
import { strict as assert } from "assert";
import * as sinon from "sinon";
import { HmcComputeAdapter } from "../../../provider/adapters/hmc/adapter";
import { AdapterError } from "../../../provider/errors";
import type { HmcConnection } from "../../../provider/generated/adapter-settings";
import { FakeHmc } from "../../fakes/hmc";
import { assertNoSecrets, hmcSettings, MemoryLog, rejection } from "./helpers";

describe("HMC compute adapter", function () {
  this.timeout(10_000);
  const sandbox = sinon.createSandbox();
  let hmc: FakeHmc;
  let log: MemoryLog;
  let adapter: HmcComputeAdapter;
  const errors: string[] = [];

  function open(extra: Partial<HmcConnection> = {}): HmcComputeAdapter {
    adapter = new HmcComputeAdapter(hmcSettings(hmc, extra), { log, retryBaseDelayMs: 5 });
    return adapter;
  }

  async function failure(promise: Promise<unknown>): Promise<AdapterError> {
    const err = await rejection(promise);
    assert.ok(err instanceof AdapterError, `expected an AdapterError, got ${err}`);
    errors.push(err.message);
    return err;
  }

  beforeEach(async () => {
    hmc = new FakeHmc();
    hmc.addSystem("sys-a");
    hmc.addSystem("sys-b");
    for (const name of ["lpar1", "lpar2", "lpar3"]) hmc.addLpar(name, "sys-a");
    hmc.addLpar("db1", "sys-b", { srrCapable: false, state: "not activated" });
    await hmc.start();
    log = new MemoryLog();
    open();
  });

  afterEach(async () => {
    await adapter.close();
    await hmc.stop();
    sandbox.restore();
    // THEN, whatever the test did: no password or session token in any message or log line
    assertNoSecrets([...errors, ...log.warnings, ...log.debugs], [hmc.password, ...hmc.issuedTokens]);
    errors.length = 0;
  });

  it("logs on with a LogonRequest, sends X-API-Session afterwards and logs off on close", async () => {
    // WHEN the adapter reads the inventory and is closed
    await adapter.inventory();
    await adapter.close();
    // THEN the first request was the logon, later ones carried the session, the last logged off
    const [logon, ...rest] = hmc.requests;
    assert.equal(logon.method, "PUT");
    assert.equal(logon.path, "/rest/api/web/Logon");
    assert.match(String(logon.headers["content-type"]), /application\/vnd\.ibm\.powervm\.web\+xml; type=LogonRequest/);
    assert.match(logon.body, /<UserID[^>]*>hscroot<\/UserID>/);
    assert.ok(rest.every((r) => r.headers["x-api-session"] === hmc.issuedTokens[0]));
    assert.equal(rest[rest.length - 1].method, "DELETE");
    assert.equal(hmc.sessions.size, 0);
  });

  it("maps managed systems and LPARs into the model", async () => {
    // GIVEN sys-b powered off and db1 not activated
    hmc.system("sys-b").state = "power off";
    // WHEN the inventory is read
    const inv = await adapter.inventory();
    // THEN states, capacities, hosts and the HMC are in the model's terms
    assert.deepEqual(inv.hmcs, [{ name: "hmc1", site: "dc1", maxConcurrentJobs: 16 }]);
    const sysA = inv.managedSystems.find((s) => s.id === "sys-a")!;
    assert.equal(sysA.state, "Operating");
    assert.equal(sysA.memoryGb, 256);
    assert.equal(sysA.vioses.length, 2);
    assert.equal(inv.managedSystems.find((s) => s.id === "sys-b")!.state, "Power Off");
    const db1 = inv.lpars.find((l) => l.id === "db1")!;
    assert.deepEqual([db1.host, db1.state, db1.remoteRestartCapable, db1.memoryGb], ["sys-b", "Not Activated", false, 8]);
    assert.deepEqual(inv.lpars.filter((l) => l.host === "sys-a").map((l) => l.state), ["Running", "Running", "Running"]);
  });

  it("names objects by UUID when identifyBy is uuid", async () => {
    open({ identifyBy: "uuid" });
    const inv = await adapter.inventory();
    assert.equal(inv.lpars.find((l) => l.name === "lpar1")!.id, hmc.lpar("lpar1").uuid);
    assert.equal(inv.lpars.find((l) => l.name === "lpar1")!.host, hmc.system("sys-a").uuid);
  });

  it("fences, validates, restarts on the target, waits for it and cleans up the source", async () => {
    // GIVEN sys-a failed, and partitions that take a while to boot
    hmc.system("sys-a").state = "error";
    hmc.bootMs = 150;
    const request = { lparId: "lpar1", targetSystemId: "sys-b", volumeIds: [] };
    // WHEN the failover steps run
    const fence = await adapter.fenceLpar("lpar1", "sys-a");
    await adapter.validateRemoteRestart(request);
    const restart = await adapter.remoteRestart(request);
    const running = await adapter.waitUntilRunning("lpar1");
    // THEN the source's state is the evidence, the LPAR runs on sys-b, and jobs were cleaned up
    assert.deepEqual(fence, { alreadyDone: true, evidence: "Error" });
    assert.deepEqual(restart, { alreadyDone: false });
    assert.equal(running.alreadyDone, false);
    assert.equal(hmc.lpar("lpar1").systemUuid, hmc.system("sys-b").uuid);
    assert.equal((await adapter.getLpar("lpar1")).host, "sys-b");
    assert.equal(hmc.jobs.size, 0);
    assert.equal(hmc.jobsDeleted, 2);
    const job = hmc.requests.find((r) => r.path.endsWith("/do/RemoteRestart"))!;
    assert.match(String(job.headers["content-type"]), /type=JobRequest/);
    assert.match(job.body, /<ParameterName[^>]*>targetManagedSystemUUID<\/ParameterName><ParameterValue[^>]*>[0-9A-F-]{36}<\/ParameterValue>/);
    // AND restarting again is a no-op
    assert.deepEqual(await adapter.remoteRestart(request), { alreadyDone: true });
    // AND once sys-a is back, its leftovers are cleaned up, once
    hmc.system("sys-a").state = "operating";
    assert.deepEqual(await adapter.cleanupSource("lpar1"), { alreadyDone: false });
    assert.deepEqual(await adapter.cleanupSource("lpar1"), { alreadyDone: true });
  });

  it("logs on again when the session expires mid-run", async () => {
    // GIVEN a session in use
    hmc.system("sys-a").state = "error";
    await adapter.inventory();
    // WHEN the HMC drops it
    hmc.expireSessions();
    await adapter.remoteRestart({ lparId: "lpar1", targetSystemId: "sys-b", volumeIds: [] });
    // THEN the adapter logged on a second time and carried on
    assert.equal(hmc.logons, 2);
    assert.equal(hmc.lpar("lpar1").systemUuid, hmc.system("sys-b").uuid);
  });

  it("reports a failed job as a conflict with the HMC's message, and deletes the job", async () => {
    hmc.system("sys-a").state = "error";
    hmc.failingJobs.add("RemoteRestart:lpar2");
    const err = await failure(adapter.remoteRestart({ lparId: "lpar2", targetSystemId: "sys-b", volumeIds: [] }));
    assert.equal(err.failure, "conflict");
    assert.match(err.message, /COMPLETED_WITH_ERROR: HSCLA27C/);
    assert.equal(hmc.jobs.size, 0);
    assert.equal(hmc.lpar("lpar2").systemUuid, hmc.system("sys-a").uuid);
  });

  it("refuses to restart an LPAR that is not remote-restart capable", async () => {
    hmc.system("sys-b").state = "error";
    const err = await failure(adapter.remoteRestart({ lparId: "db1", targetSystemId: "sys-a", volumeIds: [] }));
    assert.equal(err.failure, "conflict");
    assert.match(err.message, /not simplified-remote-restart capable/);
  });

  it("retries HTTP 5xx as transient and gives up after the configured retries", async () => {
    // GIVEN two 503 answers WHEN the inventory is read THEN it succeeds after retrying
    await adapter.inventory();
    hmc.failNext(2, 503, "Service Unavailable");
    assert.equal((await adapter.inventory()).lpars.length, 4);
    // GIVEN more failures than retries THEN the error is transient and names the status
    open({ retries: 1 });
    await adapter.inventory();
    hmc.failNext(5, 500, "Internal Server Error");
    const err = await failure(adapter.inventory());
    assert.equal(err.failure, "transient");
    assert.match(err.message, /HTTP 500/);
  });

  it("treats an answer that does not come in time as transient, and retries it", async () => {
    open({ requestTimeoutSeconds: 0.2, retries: 1 });
    await adapter.inventory();
    // GIVEN one hanging request WHEN read THEN the retry succeeds
    hmc.hangNext(1, 600);
    assert.equal((await adapter.inventory()).managedSystems.length, 2);
    // GIVEN every request hangs THEN a transient time-out
    hmc.hangNext(4, 600);
    const err = await failure(adapter.inventory());
    assert.equal(err.failure, "transient");
    assert.match(err.message, /no answer within 200 ms/);
  });

  it("retries an ETag mismatch (HTTP 412) as transient", async () => {
    // GIVEN db1 not capable, and the HMC refusing the first request with 412
    await adapter.inventory();
    const etag = hmc.lpar("db1").etag;
    hmc.failNext(1, 412, "Precondition Failed");
    // WHEN it is made capable THEN the retry succeeds and the second call is a no-op
    assert.deepEqual(await adapter.setRemoteRestartCapable("db1", true), { alreadyDone: false });
    assert.equal(hmc.lpar("db1").srrCapable, true);
    assert.equal(hmc.lpar("db1").etag, etag + 1);
    assert.deepEqual(await adapter.setRemoteRestartCapable("db1", true), { alreadyDone: true });
  });

  it("attaches and detaches a vSCSI disk as a VirtualSCSIMapping of the VIOS, re-reading it after an ETag race", async () => {
    // GIVEN a disk the SAN presents to sys-b, whose UID the storage side knows, and a VIOS that
    // someone else changes between our read and our write
    const uid = "600507680C8082018000000000000A1B";
    const udid = `33213${uid}04214503IBMfcp`;
    hmc.sanDisks = (system) => (system.name === "sys-b" ? ["33213600507680C808201800000000000FFFF04214503IBMfcp", udid] : []);
    adapter = new HmcComputeAdapter(hmcSettings(hmc), { log, retryBaseDelayMs: 5, volumeUid: async (v) => (v === "lpar1_rootvg" ? uid : undefined) });
    const vios = hmc.system("sys-b").vioses[1];
    const request = { volumeId: "lpar1_rootvg", hostId: "sys-b", vios, lparId: "lpar1" };
    hmc.viosRaces = 1;
    // WHEN the disk is attached THEN the 412 is retried, and the VIOS maps that disk (hdisk3) to lpar1
    assert.deepEqual(await adapter.attachVirtualDisk(request), { alreadyDone: false });
    assert.deepEqual(hmc.viosMappings.get(vios), [{ disk: "hdisk3", udid, lparUuid: hmc.lpar("lpar1").uuid }]);
    assert.equal(hmc.viosPosts, 1);
    // AND attaching again is a no-op that writes nothing
    assert.deepEqual(await adapter.attachVirtualDisk(request), { alreadyDone: true });
    assert.equal(hmc.viosPosts, 1);
    // WHEN it is detached THEN the mapping goes, and detaching again is a no-op
    assert.deepEqual(await adapter.detachVirtualDisk(request), { alreadyDone: false });
    assert.deepEqual(hmc.viosMappings.get(vios), []);
    assert.deepEqual(await adapter.detachVirtualDisk(request), { alreadyDone: true });
    // AND a disk the VIOS does not see (not mapped on the SAN, or devices not configured) is transient, naming cfgdev
    hmc.sanDisks = () => [];
    const err = await failure(adapter.attachVirtualDisk(request));
    assert.equal(err.failure, "transient");
    assert.match(err.message, /does not see volume lpar1_rootvg .*cfgdev/);
    // AND a volume the storage side knows no UID of is notFound
    assert.equal((await failure(adapter.attachVirtualDisk({ ...request, volumeId: "other" }))).failure, "notFound");
  });

  it("fails a job that outlives its time-out as transient, after cancelling it", async () => {
    open({ jobTimeoutSeconds: 0.05, retries: 0 });
    hmc.jobMs = 400;
    const err = await failure(adapter.powerOff("lpar1", true));
    assert.equal(err.failure, "transient");
    assert.match(err.message, /still RUNNING after 0 s: cancelled|still RUNNING after \d+ s: cancelled/);
    assert.ok(hmc.requests.some((r) => r.method === "PUT" && /\/jobs\/\d+\/cancel$/.test(r.path)));
  });

  it("runs no more jobs at once than maxConcurrentJobs", async () => {
    // GIVEN a slow HMC and a limit of 2
    open({ maxConcurrentJobs: 2 });
    hmc.jobMs = 60;
    for (let i = 0; i < 6; i++) hmc.addLpar(`off${i}`, "sys-b", { state: "not activated" });
    // WHEN six LPARs are powered on at once
    await Promise.all([0, 1, 2, 3, 4, 5].map((i) => adapter.powerOn(`off${i}`)));
    // THEN the fake never saw more than two running jobs, and did see two
    assert.equal(hmc.maxRunningJobs, 2);
    assert.equal(hmc.lpar("off5").state === "starting" || hmc.lpar("off5").state === "running", true);
  });

  it("runs no more remote restarts onto one system than maxRemoteRestartsPerSystem", async () => {
    open({ maxConcurrentJobs: 10, maxRemoteRestartsPerSystem: 2 });
    hmc.jobMs = 60;
    for (let i = 0; i < 3; i++) hmc.addLpar(`app${i}`, "sys-a");
    hmc.system("sys-a").state = "no connection";
    const names = ["lpar1", "lpar2", "lpar3", "app0", "app1", "app2"];
    await Promise.all(names.map((lparId) => adapter.remoteRestart({ lparId, targetSystemId: "sys-b", volumeIds: [] })));
    assert.equal(hmc.maxRestartsOntoOneSystem, 2);
    assert.ok(names.every((n) => hmc.lpar(n).systemUuid === hmc.system("sys-b").uuid));
    const limits = await adapter.limits();
    const vioses = ["sys-a", "sys-b"].flatMap((s) => hmc.system(s).vioses.map((v) => [`vios:${s}/${v}`, 1] as const));
    assert.deepEqual(limits, { "hmc:hmc1": 10, "system:sys-a": 2, "system:sys-b": 2, ...Object.fromEntries(vioses) });
  });

  it("gives a clear fatal error for answers that are not the expected XML", async () => {
    await adapter.inventory();
    hmc.garbleNext("<feed><entry><content>");
    const broken = await failure(adapter.inventory());
    assert.equal(broken.failure, "fatal");
    assert.match(broken.message, /malformed answer from the HMC: not well-formed XML/);
    hmc.garbleNext("<html><body>maintenance</body></html>");
    const wrong = await failure(adapter.inventory());
    assert.match(wrong.message, /expected an Atom <feed>, got <html>/);
  });

  it("fences a running LPAR on a live system by an immediate power-off, and refuses when that fails", async () => {
    const fenced = await adapter.fenceLpar("lpar1", "sys-a");
    assert.deepEqual(fenced, { alreadyDone: false, evidence: "Not Activated" });
    const off = hmc.requests.find((r) => r.path.endsWith("/do/PowerOff"))!;
    assert.match(off.body, /<ParameterName[^>]*>immediate<\/ParameterName><ParameterValue[^>]*>true</);
    assert.deepEqual(await adapter.fenceLpar("lpar1", "sys-a"), { alreadyDone: true, evidence: "Not Activated" });
    hmc.failingJobs.add("PowerOff:lpar2");
    const err = await failure(adapter.fenceLpar("lpar2", "sys-a"));
    assert.equal(err.failure, "conflict");
    assert.match(err.message, /cannot confirm the LPAR is stopped/);
  });

  it("fences and powers off an LPAR only on the system the step names: one another run restarted elsewhere is left running", async () => {
    // GIVEN sys-a failed and another run restarted lpar1 on sys-b, where it runs
    hmc.system("sys-a").state = "error";
    await adapter.remoteRestart({ lparId: "lpar1", targetSystemId: "sys-b", volumeIds: [] });
    await adapter.waitUntilRunning("lpar1");
    const powerOffs = () => hmc.requests.filter((r) => r.path.endsWith("/do/PowerOff")).length;
    // WHEN a stale plan fences it, or shuts it down, at its old source sys-a
    // THEN each is a conflict naming the LPAR, both systems and what to do, and no PowerOff job is sent
    for (const attempt of [adapter.fenceLpar("lpar1", "sys-a"), adapter.powerOff("lpar1", true, "sys-a")]) {
      const err = await failure(attempt);
      assert.equal(err.failure, "conflict");
      assert.match(err.message, /lpar1: the LPAR is Running on sys-b, not on sys-a where this step expects it: .*nothing was powered off.*plan again from the live state/);
    }
    assert.equal(powerOffs(), 0);
    assert.equal(hmc.lpar("lpar1").state, "running");
    assert.equal(hmc.lpar("lpar1").systemUuid, hmc.system("sys-b").uuid);
    // AND by UUID the systems are named by UUID
    await adapter.close();
    open({ identifyBy: "uuid" });
    const byUuid = await failure(adapter.fenceLpar(hmc.lpar("lpar1").uuid, hmc.system("sys-a").uuid));
    assert.ok(byUuid.message.includes(`Running on ${hmc.system("sys-b").uuid}, not on ${hmc.system("sys-a").uuid}`), byUuid.message);
    // AND on the system named, a fence stops a running LPAR, then finds it stopped (a resumed run)
    assert.deepEqual(await adapter.fenceLpar(hmc.lpar("lpar3").uuid, hmc.system("sys-a").uuid), { alreadyDone: true, evidence: "Error" });
    hmc.system("sys-a").state = "operating";
    await adapter.close();
    open();
    assert.deepEqual(await adapter.fenceLpar("lpar3", "sys-a"), { alreadyDone: false, evidence: "Not Activated" });
    assert.deepEqual(await adapter.fenceLpar("lpar3", "sys-a"), { alreadyDone: true, evidence: "Not Activated" });
    assert.equal(powerOffs(), 1);
  });

  it("fails fast with a fatal error when the HMC refuses the credentials, naming no password", async () => {
    open({ password: "wrong-Secret-42" });
    const err = await failure(adapter.inventory());
    assert.equal(err.failure, "fatal");
    assert.match(err.message, /refused the logon of user "hscroot".*check `hmc.username` and `hmc.password`/);
    assert.ok(!err.message.includes("wrong-Secret-42"));
    assert.ok(!JSON.stringify(err).includes("wrong-Secret-42"));
  });

  it("waits for the RMC connection as well when waitForRmc is set", async () => {
    // GIVEN an LPAR whose RMC comes up 300 ms after the partition runs
    hmc.rmcMs = 300;
    hmc.addLpar("aix1", "sys-b", { state: "not activated" });
    await adapter.powerOn("aix1");
    // WHEN waited for without RMC THEN it returns while RMC is still down
    await adapter.waitUntilRunning("aix1");
    assert.equal(hmc.lpar("aix1").rmc, "inactive");
    // WHEN waited for with RMC THEN it returns once RMC is active
    open({ waitForRmc: true });
    await adapter.waitUntilRunning("aix1");
    assert.equal(hmc.lpar("aix1").rmc, "active");
  });

  it("moves a cleanly stopped LPAR by an inactive migration, and refuses a running one", async () => {
    // GIVEN lpar3 running WHEN moved THEN conflict: it must be stopped first
    const running = await failure(adapter.moveLpar({ lparId: "lpar3", targetSystemId: "sys-b", volumeIds: [] }));
    assert.equal(running.failure, "conflict");
    // WHEN it is shut down gracefully and moved
    assert.deepEqual(await adapter.powerOff("lpar3", false), { alreadyDone: false });
    assert.match(hmc.requests.find((r) => r.path.endsWith("/do/PowerOff"))!.body, /<ParameterValue[^>]*>osshutdown</);
    assert.deepEqual(await adapter.powerOff("lpar3", false), { alreadyDone: true });
    assert.deepEqual(await adapter.moveLpar({ lparId: "lpar3", targetSystemId: "sys-b", volumeIds: [] }), { alreadyDone: false });
    // THEN it is defined on sys-b, once, and starts there
    assert.match(hmc.requests.find((r) => r.path.endsWith("/do/Migrate"))!.body, /<ParameterName[^>]*>TargetManagedSystemName<\/ParameterName><ParameterValue[^>]*>sys-b</);
    assert.deepEqual(await adapter.moveLpar({ lparId: "lpar3", targetSystemId: "sys-b", volumeIds: [] }), { alreadyDone: true });
    assert.deepEqual(await adapter.powerOn("lpar3"), { alreadyDone: false });
    assert.equal((await adapter.getLpar("lpar3")).host, "sys-b");
  });

  it("refuses, creating nothing, a drill copy of an LPAR the HMC cannot copy, or whose copy's name is too long", async () => {
    // GIVEN an IBM i partition, one on Active Memory Sharing, and a network name that makes the copy's name too long
    hmc.addLpar("ibmi1", "sys-a", { type: "OS400" });
    hmc.addLpar("ams1", "sys-a", { sharedMemory: true });
    const created = hmc.lparsCreated;
    // WHEN copies are asked for THEN each is refused as fatal, with the reason
    const ibmi = await failure(adapter.createDrillLpar({ sourceLparId: "ibmi1", targetSystemId: "sys-b", volumeIds: [], network: "drill" }));
    assert.equal(ibmi.failure, "fatal");
    assert.match(ibmi.message, /PartitionType is "OS400": drill copies are made of AIX\/Linux partitions only/);
    assert.match((await failure(adapter.createDrillLpar({ sourceLparId: "ams1", targetSystemId: "sys-b", volumeIds: [], network: "drill" }))).message, /Active Memory Sharing/);
    const long = await failure(adapter.createDrillLpar({ sourceLparId: "lpar1", targetSystemId: "sys-b", volumeIds: [], network: "n".repeat(40) }));
    assert.match(long.message, /longer than the HMC's 47 characters: use a shorter drill `network` name/);
    // AND nothing was created on the HMC
    assert.equal(hmc.lparsCreated, created);
  });

  it("reports an unknown LPAR as notFound", async () => {
    const err = await failure(adapter.powerOn("nosuch"));
    assert.equal(err.failure, "notFound");
  });
});
