// schema.json (checked in, for readers and SDK generators) is the package schema the provider
// derives from schemas/ and serves: a change to schemas/ must come with `npm run gen:schema`.
import { strict as assert } from "assert";
import * as fs from "fs";
import { buildPackageSchema, checkedInSchemaPath, packageSchemaText } from "../../../provider/plugin/package-schema";
import { loadSchema } from "../../../provider/validation";

describe("package schema of the provider plugin", () => {
  it("equals the checked-in schema.json (run `npm run build && npm run gen:schema` after changing schemas/)", () => {
    // GIVEN the committed schema.json WHEN the schema is derived afresh THEN they are the same text
    assert.equal(fs.readFileSync(checkedInSchemaPath(), "utf8"), packageSchemaText());
  });

  it("serves the three resources with every input of their JSON Schemas, described", () => {
    const pkg = buildPackageSchema();
    for (const [token, file] of [
      ["vmr:index:ProtectionGroup", "protection-group"],
      ["vmr:index:RecoveryTarget", "recovery-target"],
      ["vmr:index:StorageMapping", "storage-mapping"],
    ] as const) {
      const source = loadSchema(file) as { properties: Record<string, unknown>; required: string[] };
      const resource = pkg.resources[token];
      assert.ok(resource, token);
      assert.deepEqual(Object.keys(resource.inputProperties).sort(), Object.keys(source.properties).sort(), token);
      for (const [name, prop] of Object.entries(resource.inputProperties)) assert.ok(prop.description, `${token}.${name} has a description`);
      // name is required by the JSON Schema but defaulted by the provider from the resource name
      assert.ok(source.required.includes("name") && !resource.requiredInputs.includes("name"), token);
    }
  });

  it("marks the HMC and SAN passwords secret and keeps primitive defaults", () => {
    const pkg = buildPackageSchema();
    const hmc = pkg.types["vmr:index:HmcConnection"] as { properties: Record<string, { secret?: boolean; default?: unknown }> };
    const svc = pkg.types["vmr:index:SvcConnection"] as { properties: Record<string, { secret?: boolean }> };
    assert.equal(hmc.properties.password.secret, true);
    assert.equal(svc.properties.password.secret, true);
    assert.equal(hmc.properties.username.secret, undefined);
    assert.equal(hmc.properties.jobTimeoutSeconds.default, 1800);
    assert.equal(pkg.resources["vmr:index:ProtectionGroup"].inputProperties.slaLevel.default, 1);
  });
});
