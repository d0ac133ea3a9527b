// A real 3-member etcd cluster on loopback ports, for the tests of the etcd run store: built
// once by test/engine/build-etcd.sh (cached outside the repo), started in a temporary directory,
// stopped (and its data removed) by the test that started it.

import { spawn, spawnSync, type ChildProcess } from "child_process";
import * as fs from "fs";
import * as net from "net";
import * as os from "os";
import * as path from "path";
import { Etcd3 } from "etcd3";

const REPO = path.resolve(__dirname, "..", "..", "..");

/** The etcd binary, built on first use. */
export function etcdBinary(): string {
  const r = spawnSync("bash", [path.join(REPO, "test", "engine", "build-etcd.sh")], { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] });
  if (r.status !== 0) throw new Error(`building etcd failed (exit ${r.status})`);
  return path.join(r.stdout.trim().split("\n").pop()!, "bin", "etcd");
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const port = (server.address() as net.AddressInfo).port;
      server.close(() => resolve(port));
    });
  });
}

export interface Member {
  readonly name: string;
  readonly clientUrl: string;
  process: ChildProcess;
}

export class EtcdCluster {
  private constructor(
    readonly dir: string,
    readonly members: Member[],
    private readonly memberArgs: string[][],
    private readonly binary: string,
    /** The CA a client needs (a TLS cluster). */
    readonly ca?: Buffer,
  ) {}

  /** A client of the cluster (root, before auth is enabled). */
  client(auth?: { username: string; password: string }): Etcd3 {
    return new Etcd3({ hosts: this.endpoints, dialTimeout: 1000, ...(this.ca ? { credentials: { rootCertificate: this.ca } } : {}), ...(auth ? { auth } : {}) });
  }

  get endpoints(): string[] {
    return this.members.map((m) => m.clientUrl);
  }

  /**
   * Starts 3 members (or `size`) and waits until the cluster answers. With `tls`, clients talk
   * https to a server certificate for 127.0.0.1 (files), signed by `tls.caFile`.
   */
  static async start(size = 3, tls?: { certFile: string; keyFile: string; caFile: string }): Promise<EtcdCluster> {
    const binary = etcdBinary();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "vmr-etcd-"));
    const ports: { client: number; peer: number }[] = [];
    for (let i = 0; i < size; i++) ports.push({ client: await freePort(), peer: await freePort() });
    const initial = ports.map((p, i) => `m${i}=http://127.0.0.1:${p.peer}`).join(",");
    const scheme = tls ? "https" : "http";
    const args = ports.map((p, i) => [
      "--name", `m${i}`,
      "--data-dir", path.join(dir, `m${i}`),
      "--listen-client-urls", `${scheme}://127.0.0.1:${p.client}`,
      "--advertise-client-urls", `${scheme}://127.0.0.1:${p.client}`,
      ...(tls ? ["--cert-file", tls.certFile, "--key-file", tls.keyFile] : []),
      "--listen-peer-urls", `http://127.0.0.1:${p.peer}`,
      "--initial-advertise-peer-urls", `http://127.0.0.1:${p.peer}`,
      "--initial-cluster", initial,
      "--initial-cluster-state", "new",
      "--initial-cluster-token", path.basename(dir),
      // Loopback and shared cores: short heartbeats, and no fsync stalls blamed on the cluster.
      "--heartbeat-interval", "100",
      "--election-timeout", "1000",
      "--log-level", "error",
    ]);
    const members = args.map((a, i) => ({ name: `m${i}`, clientUrl: `${scheme}://127.0.0.1:${ports[i].client}`, process: spawnMember(binary, a, dir, i) }));
    const cluster = new EtcdCluster(dir, members, args, binary, tls ? fs.readFileSync(tls.caFile) : undefined);
    await cluster.waitHealthy();
    return cluster;
  }

  async waitHealthy(timeoutMs = 30_000): Promise<void> {
    const client = this.client();
    const until = Date.now() + timeoutMs;
    try {
      for (;;) {
        try {
          await client.put("/health").value("ok").options({ deadline: Date.now() + 2000 });
          return;
        } catch (err) {
          if (Date.now() > until) throw new Error(`etcd cluster in ${this.dir} not healthy after ${timeoutMs} ms: ${String(err)}`);
          await new Promise((r) => setTimeout(r, 200));
        }
      }
    } finally {
      client.close();
    }
  }

  /** kill -9 one member (the cluster keeps a quorum with the other two). */
  kill(index: number): void {
    this.members[index].process.kill("SIGKILL");
  }

  /** SIGSTOP every member: the cluster still accepts connections but answers nothing (a hung store). */
  freeze(): void {
    for (const m of this.members) m.process.kill("SIGSTOP");
  }

  /** SIGCONT every member after `freeze`. */
  thaw(): void {
    for (const m of this.members) m.process.kill("SIGCONT");
  }

  /** Starts a killed member again on its data directory; it rejoins and catches up. */
  async restart(index: number): Promise<void> {
    const m = this.members[index];
    if (m.process.exitCode === null && m.process.signalCode === null) {
      const exited = new Promise((r) => m.process.once("exit", r));
      m.process.kill("SIGKILL");
      await exited;
    }
    m.process = spawnMember(this.binary, this.memberArgs[index], this.dir, index);
    await this.waitHealthy();
  }

  async stop(): Promise<void> {
    await Promise.all(
      this.members.map(
        (m) =>
          new Promise<void>((resolve) => {
            if (m.process.exitCode !== null || m.process.signalCode !== null) return resolve();
            m.process.once("exit", () => resolve());
            m.process.kill("SIGCONT");
            m.process.kill("SIGKILL");
          }),
      ),
    );
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

function spawnMember(binary: string, args: string[], dir: string, i: number): ChildProcess {
  const log = fs.openSync(path.join(dir, `m${i}.log`), "a");
  const child = spawn(binary, args, { stdio: ["ignore", log, log] });
  fs.closeSync(log);
  return child;
}
