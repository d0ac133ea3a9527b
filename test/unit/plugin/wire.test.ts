// Values at the provider-protocol boundary: secrets and outputs unwrapped on the way in, schema
// secrets wrapped on the way out.
import { strict as assert } from "assert";
import { markSecrets, plain, secret, toWire, OUTPUT_VALUE_SIG, SIG_KEY, UNKNOWN } from "../../../provider/plugin/wire";

describe("plugin wire values", () => {
  it("plain() unwraps nested secrets and output values, and maps unknown outputs to UNKNOWN", () => {
    // GIVEN inputs as the engine sends them to a provider that accepts secrets
    const given = {
      adapter: { type: "hardware", hmc: { url: "https://hmc", username: "u", password: secret("hunter2") } },
      systems: [secret("sys-1"), { [SIG_KEY]: OUTPUT_VALUE_SIG, value: "sys-2" }, { [SIG_KEY]: OUTPUT_VALUE_SIG }],
    };
    // WHEN unwrapped
    const out = plain(given);
    // THEN every wrapper is gone
    assert.deepEqual(out, {
      adapter: { type: "hardware", hmc: { url: "https://hmc", username: "u", password: "hunter2" } },
      systems: ["sys-1", "sys-2", UNKNOWN],
    });
  });

  it("markSecrets() wraps each schema path, through arrays, and leaves absent fields absent", () => {
    // GIVEN outputs with a password in an object and in array elements, and one without
    const outs = { adapter: { hmc: { password: "p1" } }, list: [{ password: "a" }, { other: 1 }], plainField: "x" };
    // WHEN the secret paths are marked
    const marked = markSecrets(outs, [["adapter", "hmc", "password"], ["adapter", "storage", "password"], ["list", "[]", "password"]]);
    // THEN exactly those fields are secrets and nothing else changed
    assert.deepEqual(marked, {
      adapter: { hmc: { password: secret("p1") } },
      list: [{ password: secret("a") }, { other: 1 }],
      plainField: "x",
    });
    assert.deepEqual(outs.adapter.hmc.password, "p1", "the input object is not mutated");
  });

  it("markSecrets() does not wrap a secret twice", () => {
    // GIVEN a field that is already a secret WHEN marked again THEN it stays a single wrapper
    assert.deepEqual(markSecrets({ p: secret("x") }, [["p"]]), { p: secret("x") });
  });

  it("toWire() drops undefined fields the struct encoding cannot carry", () => {
    assert.deepEqual(toWire({ a: 1, b: undefined, c: [1, { d: undefined }] }), { a: 1, c: [1, {}] });
  });
});
