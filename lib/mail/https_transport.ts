/**
 * Group mail over HTTPS (`MAIL_TRANSPORT=resend`), for hosts where outbound
 * SMTP is blocked (Deno Deploy has blocked SMTP ports before). Speaks
 * Resend's documented send API: `POST {base}/emails` with
 * `Authorization: Bearer <key>`, a JSON body `{from, to:[...], subject, text,
 * html?, reply_to?, headers}`, answered `200 {"id"}` or an error
 * `{"statusCode","name","message"}`.
 *
 * Answers map to the sender's outcomes:
 * - 2xx: sent (the response records the provider's id);
 * - 429 (`rate_limit_exceeded`, `daily_quota_exceeded`): transient, and the
 *   whole transport pauses for `Retry-After` (or `ratelimit-reset`) seconds
 *   before its next request; the error carries `retryAfterMs` for the retry;
 * - 5xx, network errors, timeouts: transient;
 * - 401/403 (a bad or missing key) and 409 (idempotency conflict): transient,
 *   like an SMTP authentication failure (a configuration problem, not the
 *   recipient's);
 * - other 4xx (400, 422 validation errors such as an invalid `to`): permanent.
 *
 * Each request carries `Idempotency-Key: <Message-ID>`, so a retry after a
 * lost answer is not sent twice by the provider.
 * @module
 */
import { SendError } from "./transport.ts";
import type { MailTransport, OutgoingMail } from "./transport.ts";

/** Resend API settings. */
export interface ResendOptions {
  apiKey: string;
  /** API origin (default `https://api.resend.com`; tests use a local stand-in). */
  baseUrl?: string;
  /** Per-request timeout (default 30 s). */
  timeoutMs?: number;
}

/** A transient failure that asks for a pause of `retryAfterMs`. */
export class RateLimitedError extends SendError {
  constructor(message: string, readonly retryAfterMs: number) {
    super(message, false, 429);
    this.name = "RateLimitedError";
  }
}

/** The `from`/`to` form Resend takes: `Name <address>` or the address. */
export function formatAddress(a: { name?: string; address: string }): string {
  if (!a.name) return a.address;
  return `"${a.name.replace(/["\\]/g, "\\$&")}" <${a.address}>`;
}

/** Milliseconds to wait from a 429's headers (default 1 s, at most 10 min). */
export function retryAfterMs(headers: Headers, now = Date.now()): number {
  const raw = headers.get("retry-after") ?? headers.get("ratelimit-reset");
  if (raw) {
    const secs = Number(raw);
    if (Number.isFinite(secs) && secs >= 0) {
      return Math.min(600_000, Math.ceil(secs * 1000));
    }
    const at = Date.parse(raw);
    if (!Number.isNaN(at)) return Math.min(600_000, Math.max(0, at - now));
  }
  return 1000;
}

/** Maps a non-2xx answer to a SendError. */
export function classifyAnswer(
  status: number,
  headers: Headers,
  body: { name?: string; message?: string } | null,
): SendError {
  const text = `${status} ${body?.name ?? ""}: ${body?.message ?? ""}`.trim();
  if (status === 429) return new RateLimitedError(text, retryAfterMs(headers));
  const transient = status >= 500 || status === 401 || status === 403 ||
    status === 408 || status === 409;
  return new SendError(text, !transient, status);
}

/** Group mail through Resend's HTTPS API. */
export function createResendTransport(opts: ResendOptions): MailTransport {
  const base = (opts.baseUrl ?? "https://api.resend.com").replace(/\/$/, "");
  const timeoutMs = opts.timeoutMs ?? 30_000;
  let pausedUntil = 0;
  return {
    kind: "https",
    async send(_owner: string, mail: OutgoingMail) {
      const wait = pausedUntil - Date.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      const body: Record<string, unknown> = {
        from: formatAddress(mail.from),
        to: [formatAddress(mail.to)],
        subject: mail.subject,
        text: mail.text,
        headers: { ...mail.headers, "Message-ID": mail.messageId },
      };
      if (mail.html) body.html = mail.html;
      if (mail.replyTo) body.reply_to = mail.replyTo;
      let res: Response;
      try {
        res = await fetch(`${base}/emails`, {
          method: "POST",
          headers: {
            authorization: `Bearer ${opts.apiKey}`,
            "content-type": "application/json",
            "idempotency-key": mail.messageId.slice(0, 256),
          },
          body: JSON.stringify(body),
          signal: AbortSignal.timeout(timeoutMs),
        });
      } catch (err) {
        throw new SendError(
          `HTTPS mail API unreachable: ${
            err instanceof Error ? err.message : String(err)
          }`,
          false,
        );
      }
      const text = await res.text().catch(() => "");
      let parsed: Record<string, unknown> | null = null;
      try {
        parsed = text ? JSON.parse(text) : null;
      } catch { /* not JSON */ }
      if (res.ok) return { response: `${res.status} resend id ${parsed?.id}` };
      const err = classifyAnswer(
        res.status,
        res.headers,
        parsed as { name?: string; message?: string } | null,
      );
      if (err instanceof RateLimitedError) {
        pausedUntil = Math.max(pausedUntil, Date.now() + err.retryAfterMs);
      }
      throw err;
    },
    close() {},
  };
}
