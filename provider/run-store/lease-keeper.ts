// Keeps a run's etcd lease alive, with a deadline on every renewal and a watchdog on the whole.
//
// etcd3's own keep-alive loop (`autoKeepAlive`) is not used: it waits on one long-lived stream
// with no deadline, and a reply that lands after the lease was revoked re-arms its TTL-long
// timer, so a refused `vmr` lingered a whole TTL (60 s in a test) before it could exit, while the
// holder it was refused by sat frozen past its own lease. Here each renewal is one keep-alive
// with a deadline (`keepaliveOnce`), sent every TTL/3 (as etcd's Go client does), one at a time;
// a renewal counts from when it was sent, since etcd restarted the TTL no earlier than that.
// The watchdog: once no renewal was confirmed for a TTL, or etcd says the lease is gone, the
// lease is lost for good: `lostWhy()` says why, `onLost` is called once, and renewing stops
// (another process may hold the stack by then; this run must act no more).

import type { Lease } from "etcd3";

/** Pause before sending again a renewal that failed (as etcd3's own loop did). */
const RETRY_MS = 100;

export class LeaseKeeper {
  private renewedAt: number;
  private lost: Error | undefined;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  /**
   * `grantedAt`: when the grant was sent. Starts renewing at once. `onLost` is called once, at
   * the first of: etcd refuses a renewal (the lease expired or was revoked), or no renewal was
   * confirmed for `ttlSeconds`.
   */
  constructor(
    private readonly lease: Lease,
    private readonly ttlSeconds: number,
    grantedAt: number,
    private readonly onLost: (err: Error) => void,
    private readonly now: () => number = Date.now,
  ) {
    this.renewedAt = grantedAt;
    lease.on("lost", (err: Error) => this.declareLost(err));
    this.schedule(0);
  }

  private get intervalMs(): number {
    return (this.ttlSeconds * 1000) / 3;
  }

  /** Why the lease is no longer ours (lost, or unconfirmed for a TTL), or undefined while it is. */
  lostWhy(): Error | undefined {
    if (this.lost) return this.lost;
    if (this.now() - this.renewedAt > this.ttlSeconds * 1000) {
      this.declareLost(new Error(`no renewal of its ${this.ttlSeconds} s lease confirmed since ${new Date(this.renewedAt).toISOString()}`));
    }
    return this.lost;
  }

  /** Stops renewing (the lease is being released or revoked). */
  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private schedule(delayMs: number): void {
    if (this.stopped || this.lost) return;
    this.timer = setTimeout(() => void this.renewOnce(), Math.max(0, delayMs));
  }

  private async renewOnce(): Promise<void> {
    this.timer = undefined;
    if (this.stopped || this.lostWhy()) return;
    const sentAt = this.now();
    try {
      // The deadline ends a renewal that got no answer (a member gone, a stream stuck, this
      // process frozen): the next is sent, and the watchdog counts from the last confirmed one.
      await this.lease.keepaliveOnce({ deadline: new Date(sentAt + Math.max(500, this.intervalMs)) });
      if (!this.stopped) this.renewedAt = Math.max(this.renewedAt, sentAt);
      this.schedule(sentAt + this.intervalMs - this.now());
    } catch {
      // A refusal by etcd (lease gone) came as `lost`; anything else is one missed renewal
      // (often a member that died: each renewal picks a member at random), tried again at once.
      this.schedule(RETRY_MS);
    }
  }

  private declareLost(err: Error): void {
    if (this.lost || this.stopped) return;
    this.lost = err;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.onLost(err);
  }
}
