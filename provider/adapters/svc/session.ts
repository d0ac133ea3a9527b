// A Spectrum Virtualize REST session: POST /rest/v1/auth with X-Auth-Username / X-Auth-Password
// gives a token, sent as X-Auth-Token; every CLI command is POST /rest/v1/<command>[/<object>]
// with its named parameters as a JSON body. Tokens expire (one hour on 8.4.1), after which the
// system answers 403: the session authenticates again once and repeats the command.

import type { AdapterFailure } from "../../errors";
import type { AdapterLog } from "../http/log";
import type { Semaphore } from "../http/limiter";
import type { Secrets } from "../http/secrets";
import { failureOfStatus, type HttpRequest, type HttpResponse, type Transport } from "../http/transport";

export type CommandParams = Readonly<Record<string, string | number | boolean>>;

export interface SvcCommand {
  /** CLI command name: lsvdisk, mkvdiskhostmap... */
  readonly command: string;
  /** The positional argument (object id or name), if any. */
  readonly object?: string;
  /** Named parameters without their dash; `true` for a flag (-access, -prep). */
  readonly params?: CommandParams;
  /** For messages: the adapter operation and the object it concerns. */
  readonly operation: string;
  readonly objectId: string;
}

/** CMMVC message codes whose meaning is not "fatal". Codes not listed here are fatal. */
const FAILURE_OF_CODE: Readonly<Record<string, AdapterFailure>> = {
  // The specified object does not exist (or is not a suitable candidate).
  CMMVC5753E: "notFound",
  CMMVC5754E: "notFound",
  CMMVC5804E: "notFound",
  // The cluster (system) is not in a stable state / a configuration change is in progress.
  CMMVC5786E: "transient",
  CMMVC5799E: "transient",
  // The volume is mapped to a host or in a FlashCopy / remote-copy mapping: in use, not gone.
  CMMVC5840E: "conflict",
  // The FlashCopy mapping or group is not in the prepared state: read it again and act on its state.
  CMMVC5907E: "transient",
};

/** The CMMVC message code an error carries, if any. */
export function cliCode(err: unknown): string | undefined {
  return err instanceof Error ? /CMMVC\d{4}[EW]/.exec(err.message)?.[0] : undefined;
}

export class SvcSession {
  private token: string | undefined;
  private pendingAuth: Promise<string> | undefined;

  constructor(
    private readonly transport: Transport,
    private readonly username: string,
    private readonly password: string,
    private readonly secrets: Secrets,
    private readonly requests: Semaphore,
    private readonly log: AdapterLog,
  ) {
    secrets.add(password);
  }

  /** Runs a command; returns its parsed JSON answer ({} for an empty one). */
  async run(cmd: SvcCommand): Promise<unknown> {
    return this.requests.run(async () => {
      const token = await this.currentToken();
      let res = await this.transport.send(this.request(cmd, token));
      if (res.status === 403 || res.status === 401) {
        this.log.debug(`${cmd.operation} ${cmd.objectId}: ${cmd.command} answered ${res.status}; authenticating again`);
        res = await this.transport.send(this.request(cmd, await this.renew(token)));
      }
      return this.answer(cmd, res);
    });
  }

  private request(cmd: SvcCommand, token: string): HttpRequest {
    const path = `/rest/v1/${cmd.command}${cmd.object !== undefined ? `/${encodeURIComponent(cmd.object)}` : ""}`;
    return {
      method: "POST",
      path,
      headers: { "X-Auth-Token": token, "Content-Type": "application/json", Accept: "application/json" },
      body: JSON.stringify(cmd.params ?? {}),
      operation: cmd.operation,
      objectId: cmd.objectId,
    };
  }

  private answer(cmd: SvcCommand, res: HttpResponse): unknown {
    const text = res.body.trim();
    if (res.status >= 200 && res.status < 300) {
      if (text === "") return {};
      try {
        return JSON.parse(text) as unknown;
      } catch {
        throw this.transport.fail("fatal", cmd, `malformed answer to ${cmd.command}: not JSON: ${excerpt(text)}`);
      }
    }
    if (res.status === 401 || res.status === 403) {
      throw this.transport.fail("fatal", cmd, `${cmd.command} refused even after a new authentication (HTTP ${res.status}): does user ${JSON.stringify(this.username)} have the role for it?`);
    }
    const code = /CMMVC\d{4}[EW]/.exec(text)?.[0];
    const failure = code ? (FAILURE_OF_CODE[code] ?? "fatal") : failureOfStatus(res.status);
    throw this.transport.fail(failure, cmd, `${cmd.command}${cmd.object ? ` ${cmd.object}` : ""} answered HTTP ${res.status}: ${excerpt(text) || "(empty answer)"}`);
  }

  private currentToken(): Promise<string> {
    return this.token ? Promise.resolve(this.token) : this.renew(undefined);
  }

  private renew(stale: string | undefined): Promise<string> {
    if (this.token && this.token !== stale) return Promise.resolve(this.token);
    if (!this.pendingAuth) {
      this.token = undefined;
      this.pendingAuth = this.authenticate().finally(() => {
        this.pendingAuth = undefined;
      });
    }
    return this.pendingAuth;
  }

  private async authenticate(): Promise<string> {
    const req: HttpRequest = {
      method: "POST",
      path: "/rest/v1/auth",
      headers: { "X-Auth-Username": this.username, "X-Auth-Password": this.password, Accept: "application/json" },
      operation: "authenticate",
      objectId: this.username,
    };
    const res = await this.transport.send(req);
    if (res.status === 401 || res.status === 403) {
      throw this.transport.fail("fatal", req, `the storage system refused user ${JSON.stringify(this.username)} (HTTP ${res.status}): check \`storage.username\` and \`storage.password\``);
    }
    if (res.status < 200 || res.status >= 300) {
      throw this.transport.fail(failureOfStatus(res.status), req, `authentication answered HTTP ${res.status}: ${excerpt(res.body)}`);
    }
    let token: unknown;
    try {
      token = (JSON.parse(res.body) as { token?: unknown }).token;
    } catch {
      throw this.transport.fail("fatal", req, `malformed answer to /rest/v1/auth: not JSON: ${excerpt(res.body)}`);
    }
    if (typeof token !== "string" || token === "") throw this.transport.fail("fatal", req, "malformed answer to /rest/v1/auth: no \"token\" in it");
    this.secrets.add(token);
    this.token = token;
    return token;
  }
}

function excerpt(text: string): string {
  const t = text.replace(/\s+/g, " ").trim();
  return t.length > 300 ? `${t.slice(0, 297)}...` : t;
}
