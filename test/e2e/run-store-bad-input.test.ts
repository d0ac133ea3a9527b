// A misconfigured etcd run store (unreachable endpoint, a CA that did not sign the members'
// certificates, a wrong password) stops `vmr failover` with exit 2 before it touches any
// hardware, naming the setting; the password never appears in the output, the journal or the
// store's keys and values. A 1-member etcd with TLS and authentication, started here.
import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { openSimulator } from "../../provider/adapters/simulator";
import { simFailHost } from "../../provider/adapters/simulator/control";
import { EtcdCluster } from "../etcd/cluster";
import { testCerts } from "../fakes/certs";
import { smallDatacenter, type Datacenter } from "../unit/recovery/stack-fixture";

const MAIN = path.resolve(__dirname, "..", "..", "provider", "cli", "main.js");
const PASSWORD = "s3cret-etcd-Pa55";

describe("etcd run store: bad settings are bad input, before any hardware", function () {
  this.timeout(120_000);
  let cluster: EtcdCluster;
  let dc: Datacenter;
  let home: string;

  before(async () => {
    const certs = testCerts();
    cluster = await EtcdCluster.start(1, { certFile: path.join(certs.dir, "server.pem"), keyFile: path.join(certs.dir, "server.key"), caFile: certs.caFile });
    // Authentication on: user root with PASSWORD.
    const admin = cluster.client();
    await admin.user("root").create(PASSWORD);
    await admin.user("root").addRole("root");
    await admin.auth.authEnable({});
    admin.close();
    dc = await smallDatacenter(fs.mkdtempSync(path.join(os.tmpdir(), "vmr-etcd-bad-")));
    home = path.join(dc.dir, "home");
    await simFailHost("sys-a-01", { stateDir: dc.stateDir });
  });
  after(async () => {
    await cluster?.stop();
    if (dc) fs.rmSync(dc.dir, { recursive: true, force: true });
  });

  const failover = (store: string, env: Record<string, string>) =>
    spawnSync(process.execPath, [MAIN, "failover", "--stack-file", dc.stackFile, "--failed-host", "sys-a-01", "--yes", "--run-store", store], {
      encoding: "utf8",
      env: { ...process.env, VMR_STATE_HOME: home, ...env },
    });

  async function attempts(): Promise<number> {
    const sim = await openSimulator({ stateDir: dc.stateDir });
    try {
      return await sim.store.read((s) => [...s.attempts.values()].reduce((a, b) => a + b, 0));
    } finally {
      await sim.close();
    }
  }

  const good = () => ({ VMR_RUN_STORE_CA: testCerts().caFile, VMR_RUN_STORE_USER: "root", VMR_RUN_STORE_PASSWORD: PASSWORD });

  for (const [what, store, env, setting] of [
    ["an unreachable endpoint", () => "etcd:https://127.0.0.1:1", good, "runStore.endpoints"],
    ["a CA that did not sign the members' certificates", () => `etcd:${cluster.endpoints[0]}`, () => ({ ...good(), VMR_RUN_STORE_CA: testCerts().otherCaFile }), "runStore.tls.ca"],
    ["a wrong password", () => `etcd:${cluster.endpoints[0]}`, () => ({ ...good(), VMR_RUN_STORE_PASSWORD: "not-the-password" }), "runStore.password"],
  ] as const) {
    it(`${what}: exit 2 naming \`${setting}\`, no hardware operation, no password in the output`, async () => {
      const before = await attempts();
      const r = failover(store(), env());
      assert.equal(r.status, 2, r.stderr);
      assert.match(r.stderr, new RegExp(setting.replace(/\./g, "\\.")));
      assert.equal(await attempts(), before, "a hardware operation ran");
      for (const text of [r.stdout, r.stderr]) assert.ok(!text.includes(PASSWORD) && !text.includes("not-the-password"), "a password was printed");
    });
  }

  it("with the right settings the failover runs; the password is in no key, value or output", async () => {
    const r = failover(`etcd:${cluster.endpoints[0]}`, good());
    assert.equal(r.status, 0, r.stderr);
    assert.ok(!r.stdout.includes(PASSWORD) && !r.stderr.includes(PASSWORD));
    const client = cluster.client({ username: "root", password: PASSWORD });
    const all = await client.getAll().prefix("").strings();
    client.close();
    assert.ok(Object.keys(all).some((k) => k.includes("/runs/")), "the run was journaled in etcd");
    for (const [k, v] of Object.entries(all)) assert.ok(!k.includes(PASSWORD) && !v.includes(PASSWORD), `the password is in ${k}`);
  });
});
