// The three providers' check never quotes a credential: a bad adapter that carries a password is
// reported by field and reason, with the password masked; values that are not secret stay quoted.
import { strict as assert } from "assert";
import * as sinon from "sinon";
import { protectionGroupOps } from "../../../provider/resources/runtime/protection-group";
import { recoveryTargetOps } from "../../../provider/resources/runtime/recovery-target";
import { storageMappingOps } from "../../../provider/resources/runtime/storage-mapping";
import type { AdapterOpener, CheckFailure } from "../../../provider/resources/runtime/common";
import { fakeAdapters, smallWorld } from "./fakes";

const PASSWORDS: readonly (string | number)[] = ["S3cretPassw0rd!", 12345678];

interface Resource {
  readonly name: string;
  /** The connection of the adapter the password goes in. */
  readonly connection: "hmc" | "storage";
  /** Where the adapter sits in the inputs, as failures name it. */
  readonly adapterPath: string;
  readonly check: (open: AdapterOpener, adapter: Record<string, unknown>) => Promise<{ failures: CheckFailure[] }>;
}

const RESOURCES: readonly Resource[] = [
  {
    name: "RecoveryTarget",
    connection: "hmc",
    adapterPath: "adapter",
    check: (open, adapter) => recoveryTargetOps(open).check({}, { name: "dr", site: "dr", systems: ["dr-a"], adapter }),
  },
  {
    name: "StorageMapping",
    connection: "storage",
    adapterPath: "adapter",
    check: (open, adapter) => storageMappingOps(open).check({}, { name: "apps", consistencyGroup: "cg1", pairs: [{ source: "app1-vol", replica: "app1-vol-r" }], adapter }),
  },
  {
    name: "ProtectionGroup",
    connection: "hmc",
    adapterPath: "context.target.adapter",
    check: (open, adapter) =>
      protectionGroupOps(open).check({}, {
        name: "web",
        vms: [{ lpar: "app1" }],
        recoveryTarget: "dr",
        context: { target: { site: "dr", systems: ["dr-a"], adapter }, consistencyGroups: ["cg1"], claimedElsewhere: [] },
      }),
  },
];

/** A connection with the password first, so a value cut to 60 characters still holds it. */
const connection = (password: unknown, url = "https://hmc1.example.com:12443") => ({ password, url, username: "hscroot" });

describe("check failures never quote a secret", () => {
  let sandbox: sinon.SinonSandbox;
  let open: sinon.SinonStub;

  beforeEach(() => {
    sandbox = sinon.createSandbox();
    open = fakeAdapters(sandbox, smallWorld()).open;
  });
  afterEach(() => sandbox.restore());

  for (const r of RESOURCES) {
    describe(r.name, () => {
      for (const password of PASSWORDS) {
        it(`masks a ${typeof password} password in an adapter with an unknown type, and still names the field and the reason`, async () => {
          // GIVEN an adapter of type "hw" whose connection carries a password
          const adapter = { type: "hw", [r.connection]: connection(password) };
          // WHEN checked
          const { failures } = await r.check(open, adapter);
          // THEN the adapter's type is named, the wrong value quoted with the password masked
          assert.deepEqual(failures.map((f) => f.property), [r.adapterPath]);
          assert.match(failures[0].reason, /needs a valid `type` field, got \{"type":"hw",/);
          assert.ok(failures[0].reason.includes(`"password":"[secret]"`), failures[0].reason);
          assert.ok(!JSON.stringify(failures).includes(String(password)), JSON.stringify(failures));
          sinon.assert.notCalled(open);
        });
      }

      it("masks a password of the wrong type, and says which type it has", async () => {
        // GIVEN a hardware adapter whose password is a number
        const adapter = { type: "hardware", [r.connection]: connection(12345678) };
        // WHEN checked
        const { failures } = await r.check(open, adapter);
        // THEN the password field is named and its type told, never its value
        const field = `${r.adapterPath}.${r.connection}.password`;
        assert.deepEqual(failures, [{ property: field, reason: `\`${field}\` must be of type string, got [secret] (a number)` }]);
      });

      it("still quotes a value that is not secret", async () => {
        // GIVEN a hardware adapter with a plain-HTTP address and a good password
        const adapter = { type: "hardware", [r.connection]: connection("S3cretPassw0rd!", "http://plain.example.com") };
        // WHEN checked
        const { failures } = await r.check(open, adapter);
        // THEN the address is quoted, and the password appears nowhere
        assert.deepEqual(failures.map((f) => f.property), [`${r.adapterPath}.${r.connection}.url`]);
        assert.match(failures[0].reason, /must match \^https:\/\/.*, got "http:\/\/plain\.example\.com"$/);
        assert.ok(!JSON.stringify(failures).includes("S3cretPassw0rd!"));
      });
    });
  }
});
