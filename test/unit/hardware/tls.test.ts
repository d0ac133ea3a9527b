// TLS of the hardware adapters: verification on by default, a configurable CA bundle, and an
// insecure switch that warns on every connection it makes.
import { strict as assert } from "assert";
import * as path from "path";
import * as sinon from "sinon";
import { HmcComputeAdapter } from "../../../provider/adapters/hmc/adapter";
import { SvcStorageAdapter } from "../../../provider/adapters/svc/adapter";
import { AdapterError, ValidationError } from "../../../provider/errors";
import { testCerts } from "../../fakes/certs";
import { FakeHmc } from "../../fakes/hmc";
import { FakeSvc } from "../../fakes/svc";
import { hmcSettings, MemoryLog, rejection, svcSettings } from "./helpers";

describe("hardware adapters: TLS", function () {
  this.timeout(10_000);
  const sandbox = sinon.createSandbox();
  let svc: FakeSvc;
  let log: MemoryLog;
  const closers: (() => Promise<void>)[] = [];

  beforeEach(async () => {
    svc = new FakeSvc();
    svc.addVdisk("vol1");
    svc.addHost("sys-b");
    await svc.start();
    log = new MemoryLog();
  });

  afterEach(async () => {
    for (const close of closers.splice(0)) await close();
    await svc.stop();
    sandbox.restore();
  });

  function svcAdapter(tls: { caBundle?: string; insecureSkipVerify?: boolean } | undefined, extra = {}): SvcStorageAdapter {
    const adapter = new SvcStorageAdapter({ ...svcSettings(svc, extra), tls }, { log, retryBaseDelayMs: 5 });
    closers.push(() => adapter.close());
    return adapter;
  }

  it("trusts a server whose certificate the configured CA bundle signed", async () => {
    const inv = await svcAdapter({ caBundle: testCerts().caFile }).inventory();
    assert.equal(inv.volumes.length, 1);
    assert.deepEqual(log.warnings, []);
  });

  it("fails clearly, without retrying, when the certificate is signed by another CA", async () => {
    const err = await rejection(svcAdapter({ caBundle: testCerts().otherCaFile }).inventory());
    assert.ok(err instanceof AdapterError);
    assert.equal(err.failure, "fatal");
    assert.match(err.message, /TLS verification of https:\/\/127\.0\.0\.1:\d+ failed \(UNABLE_TO_VERIFY_LEAF_SIGNATURE|TLS verification of https:\/\/127\.0\.0\.1:\d+ failed/);
    assert.match(err.message, /`tls\.caBundle`/);
    assert.equal(svc.requests.length, 0);
  });

  it("verifies against the system's CAs when no bundle is given", async () => {
    const err = await rejection(svcAdapter(undefined).inventory());
    assert.ok(err instanceof AdapterError);
    assert.match(err.message, /TLS verification/);
  });

  it("with insecureSkipVerify, connects and warns once for every connection it makes", async () => {
    const adapter = svcAdapter({ insecureSkipVerify: true }, { maxConcurrentRequests: 3 });
    svc.delayMs = 10;
    await Promise.all([adapter.inventory(), adapter.mapVolume({ volumeId: "vol1", hostId: "sys-b", via: "vscsi" }), adapter.limits()]);
    assert.ok(svc.connections >= 1);
    assert.equal(log.warnings.length, svc.connections);
    assert.ok(log.warnings.every((w) => /TLS certificate of 127\.0\.0\.1:\d+ is NOT verified \(`storage\.tls\.insecureSkipVerify` is true\)/.test(w)));
  });

  it("names the setting when the CA bundle cannot be read", () => {
    assert.throws(
      () => svcAdapter({ caBundle: path.join(testCerts().dir, "missing.pem") }),
      (err: unknown) => err instanceof ValidationError && /`storage\.tls\.caBundle` must name a readable PEM file/.test(err.message),
    );
    assert.throws(
      () => new HmcComputeAdapter({ url: "https://127.0.0.1:1", username: "u", password: "p", tls: { caBundle: path.join(testCerts().dir, "server.ext") } }),
      (err: unknown) => err instanceof ValidationError && /`hmc\.tls\.caBundle` must be a PEM file/.test(err.message),
    );
  });

  it("applies the same verification to the HMC", async () => {
    const hmc = new FakeHmc();
    hmc.addSystem("sys-a");
    await hmc.start();
    closers.push(() => hmc.stop());
    const adapter = new HmcComputeAdapter({ ...hmcSettings(hmc), tls: { caBundle: testCerts().otherCaFile } }, { log, retryBaseDelayMs: 5 });
    closers.push(() => adapter.close());
    const err = await rejection(adapter.inventory());
    assert.ok(err instanceof AdapterError && err.failure === "fatal");
    assert.match(err.message, /^logon hscroot: HMC hmc1: TLS verification/);
  });
});
