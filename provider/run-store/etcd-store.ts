// The `etcd` run store: a stack's lock and runs in a replicated etcd v3 cluster, so that a
// failover outlives the machine running it (the way Patroni keeps its leader key in etcd).
//
//   <prefix>/lock                      the holder (JSON), attached to the run's lease
//   <prefix>/runs/<run>/j/<seq>        the journal: JSON lines, one key per group commit, ordered
//   <prefix>/runs/<run>/a/<name>       artefacts: the report, a drill's outcome
//   <prefix>/index/<run>               the run's summary (what `vmr runs list` reads)
//   <prefix>/end/<run>                 how it ended (finished or discarded), when it did
//   <prefix>/profile                   the stack's latency profile (`vmr calibrate`), for every operator
//
// <prefix> is /pulumi-vm-recovery/v1/<identity key>: the stack's identity, never a secret.
// The lock is a lease that the run keeps alive. Every journal write is one transaction guarded
// by the lease (the lock key must still carry it), so a run that lost its lease can write
// nothing more; and `assertHeld`, checked before each hardware operation, fails once the last
// renewal etcd confirmed is older than the TTL, so a frozen or cut-off run stops acting within
// the TTL even before it hears of the loss.

import { parseJsonText } from "../parse-file";
import * as net from "net";
import * as os from "os";
import * as path from "path";
import { Etcd3, type Lease } from "etcd3";
import { LockHeldError, LockLostError } from "../errors";
import { ValidationError } from "../errors";
import type { RunDiscarded, RunFinished, RunStarted } from "../generated/journal";
import type { LockHolder, LockOptions, StackLock } from "../executor/lock";
import type { JournalRecord, JournalSink } from "../executor/types";
import { identityKey, qualifiedName, type StackIdentity } from "./identity";
import { stateRoot } from "./file-store";
import { LeaseKeeper } from "./lease-keeper";
import type { RunStoreSettings } from "./settings";
import type { RunStore, StoredRun } from "./types";

/**
 * What the etcd store needs: the fields of schemas/run-store.schema.json (the one description of
 * them), with the endpoints required. The password is never printed, logged, journaled or put in a key.
 */
export type EtcdSettings = Omit<RunStoreSettings, "type" | "endpoints"> & { readonly endpoints: readonly string[] };

/** How long one etcd call may take before it fails (a journal write of 512 KiB takes milliseconds). */
const CALL_DEADLINE_MS = 5000;

/** Largest value written in one key (etcd refuses requests over 1.5 MiB by default). */
const MAX_BATCH_BYTES = 512 * 1024;

const pad = (n: number): string => String(n).padStart(12, "0");

export class EtcdRunStore implements RunStore {
  readonly kind = "etcd" as const;
  readonly where: string;
  readonly profileWhere: string;
  private readonly prefix: string;

  private constructor(
    private readonly client: Etcd3,
    private readonly settings: EtcdSettings,
    private readonly identity: StackIdentity,
  ) {
    this.prefix = `/pulumi-vm-recovery/v1/${identityKey(identity)}`;
    this.where = `etcd ${settings.endpoints.join(",")} (stack ${qualifiedName(identity)})`;
    this.profileWhere = `${this.where} key ${this.prefix}/profile`;
  }

  /**
   * Connects and proves the settings with one read, so that a wrong endpoint, certificate or
   * password is a ValidationError naming the setting before any hardware is touched.
   */
  static async connect(settings: EtcdSettings, identity: StackIdentity, settingPrefix = "runStore"): Promise<EtcdRunStore> {
    const client = new Etcd3({
      hosts: [...settings.endpoints],
      dialTimeout: 3000,
      // Every call has a deadline, so none can hold a run (or a refused command) for ever; the
      // client's retries (3 attempts) bound a call to about 3 deadlines. Streams are the lease
      // keeper's, which gives each its own.
      defaultCallOptions: (context) => (context.isStream ? {} : { deadline: Date.now() + CALL_DEADLINE_MS }),
      ...(settings.tls
        ? {
            credentials: {
              rootCertificate: Buffer.from(settings.tls.ca ?? ""),
              ...(settings.tls.key ? { privateKey: Buffer.from(settings.tls.key) } : {}),
              ...(settings.tls.cert ? { certChain: Buffer.from(settings.tls.cert) } : {}),
            },
          }
        : {}),
      ...(settings.user !== undefined ? { auth: { username: settings.user, password: settings.password ?? "", callOptions: { deadline: Date.now() + 5000 } } } : {}),
    });
    const store = new EtcdRunStore(client, settings, identity);
    try {
      await client.get(`${store.prefix}/lock`).options({ deadline: Date.now() + 5000 }).string();
    } catch (err) {
      client.close();
      throw connectError(err, settings, settingPrefix, await anyReachable(settings.endpoints));
    }
    return store;
  }

