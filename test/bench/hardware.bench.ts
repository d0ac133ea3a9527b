// The hardware adapters' own cost against the fake HMC and SVC on loopback HTTPS: remote
// restarts at several concurrency limits against the lower bound the limit allows, and HTTP
// requests per operation (session, job submission, polling, clean-up).

import { HmcComputeAdapter } from "../../provider/adapters/hmc/adapter";
import { SvcStorageAdapter } from "../../provider/adapters/svc/adapter";
import type { AdapterLog } from "../../provider/adapters/http/log";
import { testCerts } from "../fakes/certs";
import { FakeHmc } from "../fakes/hmc";
import { FakeSvc } from "../fakes/svc";
import type { BenchContext } from "./main";

const quiet: AdapterLog = { warn: () => undefined, debug: () => undefined };

async function restarts(lpars: number, limit: number, jobMs: number): Promise<{ wallMs: number; requests: number; polls: number; reads: number }> {
  const hmc = new FakeHmc();
  hmc.jobMs = jobMs;
  hmc.bootMs = 1;
  hmc.addSystem("sys-a", "error");
  for (const t of ["sys-b", "sys-c", "sys-d", "sys-e"]) hmc.addSystem(t);
  for (let i = 0; i < lpars; i++) hmc.addLpar(`lpar${i}`, "sys-a");
  await hmc.start();
  const adapter = new HmcComputeAdapter(
    { url: hmc.url, name: "hmc1", username: hmc.username, password: hmc.password, tls: { caBundle: testCerts().caFile }, maxConcurrentJobs: limit, pollIntervalSeconds: jobMs / 4000 },
    { log: quiet },
  );
  try {
    await adapter.inventory();
    const before = hmc.requests.length;
    const started = Date.now();
    const targets = ["sys-b", "sys-c", "sys-d", "sys-e"];
    await Promise.all(Array.from({ length: lpars }, (_, i) => adapter.remoteRestart({ lparId: `lpar${i}`, targetSystemId: targets[i % 4], volumeIds: [] })));
    const made = hmc.requests.slice(before);
    return {
      wallMs: Date.now() - started,
      requests: made.length,
      polls: made.filter((r) => r.method === "GET" && r.path.startsWith("/rest/api/uom/jobs/")).length,
      reads: made.filter((r) => r.method === "GET" && !r.path.startsWith("/rest/api/uom/jobs/")).length,
    };
  } finally {
    await adapter.close();
    await hmc.stop();
  }
}

async function mappings(volumes: number, limit: number, delayMs: number): Promise<{ wallMs: number; requests: number }> {
  const svc = new FakeSvc();
  svc.delayMs = delayMs;
  svc.addHost("sys-b");
  for (let i = 0; i < volumes; i++) svc.addVdisk(`vol${i}`, 10);
  await svc.start();
  const adapter = new SvcStorageAdapter({ url: svc.url, username: svc.username, password: svc.password, tls: { caBundle: testCerts().caFile }, maxConcurrentRequests: limit }, { log: quiet });
  try {
    await adapter.limits();
    const before = svc.requests.length;
    const started = Date.now();
    await Promise.all(Array.from({ length: volumes }, (_, i) => adapter.mapVolume({ volumeId: `vol${i}`, hostId: "sys-b", via: "vscsi" })));
    return { wallMs: Date.now() - started, requests: svc.requests.length - before };
  } finally {
    await adapter.close();
    await svc.stop();
  }
}

export const title = "Hardware adapters against the fake HMC and SVC (loopback HTTPS)";

export async function run(ctx: BenchContext): Promise<void> {
  const lpars = ctx.quick ? 32 : 64;
  const jobMs = ctx.quick ? 40 : 80;
  ctx.print(`Remote restarts of ${lpars} LPARs onto 4 systems, each job ${jobMs} ms in the fake HMC:`);
  ctx.print("");
  ctx.print("Per restart: one read of the LPAR (a burst shares one read of its system's feed), the job's PUT, its status polls (with back-off), its DELETE.");
  ctx.print("");
  ctx.print("| maxConcurrentJobs | wall ms | lower bound ms | wall / bound | speedup over 1 | HTTP requests per restart | of which reads | of which job polls |");
  ctx.print("|---|---|---|---|---|---|---|---|");
  let serial = 0;
  for (const limit of [1, 4, 16]) {
    const r = await restarts(lpars, limit, jobMs);
    if (limit === 1) serial = r.wallMs;
    const bound = Math.ceil(lpars / limit) * jobMs;
    ctx.print(`| ${limit} | ${r.wallMs} | ${bound} | ${(r.wallMs / bound).toFixed(2)} | ${(serial / r.wallMs).toFixed(1)}x | ${(r.requests / lpars).toFixed(1)} | ${(r.reads / lpars).toFixed(2)} | ${(r.polls / lpars).toFixed(1)} |`);
  }
  const volumes = ctx.quick ? 100 : 300;
  const delayMs = 5;
  ctx.print("");
  ctx.print(`Volume mappings of ${volumes} volumes, each command ${delayMs} ms in the fake SVC:`);
  ctx.print("");
  ctx.print("| maxConcurrentRequests | wall ms | lower bound ms | wall / bound | HTTP requests per mapping |");
  ctx.print("|---|---|---|---|---|");
  for (const limit of [1, 4]) {
    const r = await mappings(volumes, limit, delayMs);
    // Each mapping reads the volume's mappings, then maps it: two commands.
    const bound = Math.ceil((2 * volumes) / limit) * delayMs;
    ctx.print(`| ${limit} | ${r.wallMs} | ${bound} | ${(r.wallMs / bound).toFixed(2)} | ${(r.requests / volumes).toFixed(1)} |`);
  }
}
