// Moving VMs between ProtectionGroups in one `pulumi up`, through the real engine: every
// checkpoint the engine wrote during the `up` (the file backend keeps each one with
// PULUMI_RETAIN_CHECKPOINTS) is read back by `vmr plan` as a stack export, and each VM of the
// program must be planned exactly once, by a group that lists it now or listed it before the
// move. Then the `up` is "interrupted": a checkpoint from the middle of it is imported as the
// stack's state, `vmr plan` on the live stack still plans each VM once and says why, and the
// next `up` finishes the move. Verdicts on the simulator: both moved VMs stay remote-restart
// capable (the releasing group's old copy, deleted last, unmarks nothing another group holds).
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { deployExample, REPO_ROOT, runVmr, startEngine, stateFile, type Engine } from "./engine";
import { capableLpars, editProgram } from "./helpers";

const range = (prefix: string, n: number, width = 1) => Array.from({ length: n }, (_, i) => `${prefix}${String(i + 1).padStart(width, "0")}`);
const ALL_VMS = [...range("db-", 4), ...range("app-", 10, 2), ...range("rpt-", 6)].sort();

interface Checkpoint {
  checkpoint: { latest?: { resources?: { urn: string; type: string; delete?: boolean; outputs?: { name?: string; vms?: { lpar: string }[] } }[] } };
}
interface PlanJson {
  placements: { lpar: string; group: string }[];
  warnings?: string[];
}

