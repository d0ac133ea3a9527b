// Every `vmr` help example can be typed as it stands against examples/basic: each flag is one
// the command takes, and each site, server, group or LPAR it names exists in the default topology
// (examples/basic/topology.yaml) or program (examples/basic/index.ts); the files it names exist.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import type { Command } from "commander";
import { parse } from "yaml";
import { buildProgram } from "../../../provider/cli/main";

const ROOT = path.resolve(__dirname, "..", "..", "..", "..");
const BASIC = path.join(ROOT, "examples", "basic");

interface Known {
  readonly sites: ReadonlySet<string>;
  readonly hosts: ReadonlySet<string>;
  readonly lpars: ReadonlySet<string>;
  readonly groups: ReadonlySet<string>;
}

function knownIds(): Known {
  const topo = parse(fs.readFileSync(path.join(BASIC, "topology.yaml"), "utf8")) as {
    sites: { name: string }[];
    managedSystems: { id: string }[];
    lpars: { id: string }[];
  };
  const program = fs.readFileSync(path.join(BASIC, "index.ts"), "utf8");
  return {
    sites: new Set(topo.sites.map((s) => s.name)),
    hosts: new Set(topo.managedSystems.map((s) => s.id)),
    lpars: new Set(topo.lpars.map((l) => l.id)),
    groups: new Set([...program.matchAll(/new ProtectionGroup\("([^"]+)"/g)].map((m) => m[1])),
  };
}

/** Every command and subcommand, with its full name (`sim faults`). */
function commands(cmd: Command, prefix: string[] = []): { name: string; cmd: Command }[] {
  return cmd.commands.flatMap((c) => {
    const name = [...prefix, c.name()];
    return [{ name: name.join(" "), cmd: c }, ...commands(c, name)];
  });
}

/** The full help text of a command, with the text added after it (where the examples are). */
function helpOf(cmd: Command): string {
  let text = "";
  cmd.configureOutput({ writeOut: (s) => (text += s), writeErr: (s) => (text += s) });
  cmd.outputHelp();
  return text;
}

/** The example command lines under "Examples:", split into words, stopping at a redirection or a comment. */
function examplesOf(help: string): string[][] {
  const at = help.indexOf("\nExamples:\n");
  if (at < 0) return [];
  return help
    .slice(at + "\nExamples:\n".length)
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l.startsWith("vmr "))
    .map((l) => {
      const words = l.split(/\s+/);
      const end = words.findIndex((w) => w === ">" || w.startsWith("("));
      return end < 0 ? words : words.slice(0, end);
    });
}

/** The values each flag of an example is given (the words after it up to the next flag). */
function flagValues(words: readonly string[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  let flag: string | undefined;
  for (const w of words) {
    if (w.startsWith("--")) {
      flag = w;
      if (!out.has(flag)) out.set(flag, []);
    } else if (flag) out.get(flag)!.push(w);
  }
  return out;
}

/** What is wrong with the value of an id-taking flag, or undefined when it names something that exists. */
function idProblems(flag: string, value: string, known: Known): string | undefined {
  const oneOf = (set: ReadonlySet<string>, id: string, what: string) => (set.has(id) ? undefined : `${what} ${JSON.stringify(id)} is not one of ${[...set].join(", ")}`);
  switch (flag) {
    case "--failed-site":
      return oneOf(known.sites, value, "site");
    case "--failed-host":
      return oneOf(known.hosts, value, "managed system");
    case "--group":
      return oneOf(known.groups, value, "protection group");
    case "--permanent":
      return oneOf(known.lpars, value.slice(value.indexOf(":") + 1), "LPAR");
    case "--crash":
      return oneOf(known.hosts, value.slice(0, value.lastIndexOf("@")), "managed system");
    case "--limit": {
      const m = /^system:([^=*]+)=/.exec(value);
      return m ? oneOf(known.hosts, m[1], "managed system") : undefined;
    }
    case "--cwd":
    case "--drill-file":
      return fs.existsSync(path.join(ROOT, value)) ? undefined : `file ${value} does not exist in the repository`;
    case "--topology":
      return value.startsWith("preset:") || fs.existsSync(path.join(ROOT, value)) ? undefined : `topology ${value} is neither a preset nor a file of the repository`;
    default:
      return undefined;
  }
}

describe("vmr help examples", () => {
  const known = knownIds();
  const all = commands(buildProgram());

  it("finds the commands, their examples and the default topology's ids", () => {
    // GIVEN the CLI and examples/basic THEN there is something to check: the test cannot pass vacuously
    assert.ok(known.sites.has("site-a") && known.hosts.has("a-01") && known.groups.has("db"), JSON.stringify([...known.groups]));
    const withExamples = all.filter((c) => examplesOf(helpOf(c.cmd)).length > 0).map((c) => c.name);
    for (const name of ["plan", "check", "failover", "failback", "drill", "report", "sim init", "sim faults"]) assert.ok(withExamples.includes(name), `${name} has no examples`);
  });

  it("name only flags the command takes, and sites, servers, groups, LPARs and files that exist in examples/basic", () => {
    const problems: string[] = [];
    for (const { name, cmd } of all) {
      const flags = new Set(cmd.options.flatMap((o) => [o.long, o.short].filter((f): f is string => f !== undefined)));
      for (const words of examplesOf(helpOf(cmd))) {
        const line = words.join(" ");
        for (const [flag, values] of flagValues(words)) {
          if (!flags.has(flag)) problems.push(`${line}: \`vmr ${name}\` has no flag ${flag}`);
          for (const v of values) {
            const why = idProblems(flag, v, known);
            if (why) problems.push(`${line}: ${flag} ${why}`);
          }
        }
      }
      // Values given as "e.g." in an option's description are examples too.
      for (const o of cmd.options) {
        const eg = /e\.g\. (\S+?)[),]?$/.exec(o.description);
        const why = eg && o.long ? idProblems(o.long, eg[1], known) : undefined;
        if (why) problems.push(`\`vmr ${name}\` ${o.long} description: ${why}`);
      }
    }
    assert.deepEqual(problems, []);
  });
});
