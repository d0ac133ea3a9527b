// One HTTP exchange with an endpoint, and the translation of its failures into AdapterErrors:
// network trouble and time-outs are transient, certificate problems fatal with a hint, and every
// message is redacted. Status codes are judged by the callers, who know their protocol.

import { errors as undiciErrors, request, type Dispatcher } from "undici";
import { AdapterError, type AdapterFailure } from "../../errors";
import type { Secrets } from "./secrets";

export interface HttpResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: string;
}

export interface HttpRequest {
  readonly method: "GET" | "PUT" | "POST" | "DELETE";
  /** Path and query, starting with "/". */
  readonly path: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string;
  /** For error messages: what was being done, and to which object. */
  readonly operation: string;
  readonly objectId: string;
}

const TRANSIENT_CODES = new Set([
  "ECONNRESET",
  "ECONNREFUSED",
  "EPIPE",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EAI_AGAIN",
  "UND_ERR_SOCKET",
  "UND_ERR_CLOSED",
  "UND_ERR_CONNECT_TIMEOUT",
  "UND_ERR_HEADERS_TIMEOUT",
  "UND_ERR_BODY_TIMEOUT",
]);

const TLS_CODES = new Set([
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "UNABLE_TO_GET_ISSUER_CERT",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  "SELF_SIGNED_CERT_IN_CHAIN",
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "CERT_HAS_EXPIRED",
  "CERT_NOT_YET_VALID",
  "CERT_UNTRUSTED",
  "ERR_TLS_CERT_ALTNAME_INVALID",
]);

export class Transport {
  private readonly origin: string;
  private closed = false;

  constructor(
    baseUrl: string,
    private readonly dispatcher: Dispatcher,
    private readonly timeoutMs: number,
    private readonly secrets: Secrets,
    /** What the endpoint is, for messages ("HMC hmc1"). */
    private readonly what: string,
  ) {
    this.origin = baseUrl.replace(/\/+$/, "");
  }

  async send(req: HttpRequest): Promise<HttpResponse> {
    try {
      const res = await request(`${this.origin}${req.path}`, {
        method: req.method,
        headers: req.headers,
        body: req.body,
        dispatcher: this.dispatcher,
        // One deadline for the whole exchange (undici's own headers/body time-outs are coarse).
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      const body = await res.body.text();
      return { status: res.statusCode, headers: res.headers, body };
    } catch (err) {
      throw this.networkError(req, err);
    }
  }

  /** An AdapterError for a failed exchange, its message free of secrets. */
  fail(failure: AdapterFailure, req: Pick<HttpRequest, "operation" | "objectId">, message: string): AdapterError {
    return new AdapterError(failure, req.operation, req.objectId, this.secrets.redact(`${this.what}: ${message}`));
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Closes the connections; closing twice is harmless. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.dispatcher.close();
  }

  private networkError(req: HttpRequest, err: unknown): AdapterError {
    const code = errorCode(err);
    const detail = err instanceof Error ? err.message : String(err);
    if (code && TLS_CODES.has(code)) {
      return this.fail(
        "fatal",
        req,
        `TLS verification of ${this.origin} failed (${code}: ${detail}). Trust the server's CA with \`tls.caBundle\` (a PEM file), or check the host name in \`url\`.`,
      );
    }
    if (err instanceof Error && err.name === "TimeoutError") {
      return this.fail("transient", req, `${req.method} ${req.path} failed: no answer within ${this.timeoutMs} ms`);
    }
    if ((code && TRANSIENT_CODES.has(code)) || err instanceof undiciErrors.HeadersTimeoutError || err instanceof undiciErrors.BodyTimeoutError) {
      const timedOut = code?.includes("TIMEOUT") ? ` (no answer within ${this.timeoutMs} ms)` : "";
      return this.fail("transient", req, `${req.method} ${req.path} failed: ${code}${timedOut}: ${detail}`);
    }
    return this.fail("fatal", req, `${req.method} ${req.path} failed: ${code ?? "error"}: ${detail}`);
  }
}

function errorCode(err: unknown): string | undefined {
  // undici wraps socket and TLS errors: the telling code may sit on a cause.
  const codes: string[] = [];
  for (let e: unknown = err, depth = 0; e && depth < 5; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string") codes.push(code);
    e = (e as { cause?: unknown }).cause;
  }
  return codes.find((c) => TLS_CODES.has(c)) ?? codes.find((c) => TRANSIENT_CODES.has(c)) ?? codes[0];
}

/** How a non-success status is treated when the protocol gives it no special meaning. */
export function failureOfStatus(status: number): AdapterFailure {
  if (status >= 500 || status === 408 || status === 429 || status === 412) return "transient";
  if (status === 404) return "notFound";
  if (status === 409) return "conflict";
  return "fatal";
}
