/**
 * The missed-mention mail loop. Every tick it turns due `digest_pending`
 * marks into digest jobs and sends them through the app's mail transport.
 *
 * Never twice, even after a crash: a job is created in one atomic with the
 * `digest_covered` watermarks of the messages it lists (so no message is
 * ever put in two jobs), and is marked `handed` before the transport is
 * called. A job found `ready` after a restart was never handed over and is
 * sent; a job found `handed` may or may not have reached the server and is
 * not sent again (at most once). A transient SMTP error (thrown before the
 * server accepted the mail) puts the job back to `ready` with a backoff.
 *
 * | key | value |
 * |---|---|
 * | `["digest_job", id]` | {@link DigestJob} (kept 30 days) |
 * @module
 */
import { pendingKey } from "../chat/missed.ts";
import { newId } from "../ids.ts";
import { retryLocked } from "../kv.ts";
import { digestMail } from "./digest_mail.ts";
import { collectMissed, coveredKey, type DigestItem } from "./digest_items.ts";
import {
  delayMs,
  getDigestSetting,
  unsubscribeToken,
  verifiedEmailOf,
} from "./digest_settings.ts";
import { SendError } from "./transport.ts";
import type { MailTransport } from "./transport.ts";

/** A digest in the ledger. */
export interface DigestJob {
  id: string;
  user: string;
  email: string;
  name?: string;
  state: "ready" | "handed" | "sent" | "failed";
  items: DigestItem[];
  createdAt: string;
  attempts: number;
  /** Not before this instant (ms), for retries. */
  nextAt: number;
  sentAt?: string;
  error?: string;
}

const jobKey = (id: string): Deno.KvKey => ["digest_job", id];
const KEEP_MS = 30 * 24 * 3600_000;
const MAX_ATTEMPTS = 5;

/** What the loop needs. */
export interface DigestDeps {
  kv: Deno.Kv;
  transport: MailTransport;
  /** Read at send time (tests learn the URL after listening). */
  readonly appUrl: string;
  readonly mailFrom: string;
  /** DIGEST_DELAY_MINUTES: the delay for users who kept the default. */
  readonly defaultDelayMinutes: number;
  /** Retry backoff base (ms). */
  retryBaseMs?: number;
  now?: () => number;
}

/** Sends missed-mention mails; `start()` runs the loop until `stop()`. */
export class DigestSender {
  #timer: ReturnType<typeof setTimeout> | undefined;
  #running: Promise<void> | null = null;
  #stopped = false;
  constructor(readonly deps: DigestDeps) {}

  /** How often the loop looks (a fraction of the delay, 0.25 s to 60 s). */
  get intervalMs(): number {
    return Math.min(
      60_000,
      Math.max(250, this.deps.defaultDelayMinutes * 60_000 / 4),
    );
  }

