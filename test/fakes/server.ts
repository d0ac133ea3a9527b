// The HTTPS plumbing the fakes share: a loopback server, fault injection (fail, hang or garble
// the next requests), and counters of concurrent requests.

import * as https from "https";
import type { AddressInfo } from "net";
import { testCerts } from "./certs";

export interface FakeRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: string;
}

export interface FakeResponse {
  readonly status: number;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string;
}

type Fault = { kind: "status"; status: number; body: string } | { kind: "hang"; ms: number } | { kind: "garble"; body: string };

export abstract class FakeServer {
  private server: https.Server | undefined;
  private readonly faults: Fault[] = [];
  /** Every request received, in order (bodies included, for secrecy checks). */
  readonly requests: FakeRequest[] = [];
  /** TLS connections accepted. */
  connections = 0;
  inFlight = 0;
  maxInFlight = 0;
  /** Added before every answer, to make a slow server. */
  delayMs = 0;
  url = "";

  protected abstract handle(req: FakeRequest): Promise<FakeResponse> | FakeResponse;
  /** Requests that faults never touch (logon, authentication). */
  protected abstract exempt(req: FakeRequest): boolean;

  async start(): Promise<string> {
    const { key, cert } = testCerts();
    this.server = https.createServer({ key, cert }, (req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        const fake: FakeRequest = { method: req.method ?? "GET", path: req.url ?? "/", headers: req.headers, body: Buffer.concat(chunks).toString("utf8") };
        this.requests.push(fake);
        void this.answer(fake).then(
          (out) => {
            if (out === undefined) return;
            res.writeHead(out.status, out.headers ?? {});
            res.end(out.body ?? "");
          },
          (err: unknown) => {
            res.writeHead(500, { "Content-Type": "text/plain" });
            res.end(`fake server error: ${(err as Error).message}`);
          },
        );
      });
    });
    this.server.on("secureConnection", () => this.connections++);
    await new Promise<void>((resolve) => this.server!.listen(0, "127.0.0.1", resolve));
    this.url = `https://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this.url;
  }

  async stop(): Promise<void> {
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server!.close(() => resolve()));
    this.server = undefined;
  }

  /** The next `count` requests (not logons) answer `status` with `body`. */
  failNext(count: number, status: number, body = ""): void {
    for (let i = 0; i < count; i++) this.faults.push({ kind: "status", status, body });
  }

  /** The next `count` requests (not logons) get no answer for `ms` milliseconds, then a 200. */
  hangNext(count: number, ms: number): void {
    for (let i = 0; i < count; i++) this.faults.push({ kind: "hang", ms });
  }

  /** The next request (not a logon) answers 200 with `body` instead of the real answer. */
  garbleNext(body: string): void {
    this.faults.push({ kind: "garble", body });
  }

  private async answer(req: FakeRequest): Promise<FakeResponse | undefined> {
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      if (this.delayMs > 0) await sleep(this.delayMs);
      const fault = this.exempt(req) ? undefined : this.faults.shift();
      if (fault?.kind === "status") return { status: fault.status, body: fault.body };
      if (fault?.kind === "hang") {
        await sleep(fault.ms);
        return { status: 200, body: "" };
      }
      if (fault?.kind === "garble") return { status: 200, headers: { "Content-Type": "application/atom+xml" }, body: fault.body };
      return await this.handle(req);
    } finally {
      this.inFlight--;
    }
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
