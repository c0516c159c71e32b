import { assertEquals } from "./helpers/assert.ts";
import { progressHint } from "../lib/mail/eta.ts";

Deno.test("mail progress hint: no ETA at the start of a send (one sample, a fraction of a second)", () => {
  const now = 1_000_000;
  const hint = progressHint(
    { status: "sending", pending: 59 },
    [{ at: now - 300, done: 0 }, { at: now, done: 1 }],
    now,
  );
  assertEquals(hint, "Measuring the rate…");
});

Deno.test("mail progress hint: a rate and time left once ≥ 3 s and ≥ 5 recipients were measured", () => {
  const now = 1_000_000;
  const samples = [0, 1, 2, 3, 4].map((s) => ({
    at: now - 4000 + s * 1000,
    done: s * 10,
  }));
  assertEquals(
    progressHint({ status: "sending", pending: 100 }, samples, now),
    "10.0 mails/s · about 10 s left",
  );
});

Deno.test("mail progress hint: during retry backoff it says how many wait and when the next retry is", () => {
  const now = Date.parse("2026-01-01T00:00:00Z");
  assertEquals(
    progressHint(
      {
        status: "sending",
        pending: 3,
        retrying: 3,
        nextRetryAt: "2026-01-01T00:00:08Z",
      },
      [{ at: now - 10_000, done: 0 }, { at: now, done: 50 }],
      now,
    ),
    "3 waiting to retry (next in 8 s)",
  );
  assertEquals(progressHint({ status: "paused", pending: 3 }, [], now), "");
});
