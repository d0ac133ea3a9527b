// The package schema is derived from schemas/: these cases pin the translation rules on small
// in-memory schemas; package-schema-current.test.ts checks the real one against schema.json.
import { strict as assert } from "assert";
import { buildPackageSchema, secretPaths } from "../../../provider/plugin/package-schema";

const id = { type: "string", pattern: "^[a-z]+$", description: "An identifier." };
const settings = {
  title: "AdapterSettings",
  discriminator: { propertyName: "type" },
  oneOf: [{ $ref: "#/definitions/Sim" }, { $ref: "#/definitions/Hw" }],
  definitions: {
    Sim: { type: "object", required: ["type"], properties: { type: { type: "string", const: "simulator" } } },
    Hw: {
      type: "object",
      required: ["type"],
      properties: {
        type: { type: "string", const: "hardware" },
        hmc: { type: "object", properties: { password: { type: "string", description: "Kept secret.", "x-pulumi-secret": true } } },
      },
    },
  },
};
const resource = (extra: Record<string, unknown>) => ({
  description: "A resource.",
  type: "object",
  required: ["name", "site"],
  properties: {
    name: { $ref: "#/definitions/Id", description: "Name.\n@default the Pulumi resource name" },
    site: { $ref: "#/definitions/Id" },
    mode: { type: "string", enum: ["sync", "async"], default: "sync" },
    reserve: { type: "object", properties: { memoryGb: { type: "number", default: 0 } }, default: {} },
    adapter: { $ref: "adapter-settings.schema.json" },
    ...extra,
  },
  definitions: { Id: id },
});
const documents: Record<string, unknown> = {
  "adapter-settings": settings,
  "recovery-target": resource({}),
  "storage-mapping": resource({ pairs: { type: "array", items: { $ref: "#/definitions/Pair" } } }),
  "protection-group": resource({}),
  "network-mapping": resource({}),
  "resource-outputs": {
    definitions: {
      RecoveryTargetOutputs: { type: "object", required: ["health"], properties: { health: { type: "string", enum: ["healthy", "down"] } } },
      StorageMappingOutputs: { type: "object", properties: { lagSeconds: { type: "number" } } },
      ProtectionGroupOutputs: { type: "object", properties: {} },
      NetworkMappingOutputs: { type: "object", properties: {} },
    },
  },
};
(documents["storage-mapping"] as { definitions: Record<string, unknown> }).definitions.Pair = {
  type: "object",
  required: ["source"],
  properties: { source: { $ref: "#/definitions/Id" } },
};
const load = (name: string) => {
  const doc = documents[name];
  if (!doc) throw new Error(`no schema ${name}`);
  return structuredClone(doc) as never;
};

describe("package schema derivation", () => {
  it("turns each resource's input schema into input and output properties under vmr:index tokens", () => {
    // GIVEN small schemas WHEN the package schema is derived
    const pkg = buildPackageSchema(load);
    const target = pkg.resources["vmr:index:RecoveryTarget"];
    // THEN inputs carry descriptions, primitive defaults and inline string refs
    assert.equal(pkg.name, "vmr");
    assert.equal(target.description, "A resource.");
    assert.deepEqual(target.inputProperties.site, { type: "string", description: "An identifier." });
    assert.equal(target.inputProperties.name.description, "Name.\n@default the Pulumi resource name");
    assert.equal(target.inputProperties.mode.default, "sync");
    assert.equal(target.inputProperties.reserve.default, undefined, "object defaults are left to the description");
    // AND the name, defaulted by the provider, is not a required input but always an output
    assert.deepEqual(target.requiredInputs, ["site"]);
    assert.deepEqual(target.required.sort(), ["health", "name", "site"]);
    // AND observed outputs are added to the output properties only
    assert.deepEqual(target.properties.health, { type: "string", description: "Allowed values: \"healthy\", \"down\"." });
    assert.equal(target.inputProperties.health, undefined);
  });

  it("names object types after their definition or their place, keeps unions discriminated, and lists enum values", () => {
    const pkg = buildPackageSchema(load);
    assert.deepEqual(pkg.types["vmr:index:Pair"], { type: "object", properties: { source: { type: "string", description: "An identifier." } }, required: ["source"] });
    assert.deepEqual(pkg.resources["vmr:index:RecoveryTarget"].inputProperties.mode, { type: "string", default: "sync", description: "Allowed values: \"sync\", \"async\"." });
    assert.equal(Object.keys(pkg.types).some((t) => t.endsWith("Mode")), false, "no enum types");
    assert.ok(pkg.types["vmr:index:RecoveryTargetReserve"]);
    const adapter = pkg.resources["vmr:index:StorageMapping"].inputProperties.adapter;
    assert.deepEqual(adapter.oneOf, [{ $ref: "#/types/vmr:index:Sim" }, { $ref: "#/types/vmr:index:Hw" }]);
    assert.deepEqual(adapter.discriminator, { propertyName: "type", mapping: { simulator: "#/types/vmr:index:Sim", hardware: "#/types/vmr:index:Hw" } });
    const hmc = pkg.types["vmr:index:HwHmc"] as { properties: Record<string, { secret?: boolean }> };
    assert.equal(hmc.properties.password.secret, true);
  });

  it("finds the secret field paths through references and unions", () => {
    assert.deepEqual(secretPaths("RecoveryTarget", load), [["adapter", "hmc", "password"]]);
  });

  it("refuses two different types under one name", () => {
    const clash = structuredClone(documents);
    (clash["protection-group"] as { properties: Record<string, unknown> }).properties.reserve = { $ref: "#/definitions/Pair" };
    (clash["protection-group"] as { definitions: Record<string, unknown> }).definitions.Pair = { type: "object", properties: { other: { type: "number" } } };
    (clash["recovery-target"] as { properties: Record<string, unknown> }).properties.pairs = { type: "array", items: { $ref: "storage-mapping.schema.json#/definitions/Pair" } };
    assert.throws(() => buildPackageSchema((n) => structuredClone(clash[n]) as never), /two different schema types are both named Pair/);
  });
});
