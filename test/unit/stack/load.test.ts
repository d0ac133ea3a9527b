// The state loader: exported stack state -> ProtectionModel, with secrets decoded.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { loadProtectionModel, protectionModelFromDeployment, revealSecrets } from "../../../provider/stack";
import { ValidationError } from "../../../provider/errors";

const SIG = { "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270" };
const secret = (v: unknown) => ({ ...SIG, plaintext: JSON.stringify(v) });
const urn = (type: string, name: string) => `urn:pulumi:dev::basic::pulumi-nodejs:dynamic/vmr:${type}::${name}`;

function deployment() {
  return {
    resources: [
      { urn: "urn:pulumi:dev::basic::pulumi:pulumi:Stack::basic-dev", type: "pulumi:pulumi:Stack", custom: false },
      {
        urn: urn("RecoveryTarget", "dr"),
        type: "pulumi-nodejs:dynamic/vmr:RecoveryTarget",
        id: "dr",
        custom: true,
        outputs: {
          __provider: "exports.handler = ...",
          name: "dr",
          site: "site-b",
          systems: ["b-1", "b-2"],
          reserve: { processorUnits: 2, memoryGb: 32 },
          adapter: { type: "hardware", hmc: { url: "https://hmc", username: "hscroot", password: secret("s3cret") } },
          verify: false,
          health: "unverified",
        },
      },
      {
        urn: urn("StorageMapping", "db-volumes"),
        // The provider plugin's token family loads the same way.
        type: "vmr:index:StorageMapping",
        id: "db-volumes",
        custom: true,
        outputs: { name: "db-volumes", consistencyGroup: "cg-db", pairs: [{ source: "v1", replica: "v1r" }], presentation: { via: "npiv" }, mode: "async", rpoSeconds: 30, targetHosts: [] },
      },
      {
        urn: urn("ProtectionGroup", "db"),
        type: "pulumi-nodejs:dynamic/vmr:ProtectionGroup",
        id: "db",
        custom: true,
        outputs: {
          name: "db",
          slaLevel: 5,
          vms: [{ lpar: "db1", after: [] }, { lpar: "db2", slaLevel: 4, after: ["db1"] }],
          antiAffinity: [["db1", "db2"]],
          recoveryTarget: "dr",
          storageMappings: ["db-volumes"],
          hooks: { pre: [{ command: ["/bin/true"], timeoutSeconds: 300 }], post: [] },
          context: secret({ target: { site: "site-b", systems: ["b-1"] }, consistencyGroups: ["cg-db"], claimedElsewhere: [] }),
          readiness: { status: "ready", issues: [] },
        },
      },
      {
        urn: urn("ProtectionGroup", "old"),
        type: "pulumi-nodejs:dynamic/vmr:ProtectionGroup",
        id: "old",
        custom: true,
        delete: true,
        outputs: { name: "old", vms: [{ lpar: "db1" }], recoveryTarget: "dr" },
      },
    ],
  };
}

describe("state loader", () => {
  it("maps the three resource types to the ProtectionModel and skips deleted resources (an old group copy whose VMs a live group lists adds nothing)", () => {
    // GIVEN an exported deployment with a target, a mapping, a group and a group awaiting deletion
    // WHEN it is loaded
    const loaded = protectionModelFromDeployment(deployment());
    // THEN the model holds exactly the live declarations
    assert.equal(loaded.stack, "dev");
    assert.equal(loaded.project, "basic");
    assert.deepEqual(loaded.model.groups, [
      {
        name: "db",
        slaLevel: 5,
        vms: [{ lpar: "db1", after: [] }, { lpar: "db2", slaLevel: 4, after: ["db1"] }],
        antiAffinity: [["db1", "db2"]],
        recoveryTarget: "dr",
        storageMappings: ["db-volumes"],
        hooks: { pre: [{ command: ["/bin/true"], timeoutSeconds: 300 }], post: [] },
      },
    ]);
    assert.deepEqual(loaded.model.storageMappings, [
      { name: "db-volumes", consistencyGroup: "cg-db", pairs: [{ source: "v1", replica: "v1r" }], presentation: { via: "npiv" }, mode: "async", rpoSeconds: 30, targetHosts: [] },
    ]);
    assert.equal(loaded.model.targets.length, 1);
    assert.deepEqual(loaded.model.targets[0].reserve, { processorUnits: 2, memoryGb: 32 });
    assert.deepEqual(loaded.resources.map((r) => r.type), ["RecoveryTarget", "StorageMapping", "ProtectionGroup"]);
  });

  it("decodes secrets and drops __provider", () => {
    // GIVEN a target whose HMC password is a secret envelope WHEN loaded
    const loaded = protectionModelFromDeployment(deployment());
    // THEN the adapter settings hold the plaintext and no resource keeps the serialized provider
    const adapter = loaded.model.targets[0].adapter;
    assert.equal(adapter.type, "hardware");
    assert.equal(adapter.type === "hardware" && !Array.isArray(adapter.hmc) ? adapter.hmc?.password : undefined, "s3cret");
    assert.ok(loaded.resources.every((r) => !("__provider" in r.outputs)));
    assert.deepEqual((loaded.resources[2].outputs.context as { consistencyGroups: string[] }).consistencyGroups, ["cg-db"]);
  });

  it("refuses encrypted secrets with a message saying how to export them", () => {
    // GIVEN an envelope with ciphertext only WHEN revealed THEN a ValidationError names the field and --show-secrets
    assert.throws(
      () => revealSecrets({ a: { ...SIG, ciphertext: "v1:abc" } }, "r"),
      (err: unknown) => err instanceof ValidationError && /`r\.a`/.test(err.message) && /--show-secrets/.test(err.message),
    );
  });

  it("reads a `pulumi stack export` file, with or without the version envelope", async () => {
    // GIVEN the deployment written to a file in both shapes
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "vmr-load-"));
    try {
      const wrapped = path.join(dir, "wrapped.json");
      const bare = path.join(dir, "bare.json");
      fs.writeFileSync(wrapped, JSON.stringify({ version: 3, deployment: deployment() }));
      fs.writeFileSync(bare, JSON.stringify(deployment()));
      // WHEN loaded THEN both give the same model
      const a = await loadProtectionModel({ stackFile: wrapped });
      const b = await loadProtectionModel({ stackFile: bare });
      assert.deepEqual(a.model, b.model);
      assert.equal(a.model.groups[0].name, "db");
      // AND a file that is not an export is bad input naming `stackFile`
      fs.writeFileSync(bare, "{}");
      await assert.rejects(loadProtectionModel({ stackFile: bare }), (err: unknown) => err instanceof ValidationError && /`stackFile`/.test(err.message));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
