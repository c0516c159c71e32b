/**
 * The progress hint under a sending campaign's bar: a rate and time left only
 * once enough has been measured, and during retry backoff how many wait and
 * when the next retry is due (issue 9 item 8). Pure: the campaign island
 * uses it.
 * @module
 */

/** One observation: when, and how many recipients were finished then. */
export interface RateSample {
  at: number;
  done: number;
}

/** Least observation span and progress before a rate is believed. */
export const ETA_MIN = { spanMs: 3_000, done: 5, samples: 3 };

/** "42 s", "7 min 35 s", "1 h 5 min". */
export function duration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return "—";
  if (seconds < 60) return `${Math.max(1, Math.ceil(seconds))} s`;
  const m = Math.floor(seconds / 60);
  return m < 60
    ? `${m} min ${Math.ceil(seconds % 60)} s`
    : `${Math.floor(m / 60)} h ${m % 60} min`;
}

/** The progress shown, as far as the hint needs it. */
export interface HintInput {
  status: string;
  pending: number;
  retrying?: number;
  nextRetryAt?: string;
}

/**
 * The hint text. While every pending recipient waits for a retry, it says
 * "N waiting to retry (next in X s)"; otherwise a rate and ETA only when the
 * samples span ≥ 3 s, ≥ 3 samples and ≥ 5 finished recipients.
 */
export function progressHint(
  c: HintInput,
  samples: RateSample[],
  now: number,
): string {
  if (c.status !== "sending") return "";
  const waiting = c.retrying ?? 0;
  const retryNote = waiting > 0
    ? `${waiting} waiting to retry${
      c.nextRetryAt
        ? ` (next in ${
          duration(Math.max(0, Date.parse(c.nextRetryAt) - now) / 1000)
        })`
        : ""
    }`
    : "";
  if (waiting > 0 && waiting >= c.pending) return retryNote;
  const first = samples[0], last = samples.at(-1);
  const enough = first && last && samples.length >= ETA_MIN.samples &&
    last.at - first.at >= ETA_MIN.spanMs &&
    last.done - first.done >= ETA_MIN.done;
  const main = enough
    ? (() => {
      const rate = (last.done - first.done) / ((last.at - first.at) / 1000);
      return `${rate.toFixed(1)} mails/s · about ${
        duration((c.pending - waiting) / rate)
      } left`;
    })()
    : "Measuring the rate…";
  return retryNote ? `${main} · ${retryNote}` : main;
}
