/**
 * Date and time display helpers for the message pane. Pure: the time zone is
 * a parameter (the server renders in UTC, the browser in its own zone).
 * @module
 */

/** A day key such as `2026-11-25` for `iso` in `timeZone`. */
export function dayKey(iso: string, timeZone?: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return "";
  const parts = new Intl.DateTimeFormat("en-CA", {
    timeZone,
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
  }).formatToParts(d);
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? "";
  return `${get("year")}-${get("month")}-${get("day")}`;
}

/** `14:05` style time of day for `iso` (24-hour clock). */
export function timeOfDay(iso: string, timeZone?: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return "";
  return new Intl.DateTimeFormat("en-GB", {
    timeZone,
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
  }).format(d);
}

/**
 * A day separator label: "Today", "Yesterday", or a date such as
 * "Monday, 23 November 2026". `now` is the reference instant.
 */
export function dayLabel(iso: string, now: Date, timeZone?: string): string {
  const key = dayKey(iso, timeZone);
  if (key === dayKey(now.toISOString(), timeZone)) return "Today";
  const yesterday = new Date(now.getTime() - 86_400_000);
  if (key === dayKey(yesterday.toISOString(), timeZone)) return "Yesterday";
  return new Intl.DateTimeFormat("en-GB", {
    timeZone,
    weekday: "long",
    day: "numeric",
    month: "long",
    year: "numeric",
  }).format(new Date(iso));
}

/** A full date and time for tooltips, e.g. "25 Nov 2026, 14:05". */
export function fullDateTime(iso: string, timeZone?: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return "";
  return new Intl.DateTimeFormat("en-GB", {
    timeZone,
    day: "numeric",
    month: "short",
    year: "numeric",
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
  }).format(d);
}

/** One row of the rendered list: a day separator or a message. */
export type Row<M> =
  | { kind: "day"; key: string; label: string }
  | { kind: "message"; message: M; continued: boolean };

/**
 * Interleaves day separators with `messages` (ascending by time) and marks a
 * message `continued` when it follows one by the same author within 5 minutes
 * on the same day (the UI then hides the repeated author line).
 */
export function withDaySeparators<
  M extends { author: string; createdAt: string },
>(messages: readonly M[], now: Date, timeZone?: string): Row<M>[] {
  const rows: Row<M>[] = [];
  let day = "";
  let prev: M | undefined;
  for (const m of messages) {
    const key = dayKey(m.createdAt, timeZone);
    if (key !== day) {
      day = key;
      rows.push({
        kind: "day",
        key,
        label: dayLabel(m.createdAt, now, timeZone),
      });
      prev = undefined;
    }
    const continued = !!prev && prev.author === m.author &&
      Date.parse(m.createdAt) - Date.parse(prev.createdAt) < 5 * 60_000;
    rows.push({ kind: "message", message: m, continued });
    prev = m;
  }
  return rows;
}