  start(): this {
    const loop = () => {
      if (this.#stopped) return;
      this.#running = this.tick().catch((e) =>
        console.error("digest sender:", e)
      ).finally(() => {
        this.#running = null;
        if (!this.#stopped) this.#timer = setTimeout(loop, this.intervalMs);
      });
    };
    this.#timer = setTimeout(loop, this.intervalMs);
    return this;
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    while (this.#running) await this.#running;
  }

  /** One pass: send ready jobs, then turn due pending marks into jobs. */
  async tick(): Promise<void> {
    const { kv } = this.deps;
    const now = this.deps.now?.() ?? Date.now();
    for await (const e of kv.list<DigestJob>({ prefix: ["digest_job"] })) {
      if (e.value.state === "ready" && e.value.nextAt <= now) {
        await this.#send(e);
      }
    }
    const pending = kv.list<{ since: number }>({ prefix: ["digest_pending"] }, {
      limit: 200,
    });
    for await (const e of pending) {
      const job = await this.#plan(e, now);
      if (job) {
        const entry = await kv.get<DigestJob>(jobKey(job.id));
        if (entry.value) await this.#send(entry as Deno.KvEntry<DigestJob>);
      }
    }
  }

  /** Turns one due pending mark into a job (or clears it); the job or null. */
  async #plan(
    e: Deno.KvEntry<{ since: number }>,
    now: number,
  ): Promise<DigestJob | null> {
    const { kv } = this.deps;
    const user = e.key[1] as string;
    const delay = delayMs(
      await getDigestSetting(kv, user),
      this.deps.defaultDelayMinutes,
    );
    const to = delay === null ? null : await verifiedEmailOf(kv, user);
    if (delay === null || !to) {
      // Off, or no verified address: nothing is ever sent.
      await retryLocked(() => kv.atomic().check(e).delete(e.key).commit());
      return null;
    }
    const cutoff = now - delay;
    if (e.value.since > cutoff) return null;
    const missed = await collectMissed(kv, user, cutoff);
    const op = kv.atomic().check(e);
    // What is left: due now (over the cap), later, or nothing.
    const since = missed.more ? cutoff : missed.next;
    if (since === null) op.delete(e.key);
    else op.set(e.key, { since });
    if (!missed.items.length) {
      await retryLocked(() => op.commit());
      return null;
    }
    const job: DigestJob = {
      id: newId(),
      user,
      email: to.email,
      name: to.name,
      state: "ready",
      items: missed.items,
      createdAt: new Date(now).toISOString(),
      attempts: 0,
      nextAt: now,
    };
    const top = new Map<string, number>();
    for (const it of missed.items) {
      top.set(it.room, Math.max(top.get(it.room) ?? 0, it.message.seq));
    }
    for (const [room, seq] of top) op.set(coveredKey(user, room), seq);
    op.check({ key: jobKey(job.id), versionstamp: null })
      .set(jobKey(job.id), job, { expireIn: KEEP_MS });
    const res = await retryLocked(() => op.commit());
    return res.ok ? job : null; // another instance planned it first
  }

  async #send(e: Deno.KvEntry<DigestJob>): Promise<void> {
    const { kv, transport } = this.deps;
    const job = e.value;
    const handed = { ...job, state: "handed" as const };
    const claim = await retryLocked(() =>
      kv.atomic().check(e).set(e.key, handed, { expireIn: KEEP_MS }).commit()
    );
    if (!claim.ok) return; // another instance has it
    const mail = digestMail({
      jobId: job.id,
      to: { email: job.email, name: job.name },
      items: job.items,
      appUrl: this.deps.appUrl,
      mailFrom: this.deps.mailFrom,
      unsubscribeToken: await unsubscribeToken(kv, job.user),
    });
    let next: DigestJob;
    try {
      await transport.send(job.user, mail);
      next = { ...handed, state: "sent", sentAt: new Date().toISOString() };
    } catch (err) {
      const transient = err instanceof SendError && !err.permanent;
      const attempts = job.attempts + 1;
      next = transient && attempts < MAX_ATTEMPTS
        ? {
          ...job,
          state: "ready",
          attempts,
          nextAt: Date.now() + (this.deps.retryBaseMs ?? 2000) * 2 ** attempts,
          error: (err as Error).message,
        }
        : {
          ...handed,
          state: "failed",
          attempts,
          error: (err as Error).message,
        };
    }
    await retryLocked(() => kv.set(e.key, next, { expireIn: KEEP_MS }));
  }
}

/** Every digest job of `user`, newest first (for tests and support). */
export async function listDigestJobs(
  kv: Deno.Kv,
  user: string,
): Promise<DigestJob[]> {
  const out: DigestJob[] = [];
  for await (
    const e of kv.list<DigestJob>({ prefix: ["digest_job"] }, { reverse: true })
  ) if (e.value.user === user) out.push(e.value);
  return out;
}

export { pendingKey };

interface AppDeps {
  kv: Deno.Kv;
  config: { appUrl: string; mailFrom: string; digestDelayMinutes: number };
  onClose(fn: () => void | Promise<void>): void;
}

/** Starts the digest loop for an app, on its mail transport; stopped with the app. */
export function startDigestSender(
  deps: AppDeps,
  transport: MailTransport,
): DigestSender {
  const { config } = deps;
  const sender = new DigestSender({
    kv: deps.kv,
    transport,
    get appUrl() {
      return config.appUrl;
    },
    get mailFrom() {
      return config.mailFrom;
    },
    get defaultDelayMinutes() {
      return config.digestDelayMinutes;
    },
  }).start();
  deps.onClose(() => sender.stop());
  return sender;
}
