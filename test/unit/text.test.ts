// The one helper every count in a message goes through.
import { strict as assert } from "assert";
import { plural } from "../../provider/text";

describe("plural", () => {
  it("uses the singular for exactly one and the plural otherwise, irregular plurals given", () => {
    assert.equal(plural(1, "replica"), "1 replica");
    assert.equal(plural(0, "replica"), "0 replicas");
    assert.equal(plural(2, "LPAR"), "2 LPARs");
    assert.equal(plural(1, "VM copy", "VM copies"), "1 VM copy");
    assert.equal(plural(3, "site loss", "site losses"), "3 site losses");
  });
});
