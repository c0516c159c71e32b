import assert from "node:assert/strict";
import {
  dayKey,
  dayLabel,
  timeOfDay,
  withDaySeparators,
} from "../lib/chat/client/format.ts";

const msg = (author: string, createdAt: string) => ({ author, createdAt });

Deno.test("format: time of day and day key follow the given time zone", () => {
  const iso = "2026-11-25T23:30:00.000Z";
  assert.equal(timeOfDay(iso, "UTC"), "23:30");
  assert.equal(dayKey(iso, "UTC"), "2026-11-25");
  assert.equal(timeOfDay(iso, "Europe/Berlin"), "00:30");
  assert.equal(dayKey(iso, "Europe/Berlin"), "2026-11-26");
});

Deno.test("format: day labels say Today, Yesterday, then the date", () => {
  const now = new Date("2026-11-25T12:00:00Z");
  assert.equal(dayLabel("2026-11-25T01:00:00Z", now, "UTC"), "Today");
  assert.equal(dayLabel("2026-11-24T23:59:00Z", now, "UTC"), "Yesterday");
  assert.equal(
    dayLabel("2026-11-23T10:00:00Z", now, "UTC"),
    "Monday, 23 November 2026",
  );
});

Deno.test("format: a separator starts every new day and author runs group within 5 minutes", () => {
  const now = new Date("2026-11-25T12:00:00Z");
  const rows = withDaySeparators(
    [
      msg("ann", "2026-11-24T10:00:00Z"),
      msg("ann", "2026-11-24T10:04:00Z"),
      msg("ann", "2026-11-24T10:10:00Z"),
      msg("bob", "2026-11-24T10:11:00Z"),
      msg("bob", "2026-11-25T00:01:00Z"),
    ],
    now,
    "UTC",
  );
  assert.deepEqual(
    rows.map((r) =>
      r.kind === "day" ? `day:${r.label}` : `${r.message.author}:${r.continued}`
    ),
    [
      "day:Yesterday",
      "ann:false",
      "ann:true",
      "ann:false",
      "bob:false",
      "day:Today",
      "bob:false",
    ],
  );
});

Deno.test("format: an invalid date gives empty strings, not an exception", () => {
  assert.equal(timeOfDay("not a date", "UTC"), "");
  assert.equal(dayKey("not a date", "UTC"), "");
});