  async acquireLock(holder: Omit<LockHolder, "pid" | "host" | "since">, options: LockOptions = {}): Promise<StackLock> {
    const ttl = Math.max(2, Math.round(this.settings.leaseTtlSeconds ?? (options.staleMs !== undefined ? options.staleMs / 1000 : 10)));
    const me: LockHolder = { ...holder, pid: process.pid, host: os.hostname(), since: new Date().toISOString() };
    // Renewed by a LeaseKeeper (deadlines and a watchdog), not by etcd3's own loop.
    const lease = this.client.lease(ttl, { autoKeepAlive: false });
    const grantedAt = Date.now();
    const leaseId = await lease.grant();
    const keeper = new LeaseKeeper(lease, ttl, grantedAt, (err) => options.onCompromised?.(err));
    const key = `${this.prefix}/lock`;
    const txn = await this.client
      .if(key, "Create", "==", 0)
      .then(this.client.put(key).value(JSON.stringify(me)).lease(leaseId))
      .else(this.client.get(key))
      .commit();
    if (!txn.succeeded) {
      keeper.stop();
      await lease.revoke().catch(() => undefined);
      const kv = txn.responses[0]?.response_range?.kvs[0];
      let current: LockHolder | undefined;
      try {
        current = kv ? (JSON.parse(kv.value.toString()) as LockHolder) : undefined;
      } catch {
        current = undefined;
      }
      throw heldError(qualifiedName(this.identity), current, this.where);
    }
    const stackName = qualifiedName(this.identity);
    return new EtcdLock(me, lease, leaseId, ttl, keeper, stackName, key, this.client);
  }

  async lockHolder(): Promise<LockHolder | undefined> {
    const text = await this.client.get(`${this.prefix}/lock`).string();
    return text ? (JSON.parse(text) as LockHolder) : undefined;
  }

  async listRuns(): Promise<StoredRun[]> {
    const [index, ends] = await Promise.all([this.client.getAll().prefix(`${this.prefix}/index/`).strings(), this.client.getAll().prefix(`${this.prefix}/end/`).strings()]);
    const runs: StoredRun[] = [];
    for (const [k, v] of Object.entries(index)) {
      const runId = k.slice(k.lastIndexOf("/") + 1);
      const started = JSON.parse(v) as Pick<StoredRun, "stack" | "kind" | "startedAt">;
      const endText = ends[`${this.prefix}/end/${runId}`];
      const end = endText ? (JSON.parse(endText) as RunFinished | RunDiscarded) : undefined;
      runs.push({
        runId,
        ...started,
        ...(end?.type === "run-finished" ? { finished: { status: end.status, at: end.wallTime } } : {}),
        ...(end?.type === "run-discarded" ? { discarded: { at: end.wallTime, ...(end.replacedBy !== undefined ? { replacedBy: end.replacedBy } : {}) } } : {}),
      });
    }
    return runs.sort((a, b) => (a.startedAt < b.startedAt ? -1 : a.startedAt > b.startedAt ? 1 : a.runId.localeCompare(b.runId)));
  }

  async readRecords(runId: string): Promise<JournalRecord[]> {
    const chunks = await this.client.getAll().prefix(`${this.prefix}/runs/${runId}/j/`).sort("Key", "Ascend").buffers();
    const keys = Object.keys(chunks).sort();
    if (keys.length === 0) {
      throw new ValidationError("run", [{ path: "runId", message: `no run ${JSON.stringify(runId)} of stack ${qualifiedName(this.identity)} in ${this.where}: list the runs with \`vmr runs list\`` }]);
    }
    // The keys hold the journal's text cut at any byte: a record larger than one key (a plan of
    // 100,000 steps) spans several. A last line without its newline was torn by a crash: ignored.
    // (bytes joined before decoding: a cut may fall inside a character)
    const lines = Buffer.concat(keys.map((k) => chunks[k])).toString("utf8").split("\n");
    lines.pop();
    return lines.map((line, i) =>
      parseJsonText<JournalRecord>(line, {
        file: `${this.where} run ${runId}`,
        line: i + 1,
        wayOut: "Resuming from a journal with a hole could repeat or skip steps: abandon the run with `--discard-unfinished RUN` and plan afresh",
      }),
    );
  }

