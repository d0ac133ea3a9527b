// Both front doors' type tokens map to the same resource kinds.
import { strict as assert } from "assert";
import { RESOURCE_KINDS, RESOURCE_TOKENS, dynamicToken, packageToken, resourceKindOf } from "../../../provider/tokens";

describe("resource type tokens", () => {
  it("map the dynamic and the provider-plugin token of each kind to that kind", () => {
    for (const kind of RESOURCE_KINDS) {
      assert.equal(resourceKindOf(`pulumi-nodejs:dynamic/vmr:${kind}`), kind);
      assert.equal(resourceKindOf(`vmr:index:${kind}`), kind);
      assert.equal(dynamicToken(kind), `pulumi-nodejs:dynamic/vmr:${kind}`);
      assert.equal(packageToken(kind), `vmr:index:${kind}`);
    }
    assert.equal(RESOURCE_TOKENS.length, 2 * RESOURCE_KINDS.length);
  });

  it("recognise nothing else", () => {
    for (const other of ["pulumi:pulumi:Stack", "pulumi:providers:vmr", "vmr:index:Plan", "pulumi-nodejs:dynamic:Resource", "vmr:other:RecoveryTarget"]) {
      assert.equal(resourceKindOf(other), undefined, other);
    }
  });
});
