// WallClock keeps the Clock contract: a sleeper never wakes before the time it waited for (the
// simulator's jobs rely on it to read their effects once their end time has passed).
import { strict as assert } from "assert";
import * as sinon from "sinon";
import { WallClock } from "../../provider/clock";

describe("WallClock", () => {
  let sandbox: sinon.SinonSandbox;
  beforeEach(() => (sandbox = sinon.createSandbox()));
  afterEach(() => sandbox.restore());

  it("never resolves a sleep of a fractional delay early", async () => {
    // GIVEN deadlines a fraction of a millisecond past a whole one
    const clock = new WallClock();
    let early = 0;
    for (let i = 0; i < 40; i++) {
      const deadline = clock.now() + 1.5 + (i % 4);
      // WHEN the clock sleeps until each
      await clock.sleep(deadline - clock.now());
      // THEN its own time has reached it
      if (clock.now() < deadline) early++;
    }
    assert.equal(early, 0);
  });
});
