/**
 * The mail sender driven by `Deno.cron` (every minute), for Deno Deploy: an
 * isolate may be stopped between requests, taking the sender's timers with
 * it. The cron wakes every sender of this isolate (starting an isolate if
 * none runs: main.ts then builds the app and its sender) and keeps the
 * isolate busy until no campaign is sending or ~50 s have passed, so sending
 * resumes without any timer. Where `Deno.cron` is unavailable (no
 * `--unstable-cron`, older runtimes) nothing is registered and the sender's
 * own loop does the work, as before.
 * @module
 */
import { activeCampaigns } from "./sender.ts";

/** What the cron needs of a sender. */
export interface Wakeable {
  wake(): void;
}

const senders = new Map<Wakeable, Deno.Kv>();
let registered: boolean | undefined;

/** The cron schedule and name. */
export const MAIL_CRON = { name: "rt-mail-sender", schedule: "* * * * *" };

/**
 * Wakes every registered sender and resolves when no campaign is sending
 * any more (checked every `checkMs`) or after `budgetMs`.
 */
export async function mailCronTick(
  budgetMs = 50_000,
  checkMs = 250,
): Promise<void> {
  const start = Date.now();
  for (;;) {
    for (const s of senders.keys()) s.wake();
    const stores = new Set(senders.values());
    let busy = false;
    for (const kv of stores) {
      if ((await activeCampaigns(kv)).length > 0) busy = true;
    }
    if (!busy || Date.now() - start > budgetMs) return;
    await new Promise((r) => setTimeout(r, checkMs));
  }
}

/**
 * Registers `sender` (on `kv`) with the minute cron; the cron itself is
 * registered once per isolate, when `Deno.cron` exists. Returns the
 * function that unregisters the sender.
 */
export function driveByCron(sender: Wakeable, kv: Deno.Kv): () => void {
  senders.set(sender, kv);
  if (registered === undefined) registered = registerCron();
  return () => senders.delete(sender);
}

/** True when the minute cron is registered in this isolate. */
export function cronRegistered(): boolean {
  return registered === true;
}

function registerCron(): boolean {
  const cron = (Deno as { cron?: typeof Deno.cron }).cron;
  if (typeof cron !== "function") return false;
  try {
    cron(MAIL_CRON.name, MAIL_CRON.schedule, () => mailCronTick());
    return true;
  } catch (err) {
    console.error("mail cron: not registered:", err);
    return false;
  }
}