  async openJournal(runId: string, lock: StackLock, options: { create: boolean }): Promise<JournalSink> {
    if (!(lock instanceof EtcdLock)) throw new Error("an etcd journal is written under an etcd lock");
    const base = `${this.prefix}/runs/${runId}/j/`;
    let next = 0;
    if (!options.create) {
      // Keys after the last one that ends a line hold a record a crash cut short: removed, under the lease.
      const tail = await this.client.getAll().prefix(base).sort("Key", "Descend").limit(64).strings();
      const torn: string[] = [];
      for (const k of Object.keys(tail).sort().reverse()) {
        if (tail[k].endsWith("\n")) {
          next = Number(k.slice(base.length)) + 1;
          break;
        }
        torn.push(k);
      }
      if (torn.length) {
        next = Math.min(...torn.map((k) => Number(k.slice(base.length))));
        await this.client.if(lock.key, "Lease", "==", lock.leaseId).then(...torn.map((k) => this.client.delete().key(k))).commit();
      }
    }
    return new EtcdJournal(this.client, lock, base, next, (record) => this.extraPuts(runId, record));
  }

  /** The summary and end keys a record also writes, in the same transaction. */
  private extraPuts(runId: string, record: JournalRecord): { key: string; value: string }[] {
    if (record.type === "run-started") {
      const r = record as RunStarted;
      return [{ key: `${this.prefix}/index/${runId}`, value: JSON.stringify({ ...(r.stack !== undefined ? { stack: r.stack } : {}), kind: r.plan.kind, startedAt: r.wallTime }) }];
    }
    if (record.type === "run-finished" || record.type === "run-discarded") return [{ key: `${this.prefix}/end/${runId}`, value: JSON.stringify(record) }];
    if (record.type === "run-resumed") return [{ key: `${this.prefix}/end/${runId}`, value: "" }];
    return [];
  }

  localRunDir(runId: string): string {
    return path.join(stateRoot(), "etcd-reports", identityKey(this.identity), runId);
  }

  async putArtifact(runId: string, name: string, text: string): Promise<void> {
    await this.client.put(`${this.prefix}/runs/${runId}/a/${name}`).value(text);
  }

  async getArtifact(runId: string, name: string): Promise<string | undefined> {
    return (await this.client.get(`${this.prefix}/runs/${runId}/a/${name}`).string()) ?? undefined;
  }

  async getProfile(): Promise<string | undefined> {
    return (await this.client.get(`${this.prefix}/profile`).string()) ?? undefined;
  }

  // Two operators calibrating at once both fit the newest runs: the last write wins, no lock needed.
  async putProfile(text: string): Promise<void> {
    if (Buffer.byteLength(text) > MAX_BATCH_BYTES) throw new Error(`the latency profile is ${Buffer.byteLength(text)} bytes, more than the ${MAX_BATCH_BYTES} one etcd key takes here`);
    await this.client.put(`${this.prefix}/profile`).value(text);
  }

  async close(): Promise<void> {
    this.client.close();
  }
}

class EtcdLock implements StackLock {
  constructor(
    readonly holder: LockHolder,
    private readonly lease: Lease,
    readonly leaseId: string,
    readonly ttlSeconds: number,
    private readonly keeper: LeaseKeeper,
    private readonly stack: string,
    readonly key: string,
    private readonly client: Etcd3,
  ) {}

  get compromised(): Error | undefined {
    return this.keeper.lostWhy();
  }

  assertHeld(): void {
    const why = this.keeper.lostWhy();
    if (why) throw new LockLostError(`stack ${this.stack}`, why.message);
  }

  async release(): Promise<void> {
    // Delete the key only while it is ours, then end the lease.
    this.keeper.stop();
    await this.client.if(this.key, "Lease", "==", this.leaseId).then(this.client.delete().key(this.key)).commit().catch(() => undefined);
    await this.lease.revoke().catch(() => undefined);
  }
}

/**
 * Appends made in one turn of the event loop go in one transaction (group commit), guarded by
 * the lease: the lock key must still carry it. A record is durable (in a quorum's log) when its
 * append resolves; one transaction is in flight at a time, so keys stay in order.
 */
class EtcdJournal implements JournalSink {
  private pending: { line: string; record: JournalRecord; resolve: () => void; reject: (err: unknown) => void }[] = [];
  private flushing: Promise<void> | undefined;
  private failed: unknown;

  constructor(
    private readonly client: Etcd3,
    private readonly lock: EtcdLock,
    private readonly base: string,
    private next: number,
    private readonly extraPuts: (record: JournalRecord) => { key: string; value: string }[],
  ) {}

  append(record: JournalRecord): Promise<void> {
    if (this.failed) return Promise.reject(this.failed);
    return new Promise((resolve, reject) => {
      this.pending.push({ line: `${JSON.stringify(record)}\n`, record, resolve, reject });
      if (!this.flushing) this.flushing = new Promise<void>((done) => queueMicrotask(() => void this.drain().finally(done)));
    });
  }

