// Values quoted in validation messages lose their secrets: by the schema's marks, by field name,
// and as Pulumi secret values.
import { strict as assert } from "assert";
import { SECRET_SIG, SIG_KEY } from "../../../provider/plugin/wire";
import { show, validate, withoutSecrets } from "../../../provider/validation";

describe("validation messages and secrets", () => {
  it("masks the fields a schema marks secret through $ref, oneOf, items and additionalProperties", () => {
    // GIVEN a schema that marks `pin` (not a credential's name) secret in a definition
    const schema = {
      definitions: { Card: { type: "object", properties: { pin: { type: "string", "x-pulumi-secret": true }, label: { type: "string" } } } },
      type: "object",
      properties: {
        card: { oneOf: [{ $ref: "#/definitions/Card" }, { type: "array", items: { $ref: "#/definitions/Card" } }] },
        byName: { type: "object", additionalProperties: { $ref: "#/definitions/Card" } },
      },
    };
    // WHEN a value is masked against it
    const value = { card: [{ pin: "4711", label: "a" }], byName: { b: { pin: 1234, label: "b" } } };
    // THEN every pin is the placeholder, every label is kept, the value itself is untouched
    assert.equal(JSON.stringify(withoutSecrets(value, schema)), '{"card":[{"pin":"[secret]","label":"a"}],"byName":{"b":{"pin":"[secret]","label":"b"}}}');
    assert.equal(value.card[0].pin, "4711");
  });

  it("masks fields named like a credential and Pulumi secret values, without a schema", () => {
    // GIVEN credentials under several names and a Pulumi secret
    const wrapped = { [SIG_KEY]: SECRET_SIG, value: "hunter2" };
    // WHEN masked or shown THEN none of them is quoted, other values are
    assert.equal(JSON.stringify(withoutSecrets({ user: "u", hmcPassword: "p1", apiKey: 7, token: { a: "t" }, note: [wrapped] })), '{"user":"u","hmcPassword":"[secret]","apiKey":"[secret]","token":"[secret]","note":["[secret]"]}');
    assert.equal(show(wrapped), "[secret]");
    assert.equal(show({ site: "dr" }), '{"site":"dr"}');
  });

  it("names a Pulumi secret given where a string belongs without quoting it", () => {
    // GIVEN an HMC username passed as an unopened secret value
    const adapter = { type: "hardware", hmc: { url: "https://hmc1.example.com", username: { [SIG_KEY]: SECRET_SIG, value: "S3cretUser" }, password: "p" } };
    // WHEN validated
    const issues = validate("adapter-settings", adapter);
    // THEN the field and its type are named, its value is not
    assert.deepEqual(issues, [{ path: "hmc.username", message: "`hmc.username` must be of type string, got [secret] (an object)" }]);
  });
});
