// The HTTPS connection pool of one endpoint: certificates verified against the system CAs or a
// configured bundle; or, with the explicit insecure switch, not verified, and a warning printed
// for every connection made that way (never silent).

import * as fs from "fs";
import { Agent, buildConnector } from "undici";
import type { TlsSettings } from "../../generated/adapter-settings";
import { ValidationError } from "../../errors";
import type { AdapterLog } from "./log";

export interface DispatcherOptions {
  readonly tls?: TlsSettings;
  /** Field path of the settings, for error messages (`hmc.tls`). */
  readonly settingsPath: string;
  /** Upper bound of parallel connections to the endpoint. */
  readonly connections: number;
  readonly log: AdapterLog;
}

export function createDispatcher(options: DispatcherOptions): Agent {
  const { tls, settingsPath, log } = options;
  const ca = tls?.caBundle ? readCaBundle(tls.caBundle, `${settingsPath}.caBundle`) : undefined;
  const insecure = tls?.insecureSkipVerify === true;
  const base = buildConnector({ rejectUnauthorized: !insecure, ...(ca ? { ca } : {}) });
  const connect: buildConnector.connector = insecure
    ? (opts, callback) => {
        log.warn(
          `TLS certificate of ${opts.hostname}:${opts.port} is NOT verified (\`${settingsPath}.insecureSkipVerify\` is true): ` +
            `anyone on the network path can read the credentials. Set \`${settingsPath}.caBundle\` instead.`,
        );
        base(opts, callback);
      }
    : base;
  return new Agent({ connect, connections: options.connections, keepAliveTimeout: 10_000 });
}

function readCaBundle(file: string, field: string): string {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new ValidationError("adapter settings", [
      { path: field, message: `\`${field}\` must name a readable PEM file of CA certificates, got ${JSON.stringify(file)} (${reason})` },
    ]);
  }
  if (!text.includes("-----BEGIN CERTIFICATE-----")) {
    throw new ValidationError("adapter settings", [
      { path: field, message: `\`${field}\` must be a PEM file with at least one "BEGIN CERTIFICATE" block, got ${JSON.stringify(file)}: export the CA in PEM form` },
    ]);
  }
  return text;
}