  async close(): Promise<void> {
    while (this.flushing) await this.flushing;
  }

  private async drain(): Promise<void> {
    while (this.pending.length > 0) {
      const batch: typeof this.pending = [];
      let bytes = 0;
      while (this.pending.length > 0 && (batch.length === 0 || bytes + this.pending[0].line.length <= MAX_BATCH_BYTES)) {
        const item = this.pending.shift()!;
        batch.push(item);
        bytes += item.line.length;
      }
      try {
        const text = Buffer.from(batch.map((b) => b.line).join(""));
        // One key per piece of at most MAX_BATCH_BYTES (etcd caps a request's size); the run's
        // summary keys go with the last piece, once the records are whole.
        for (let at = 0; at < text.length; at += MAX_BATCH_BYTES) {
          this.lock.assertHeld();
          const last = at + MAX_BATCH_BYTES >= text.length;
          const puts = [this.client.put(`${this.base}${pad(this.next)}`).value(text.subarray(at, at + MAX_BATCH_BYTES))];
          if (last) for (const b of batch) for (const p of this.extraPuts(b.record)) puts.push(p.value === "" ? (this.client.delete().key(p.key) as never) : this.client.put(p.key).value(p.value));
          const txn = await this.client.if(this.lock.key, "Lease", "==", this.lock.leaseId).then(...puts).commit();
          if (!txn.succeeded) throw new LockLostError(`stack journal ${this.base}`, "the lock key no longer carries this run's lease: another process holds the stack");
          this.next++;
        }
        for (const b of batch) b.resolve();
      } catch (err) {
        this.failed = err;
        for (const b of [...batch, ...this.pending]) b.reject(err);
        this.pending = [];
      }
    }
    this.flushing = undefined;
  }
}

function heldError(stack: string, holder: LockHolder | undefined, where: string): LockHeldError {
  const who = holder ? `pid ${holder.pid} on ${holder.host} (${holder.purpose} run ${holder.runId}, since ${holder.since})` : "another process";
  const err = new LockHeldError(`stack ${stack}`, who);
  err.message = `stack ${stack} is locked in ${where} by ${who}: one failover at a time per stack; wait for it to end${holder ? `, or, once that process is gone (its lease then expires), resume its run with \`vmr failover --resume ${holder.runId}\`` : ""}`;
  return err;
}

/** Why the store could not be reached, naming the setting to fix; the password is never quoted. */
/** Does any endpoint accept a TCP connection? Then a failure to talk to it is TLS's or auth's, not the address's. */
async function anyReachable(endpoints: readonly string[]): Promise<boolean> {
  const probes = endpoints.map(
    (e) =>
      new Promise<boolean>((resolve) => {
        let url: URL;
        try {
          url = new URL(e);
        } catch {
          return resolve(false);
        }
        const socket = net.connect({ host: url.hostname, port: Number(url.port || 2379) });
        const done = (ok: boolean) => {
          socket.destroy();
          resolve(ok);
        };
        socket.setTimeout(1000, () => done(false));
        socket.once("connect", () => done(true));
        socket.once("error", () => done(false));
      }),
  );
  return (await Promise.all(probes)).some(Boolean);
}

function connectError(err: unknown, settings: EtcdSettings, p: string, reachable: boolean): ValidationError {
  const text = String(err instanceof Error ? err.message : err).split(settings.password || "\u0000").join("***");
  const name = err instanceof Error ? err.constructor.name : "";
  let setting = `${p}.endpoints`;
  let fix = `check that \`${p}.endpoints\` (${settings.endpoints.join(", ")}) names reachable etcd members, with https:// when they serve TLS`;
  if (/auth|password|user name|permission/i.test(`${name} ${text}`)) {
    setting = `${p}.password`;
    fix = `etcd refused user ${JSON.stringify(settings.user ?? "")} with the password given: check \`${p}.user\` and \`${p}.password\` (a secret: \`pulumi config set --secret ...\`)`;
  } else if (/ssl|tls|certificate|handshake|self.signed|verify/i.test(text) || (reachable && (settings.tls !== undefined || settings.endpoints.some((e) => e.startsWith("https:"))))) {
    setting = `${p}.tls.ca`;
    fix = `the TLS handshake failed: check that \`${p}.tls.ca\` is the CA that signed the members' certificates (and \`${p}.tls.cert\`/\`key\` when the cluster asks for a client certificate)`;
  }
  return new ValidationError("run store", [{ path: setting, message: `the etcd run store could not be used (${text}): ${fix}` }]);
}
