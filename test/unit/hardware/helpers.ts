// Shared set-up of the hardware adapter tests: settings pointing at a fake, a log that keeps
// what it is told, and a check that no secret leaked into any text.

import { strict as assert } from "assert";
import type { HmcConnection, SvcConnection } from "../../../provider/generated/adapter-settings";
import type { AdapterLog } from "../../../provider/adapters/http/log";
import { testCerts } from "../../fakes/certs";
import type { FakeHmc } from "../../fakes/hmc";
import type { FakeSvc } from "../../fakes/svc";

export class MemoryLog implements AdapterLog {
  readonly warnings: string[] = [];
  readonly debugs: string[] = [];
  warn(message: string): void {
    this.warnings.push(message);
  }
  debug(message: string): void {
    this.debugs.push(message);
  }
}

export function hmcSettings(hmc: FakeHmc, extra: Partial<HmcConnection> = {}): HmcConnection {
  return {
    url: hmc.url,
    name: "hmc1",
    site: "dc1",
    username: hmc.username,
    password: hmc.password,
    tls: { caBundle: testCerts().caFile },
    pollIntervalSeconds: 0.005,
    jobTimeoutSeconds: 5,
    bootTimeoutSeconds: 2,
    requestTimeoutSeconds: 2,
    retries: 3,
    ...extra,
  };
}

export function svcSettings(svc: FakeSvc, extra: Partial<SvcConnection> = {}): SvcConnection {
  return {
    url: svc.url,
    site: "dc2",
    username: svc.username,
    password: svc.password,
    tls: { caBundle: testCerts().caFile },
    requestTimeoutSeconds: 2,
    retries: 3,
    ...extra,
  };
}

/** Asserts that none of `texts` contains any of `secrets`. */
export function assertNoSecrets(texts: readonly string[], secrets: readonly string[]): void {
  for (const text of texts) {
    for (const secret of secrets) assert.ok(!text.includes(secret), `a secret leaked into: ${text}`);
  }
}

/** The error a promise rejects with (fails when it resolves). */
export async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (err) {
    return err as Error;
  }
  assert.fail("expected a rejection");
}
