// `vmr sim ...`: create and drive the embedded PowerVM/SAN simulator. Thin: parses flags, calls
// the functions of adapters/simulator/control.ts, prints.

import { InvalidArgumentError, type Command } from "commander";
import { formatStatus, parseFaultFlags, simFailHost, simFailSite, simInit, simRepair, simSetFaults, simSetVios, simStatus } from "../../adapters/simulator/control";
import { plural } from "../../text";

function parseSeed(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n)) throw new InvalidArgumentError(`--seed must be an integer, got ${JSON.stringify(value)}`);
  return n;
}

const STATE_HELP = "simulator state directory (default: $VMR_SIM_STATE, then ./.vmr/sim)";

export function register(program: Command): void {
  const sim = program.command("sim").description("Create and drive the embedded PowerVM/SAN simulator.");

  sim
    .command("init")
    .description("Create a simulated datacenter from a topology file (YAML or JSON) or a preset.")
    .requiredOption("--topology <file|preset:NAME>", "topology file, or preset:small | preset:paper | preset:large")
    .option("--state <dir>", STATE_HELP)
    .option("--seed <n>", "seed of the latency and fault draws (and of a preset's generator)", parseSeed)
    .option("--force", "replace an existing state directory", false)
    .addHelpText("after", "\nExamples:\n  vmr sim init --topology preset:small\n  vmr sim init --topology examples/basic/topology.yaml --state ./dc --seed 7 --force")
    .action(async (opts: { topology: string; state?: string; seed?: number; force: boolean }) => {
      const started = Date.now();
      const r = await simInit({ topology: opts.topology, stateDir: opts.state, seed: opts.seed, force: opts.force });
      process.stdout.write(
        `created ${r.stateDir}: ${plural(r.sites, "site")}, ${plural(r.managedSystems, "managed system")}, ${plural(r.lpars, "LPAR")}, ${plural(r.volumes, "volume")}, ` +
          `${plural(r.hostMappings, "host mapping")}, ${plural(r.consistencyGroups, "consistency group")} (${((Date.now() - started) / 1000).toFixed(1)} s)\n`,
      );
    });

  sim
    .command("status")
    .description("Summarise the simulated datacenter: systems, LPARs, volumes, groups, jobs in flight.")
    .option("--state <dir>", STATE_HELP)
    .option("--json", "print JSON", false)
    .action(async (opts: { state?: string; json: boolean }) => {
      const st = await simStatus({ stateDir: opts.state });
      process.stdout.write(opts.json ? `${JSON.stringify(st, null, 2)}\n` : `${formatStatus(st)}\n`);
    });

  sim
    .command("fail-host <name>")
    .description("Crash a managed system (id or name): state Error, its LPARs in Error.")
    .option("--state <dir>", STATE_HELP)
    .action(async (name: string, opts: { state?: string }) => {
      const r = await simFailHost(name, { stateDir: opts.state });
      process.stdout.write(`failed ${r.managedSystems.join(", ")}\n`);
    });

  sim
    .command("fail-vios <system> <vios>")
    .description("Stop one VIOS of a managed system: the VLANs only it bridges reach no other system until it is back (--repair).")
    .option("--state <dir>", STATE_HELP)
    .option("--repair", "bring the VIOS back instead", false)
    .action(async (system: string, vios: string, opts: { state?: string; repair: boolean }) => {
      const r = await simSetVios(system, vios, opts.repair, { stateDir: opts.state });
      process.stdout.write(`${opts.repair ? "repaired" : "failed"} VIOS ${r.vios} of ${r.system}; failed VIOSes now: ${r.failedVioses.join(", ") || "none"}\n`);
    });

  sim
    .command("fail-site <name>")
    .description("Lose a site: every managed system crashes and its storage goes offline.")
    .option("--state <dir>", STATE_HELP)
    .action(async (name: string, opts: { state?: string }) => {
      const r = await simFailSite(name, { stateDir: opts.state });
      process.stdout.write(`failed ${plural(r.managedSystems.length, "managed system")} and ${plural(r.storageSystems.length, "storage system")} of ${name}\n`);
    });

  sim
    .command("repair <name>")
    .description("Bring a managed system, or every system and storage of a site, back in service.")
    .option("--state <dir>", STATE_HELP)
    .action(async (name: string, opts: { state?: string }) => {
      const r = await simRepair(name, { stateDir: opts.state });
      process.stdout.write(`repaired ${plural(r.managedSystems.length, "managed system")} and ${plural(r.storageSystems.length, "storage system")}\n`);
    });

  sim
    .command("faults")
    .description("Replace the injected faults of a live simulator (the flags given are the new set; none clears them).")
    .option("--state <dir>", STATE_HELP)
    .option("--transient <probability>", "probability that an operation fails with a transient error (seeded)")
    .option("--mid-job <probability>", "probability that an accepted job fails part way through, after part of its time (seeded)")
    .option("--permanent <op:objectId...>", "operations that always fail, e.g. remoteRestart:db-1")
    .option("--crash <host@seconds...>", "a managed system crashes this many simulated seconds after init, e.g. a-01@600")
    .addHelpText("after", "\nExamples:\n  vmr sim faults --transient 0.05 --permanent remoteRestart:db-1 --crash a-02@600\n  vmr sim faults --mid-job 0.1\n  vmr sim faults   (clears them)")
    .action(async (opts: { state?: string; transient?: string; midJob?: string; permanent?: string[]; crash?: string[] }) => {
      const faults = parseFaultFlags(opts);
      await simSetFaults(faults, { stateDir: opts.state });
      process.stdout.write(`faults now: ${JSON.stringify(faults)}\n`);
    });
}
