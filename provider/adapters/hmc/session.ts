// An HMC web-services session: PUT /rest/api/web/Logon with a LogonRequest gives an
// X-API-Session token, sent on every later call; DELETE on the same address logs off. When the
// HMC answers 401 (the session expired or was dropped), the session logs on again once and
// repeats the request. A 403 is the HMC refusing the user's rights: logging on again would not
// change that (pypowervm re-authenticates on 401 only).

import type { AdapterLog } from "../http/log";
import type { Secrets } from "../http/secrets";
import { failureOfStatus, type HttpRequest, type HttpResponse, type Transport } from "../http/transport";
import { escapeXml, MalformedAnswer, parseXml, textAt } from "./xml";

export const WEB_NS = "http://www.ibm.com/xmlns/systems/power/firmware/web/mc/2012_10/";
export const LOGON_PATH = "/rest/api/web/Logon";
const LOGON_TYPE = "application/vnd.ibm.powervm.web+xml; type=LogonRequest";

export type HmcRequest = Omit<HttpRequest, "headers"> & {
  readonly contentType?: string;
  readonly accept?: string;
  readonly ifMatch?: string;
};

export class HmcSession {
  private token: string | undefined;
  private pendingLogon: Promise<string> | undefined;

  constructor(
    private readonly transport: Transport,
    private readonly username: string,
    private readonly password: string,
    private readonly secrets: Secrets,
    private readonly log: AdapterLog,
  ) {
    secrets.add(password);
  }

  /** Sends `req` in the session, logging on first if needed; a non-2xx answer throws an AdapterError. */
  async send(req: HmcRequest): Promise<HttpResponse> {
    const token = await this.currentToken();
    const res = await this.transport.send(this.withSession(req, token));
    if (res.status !== 401) return this.checked(req, res);
    this.log.debug(`${req.operation} ${req.objectId}: HMC answered ${res.status}; logging on again`);
    const fresh = await this.renew(token);
    return this.checked(req, await this.transport.send(this.withSession(req, fresh)));
  }

  async logoff(): Promise<void> {
    const token = this.token;
    this.token = undefined;
    if (!token) return;
    const req: HttpRequest = {
      method: "DELETE",
      path: LOGON_PATH,
      headers: { "X-API-Session": token, "Content-Type": LOGON_TYPE },
      operation: "logoff",
      objectId: this.username,
    };
    const res = await this.transport.send(req);
    if (res.status >= 300 && res.status !== 401 && res.status !== 403) {
      this.log.debug(this.secrets.redact(`logoff from the HMC answered ${res.status}`));
    }
  }

  private currentToken(): Promise<string> {
    return this.token ? Promise.resolve(this.token) : this.renew(undefined);
  }

  /** Logs on unless another request already replaced `stale`; parallel callers share one logon. */
  private renew(stale: string | undefined): Promise<string> {
    if (this.token && this.token !== stale) return Promise.resolve(this.token);
    if (!this.pendingLogon) {
      this.token = undefined;
      this.pendingLogon = this.logon().finally(() => {
        this.pendingLogon = undefined;
      });
    }
    return this.pendingLogon;
  }

  private async logon(): Promise<string> {
    const body =
      `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n` +
      `<LogonRequest xmlns="${WEB_NS}" schemaVersion="V1_1_0">` +
      `<Metadata><Atom/></Metadata>` +
      `<UserID kb="CUR" kxe="false">${escapeXml(this.username)}</UserID>` +
      `<Password kb="CUR" kxe="false">${escapeXml(this.password)}</Password>` +
      `</LogonRequest>`;
    const req: HttpRequest = {
      method: "PUT",
      path: LOGON_PATH,
      headers: { "Content-Type": LOGON_TYPE, Accept: "application/vnd.ibm.powervm.web+xml; type=LogonResponse" },
      body,
      operation: "logon",
      objectId: this.username,
    };
    const res = await this.transport.send(req);
    if (res.status === 401 || res.status === 403) {
      throw this.transport.fail("fatal", req, `the HMC refused the logon of user ${JSON.stringify(this.username)} (HTTP ${res.status}): check \`hmc.username\` and \`hmc.password\``);
    }
    if (res.status < 200 || res.status >= 300) {
      throw this.transport.fail(failureOfStatus(res.status), req, `logon answered HTTP ${res.status}: ${errorText(res.body)}`);
    }
    let token: string | undefined;
    try {
      token = textAt(parseXml(res.body), "LogonResponse", "X-API-Session")?.replace(/\s+/g, "");
    } catch (err) {
      if (!(err instanceof MalformedAnswer)) throw err;
      throw this.transport.fail("fatal", req, `malformed LogonResponse: ${err.message}`);
    }
    if (!token) throw this.transport.fail("fatal", req, "malformed LogonResponse: no <X-API-Session> in it");
    this.secrets.add(token);
    this.token = token;
    return token;
  }

  private withSession(req: HmcRequest, token: string): HttpRequest {
    const headers: Record<string, string> = { "X-API-Session": token, Accept: req.accept ?? "application/atom+xml; charset=UTF-8" };
    if (req.contentType) headers["Content-Type"] = req.contentType;
    if (req.ifMatch) headers["If-Match"] = req.ifMatch;
    return { method: req.method, path: req.path, body: req.body, operation: req.operation, objectId: req.objectId, headers };
  }

  private checked(req: HmcRequest, res: HttpResponse): HttpResponse {
    if (res.status >= 200 && res.status < 300) return res;
    if (res.status === 401 || res.status === 403) {
      const after = res.status === 401 ? " even after a new logon" : "";
      throw this.transport.fail("fatal", req, `the HMC refused the request${after} (HTTP ${res.status}: ${errorText(res.body)}): does user ${JSON.stringify(this.username)} have the rights for it?`);
    }
    const failure = failureOfStatus(res.status);
    const hint = res.status === 412 ? " (the object changed since it was read: ETag mismatch)" : "";
    throw this.transport.fail(failure, req, `${req.method} ${req.path} answered HTTP ${res.status}${hint}: ${errorText(res.body)}`);
  }
}

/** The <Message> of an HttpErrorResponse, or the start of the body. */
export function errorText(body: string): string {
  const match = /<(?:\w+:)?Message[^>]*>([\s\S]*?)<\/(?:\w+:)?Message>/.exec(body);
  const text = (match ? match[1] : body).replace(/\s+/g, " ").trim();
  return text.length > 300 ? `${text.slice(0, 297)}...` : text || "(empty answer)";
}

