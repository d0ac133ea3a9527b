// The TypeScript types in provider/generated/ are derived from schemas/: this keeps them current.
import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as path from "path";

describe("generated types", () => {
  it("agree with schemas/ (npm run gen leaves nothing to change)", () => {
    // GIVEN the committed generated files WHEN the generator runs in check mode
    const root = path.resolve(__dirname, "..", "..", "..");
    const result = spawnSync(process.execPath, [path.join(root, "scripts", "gen-types.js"), "--check"], { encoding: "utf8" });
    // THEN it finds nothing out of date
    assert.equal(result.status, 0, result.stderr);
  });
});
