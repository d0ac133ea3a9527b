// The failover progress display: counts per SLA level (done / running / waiting / failed), as
// bars on a terminal and as one line per ended level without one.
import { strict as assert } from "assert";
import { createProgress } from "../../../provider/cli/progress";
import type { RunEvent } from "../../../provider/executor/types";
import type { Step } from "../../../provider/generated/plan";
import { plan, step } from "../executor/plans";

/** A writable stream that records what is written; a TTY when `tty`. */
function recordingStream(tty: boolean): NodeJS.WriteStream & { text: () => string } {
  const chunks: string[] = [];
  const stream = {
    isTTY: tty,
    columns: 200,
    rows: 40,
    write(chunk: string | Uint8Array): boolean {
      chunks.push(String(chunk));
      return true;
    },
    cursorTo: () => true,
    moveCursor: () => true,
    clearLine: () => true,
    clearScreenDown: () => true,
    on: () => stream,
    once: () => stream,
    removeListener: () => stream,
    off: () => stream,
    text: () => chunks.join(""),
  };
  return stream as unknown as NodeJS.WriteStream & { text: () => string };
}

const started = (s: Step): RunEvent => ({ type: "step-started", step: s, attempt: 1, timeMs: 0 });
const completed = (s: Step): RunEvent => ({ type: "step-completed", step: s, timeMs: 1, alreadyDone: false });
const failed = (s: Step): RunEvent => ({ type: "step-failed", step: s, timeMs: 1, error: { kind: "adapter", failure: "fatal", message: "HMC said no" } });

describe("failover progress display", () => {
  // GIVEN a plan with three steps at SLA level 3 and two at level 1
  const high = [step("h1", { slaLevel: 3 }), step("h2", { slaLevel: 3 }), step("h3", { slaLevel: 3 })];
  const low = [step("l1", { slaLevel: 1 }), step("l2", { slaLevel: 1 })];
  const thePlan = plan([...high, ...low]);

  it("on a terminal, shows per level the steps done, running, waiting and failed", () => {
    const stream = recordingStream(true);
    const progress = createProgress(thePlan, stream);
    // WHEN one level-3 step ends, one runs (its start seen twice, as on a retry), one fails
    progress.onEvent(started(high[0]));
    progress.onEvent(completed(high[0]));
    progress.onEvent(started(high[1]));
    progress.onEvent(started(high[1]));
    progress.onEvent(started(low[0]));
    progress.onEvent(failed(low[0]));
    progress.stop();
    progress.stop();
    // THEN the final frame counts each step once, the highest level first
    const text = stream.text();
    assert.match(text, /SLA  3 \[[^\]]*\] 1\/3 done \| 1 running \| 1 waiting \| ETA/);
    assert.match(text, /SLA  1 \[[^\]]*\] 1\/2 done \| 0 running \| 1 waiting \| 1 failed \| ETA/);
    assert.ok(text.indexOf("SLA  3") < text.lastIndexOf("SLA  1"));
  });

  it("without a terminal, prints each failure and one line when a level has ended", () => {
    const stream = recordingStream(false);
    const progress = createProgress(thePlan, stream);
    // WHEN every level-3 step ends, and a level-1 step fails while the other is skipped
    for (const s of high) {
      progress.onEvent(started(s));
      progress.onEvent(completed(s));
    }
    progress.onEvent(started(low[0]));
    progress.onEvent(failed(low[0]));
    progress.onEvent({ type: "step-skipped", step: low[1], blockedBy: "l1" });
    progress.stop();
    // THEN the lines say so, in order, and nothing else is printed
    assert.deepEqual(stream.text().trim().split("\n"), [
      "SLA level 3: all 3 steps ended",
      "failed: l1: HMC said no",
      "SLA level 1: all 2 steps ended (2 failed or skipped)",
    ]);
  });

  it("on a terminal, a resumed run's bars continue from the steps its journal says ended, not from 0", () => {
    const stream = recordingStream(true);
    // GIVEN a run interrupted after two level-3 steps ended (one of them failed) and one level-1 step
    const ended = new Map([["h1", { failed: false }], ["h2", { failed: true }], ["l1", { failed: false }]]);
    const progress = createProgress(thePlan, stream, ended);
    // WHEN the resumed run ends the last level-3 step
    progress.onEvent(started(high[2]));
    progress.onEvent(completed(high[2]));
    progress.stop();
    // THEN the bars count what ended before the resume too
    const text = stream.text();
    assert.match(text, /SLA  3 \[[^\]]*\] 3\/3 done \| 0 running \| 0 waiting \| 1 failed \| ETA/);
    assert.match(text, /SLA  1 \[[^\]]*\] 1\/2 done \| 0 running \| 1 waiting \| ETA/);
    assert.doesNotMatch(text, /SLA  3 \[[^\]]*\] 0\/3 done/);
  });

  it("without a terminal, a resumed run says how far it had got and ends the levels it finishes", () => {
    const stream = recordingStream(false);
    // GIVEN every level-3 step ended before the resume, and l1 too; l2 was running
    const ended = new Map([...high.map((s) => [s.id, { failed: false }] as const), ["l1", { failed: false }]]);
    const progress = createProgress(thePlan, stream, ended);
    // WHEN the resumed run ends l2
    progress.onEvent(started(low[1]));
    progress.onEvent(completed(low[1]));
    progress.stop();
    assert.deepEqual(stream.text().trim().split("\n"), ["resumed: 4 of 5 steps had ended before", "SLA level 3: all 3 steps ended (before the resume)", "SLA level 1: all 2 steps ended"]);
  });

  it("a failed step run again on resume (--retry-failed) is counted once", () => {
    const stream = recordingStream(false);
    const progress = createProgress(thePlan, stream, new Map([["l1", { failed: true }], ["l2", { failed: false }]]));
    progress.onEvent(started(low[0]));
    progress.onEvent(completed(low[0]));
    assert.match(stream.text(), /SLA level 1: all 2 steps ended\n$/);
  });
});