describe("moving VMs between protection groups in one pulumi up (real engine)", function () {
  let engine: Engine;
  let dir: string;
  let simDir: string;
  let state: string;

  before(async () => {
    engine = startEngine();
    ({ dir, simDir } = await deployExample(engine, path.join(REPO_ROOT, "examples", "basic"), { up: false }));
    // Both groups carry both consistency groups, so either may hold db-4 or app-10.
    editProgram(dir, "storageMappings: [dbVolumes],", "storageMappings: [dbVolumes, appVolumes],");
    editProgram(dir, "storageMappings: [appVolumes],", "storageMappings: [appVolumes, dbVolumes],");
    await engine.pulumiOk(["up", "--yes", "--skip-preview"], dir);
    state = stateFile(engine, "vmr-basic", "dev");
  });
  after(() => engine?.dispose());

  /** `vmr plan --json` of a site-a failure (db and app run there), from a state file or the live stack. */
  async function planOf(source: string[]): Promise<PlanJson> {
    const r = await runVmr(engine, dir, ["plan", ...source, "--failed-site", "site-a", "--samples", "50", "--json"]);
    assert.equal(r.code, 0, `vmr plan ${source.join(" ")} exited ${r.code}\n${r.stdout}\n${r.stderr}`);
    return JSON.parse(r.stdout) as PlanJson;
  }

  /** Each LPAR of site-a -> the groups planning it. */
  function plannedBy(plan: PlanJson): Map<string, string[]> {
    const out = new Map<string, string[]>();
    for (const p of plan.placements) out.set(p.lpar, [...(out.get(p.lpar) ?? []), p.group]);
    return out;
  }

  /** The groups the checkpoint lists each LPAR in, live ones as `name`, old copies as `name (old copy)`. */
  function listedIn(cp: Checkpoint): Map<string, string[]> {
    const out = new Map<string, string[]>();
    for (const r of cp.checkpoint.latest?.resources ?? []) {
      if (!r.type.endsWith(":ProtectionGroup")) continue;
      for (const v of r.outputs?.vms ?? []) out.set(v.lpar, [...(out.get(v.lpar) ?? []), `${r.outputs?.name}${r.delete ? " (old copy)" : ""}`]);
    }
    return out;
  }

  it("every checkpoint of the up plans each VM exactly once, and the next up after an interruption finishes the move", async function () {
    // GIVEN app-10 moved from app to db, and db-4 from db to app, in one program change
    editProgram(dir, "  vms: dbVms,", '  vms: [...dbVms.filter((v) => v !== "db-4"), "app-10"],');
    editProgram(dir, "antiAffinity: [[\"db-1\", \"db-2\"], [\"db-3\", \"db-4\"]],", 'antiAffinity: [["db-1", "db-2"]],');
    editProgram(dir, '  vms: appVms.map((lpar) => (lpar === "app-01" ? { lpar } : { lpar, after: ["app-01"] })),', '  vms: [...appVms.filter((v) => v !== "app-10").map((lpar) => (lpar === "app-01" ? { lpar } : { lpar, after: ["app-01"] })), "db-4"],');
    const stacks = path.dirname(state);
    const retained = () => fs.readdirSync(stacks).filter((f) => /^dev\.json\.\d+$/.test(f)).sort((a, b) => Number(BigInt(a.split(".").pop()!) - BigInt(b.split(".").pop()!)));
    assert.deepEqual(retained(), []);

    // WHEN brought up, the file backend keeping every checkpoint it writes
    engine.env.PULUMI_RETAIN_CHECKPOINTS = "true";
    try {
      await engine.pulumiOk(["up", "--yes", "--skip-preview"], dir);
    } finally {
      delete engine.env.PULUMI_RETAIN_CHECKPOINTS;
    }

    // THEN at every checkpoint, the plan of a site-a failure has each VM of site-a exactly once
    const siteA = [...range("db-", 4), ...range("app-", 10, 2)].sort();
    const files = retained();
    assert.ok(files.length >= 4, `the up wrote ${files.length} checkpoints`);
    /** Checkpoints at which the rule had to settle a moved VM (listed only by an old copy, or by two live groups). */
    const halfWay: string[] = [];
    for (const file of files) {
      const cp = JSON.parse(fs.readFileSync(path.join(stacks, file), "utf8")) as Checkpoint;
      const exportFile = path.join(engine.dir, `${file}.export.json`);
      fs.writeFileSync(exportFile, JSON.stringify({ version: 3, deployment: cp.checkpoint.latest }));
      const plan = await planOf(["--stack-file", exportFile]);
      const by = plannedBy(plan);
      const listed = listedIn(cp);
      assert.deepEqual([...by.keys()].sort(), siteA, `${file}: planned ${[...by.keys()].sort().join(", ")}`);
      for (const lpar of siteA) {
        const groups = by.get(lpar)!;
        assert.equal(groups.length, 1, `${file}: ${lpar} planned by ${groups.join(", ")}`);
        // by a group that lists it at this checkpoint, live or as an old copy
        assert.ok((listed.get(lpar) ?? []).some((g) => g.replace(" (old copy)", "") === groups[0]), `${file}: ${lpar} planned by ${groups[0]}, listed in ${listed.get(lpar)?.join(", ")}`);
      }
      const live = (lpar: string) => (listed.get(lpar) ?? []).filter((g) => !g.endsWith("(old copy)")).length;
      if (live("app-10") !== 1 || live("db-4") !== 1) {
        halfWay.push(file);
        // the plan says so, naming the moved VM
        assert.ok((plan.warnings ?? []).some((w) => /"(app-10|db-4)".*run `pulumi up` to finish/.test(w)), `${file}: ${(plan.warnings ?? []).join("\n")}`);
      }
    }
    // AND the up went through the states the rule is for: a moved VM listed only by an old copy
    // (the releasing group replaced before the receiver recorded it), or by two live groups
    assert.ok(halfWay.length > 0, "no checkpoint caught a move half-way");
    this.test!.title += ` (${files.length} checkpoints, ${halfWay.length} half-way)`;

    // AND after the up, the moved VMs are in their new groups only, no old copy is left, and
    // the simulator still has every VM remote-restart capable
    const final = listedIn(JSON.parse(fs.readFileSync(state, "utf8")) as Checkpoint);
    assert.deepEqual([final.get("app-10"), final.get("db-4")], [["db"], ["app"]]);
    assert.deepEqual(await capableLpars(simDir), ALL_VMS);
    const after = plannedBy(await planOf(["--stack", "dev"]));
    assert.deepEqual([after.get("app-10"), after.get("db-4")], [["db"], ["app"]]);
    await engine.pulumiOk(["preview", "--expect-no-changes"], dir);

    // WHEN the up is interrupted half-way: its middle checkpoint becomes the stack's state
    const middle = halfWay[0];
    const cp = JSON.parse(fs.readFileSync(path.join(stacks, middle), "utf8")) as Checkpoint;
    const importFile = path.join(engine.dir, "interrupted.json");
    // (a killed `up` also leaves its in-flight operations, which `pulumi stack import` clears)
    fs.writeFileSync(importFile, JSON.stringify({ version: 3, deployment: { ...cp.checkpoint.latest, pending_operations: [] } }));
    await engine.pulumiOk(["stack", "import", "--file", importFile], dir);
    // THEN `vmr plan` on the live stack plans each VM once, and says the move is half done
    const interrupted = await planOf(["--stack", "dev"]);
    const by = plannedBy(interrupted);
    assert.deepEqual([...by.keys()].sort(), siteA);
    assert.ok([...by.values()].every((g) => g.length === 1));
    assert.ok((interrupted.warnings ?? []).some((w) => /run `pulumi up` to finish/.test(w)), (interrupted.warnings ?? []).join("\n"));
    // AND the next up finishes the move: new groups only, every VM still capable, nothing left to do
    await engine.pulumiOk(["up", "--yes", "--skip-preview"], dir);
    const finished = listedIn(JSON.parse(fs.readFileSync(state, "utf8")) as Checkpoint);
    assert.deepEqual([finished.get("app-10"), finished.get("db-4")], [["db"], ["app"]]);
    assert.deepEqual(await capableLpars(simDir), ALL_VMS);
    await engine.pulumiOk(["preview", "--expect-no-changes"], dir);
  });
});
