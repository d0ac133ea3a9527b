// openAdapters with `type: "hardware"`: both connections are needed; nothing connects yet.
import { strict as assert } from "assert";
import * as sinon from "sinon";
import { openAdapters } from "../../../provider/adapters";
import { ValidationError } from "../../../provider/errors";

describe("openAdapters: hardware", () => {
  const sandbox = sinon.createSandbox();
  afterEach(() => sandbox.restore());

  it("opens the HMC and Spectrum Virtualize adapters without connecting", async () => {
    // GIVEN addresses where nothing listens WHEN the adapters are opened THEN no error yet
    const adapters = await openAdapters({
      type: "hardware",
      hmc: { url: "https://127.0.0.1:9", username: "u", password: "p" },
      storage: { url: "https://127.0.0.1:9", username: "u", password: "p" },
    });
    assert.deepEqual([adapters.compute.kind, adapters.storage.kind], ["hmc", "svc"]);
    await adapters.compute.close();
    await adapters.storage.close();
  });

  it("names every missing connection", async () => {
    await assert.rejects(
      openAdapters({ type: "hardware", hmc: { url: "https://127.0.0.1:9", username: "u", password: "p" } }),
      (err: unknown) => err instanceof ValidationError && err.issues.length === 1 && /`storage` is required when `type` is "hardware"/.test(err.message),
    );
    await assert.rejects(openAdapters({ type: "hardware" }), (err: unknown) => err instanceof ValidationError && err.issues.map((i) => i.path).join() === "hmc,storage");
  });
});
