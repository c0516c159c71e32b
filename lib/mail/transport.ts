/**
 * Mail transports: pooled SMTP through nodemailer when `SMTP_URL` is set,
 * otherwise a development outbox that keeps mails in KV.
 *
 * Performance note (docs/perf/mail.md): every pooled connection gets its
 * socket from `connectSocket`, which turns Nagle's algorithm off. With Nagle
 * on, the small pipelined SMTP writes wait for the server's delayed ACK
 * (~40 ms), which capped 5 connections at ~110 mails/s.
 * @module
 */
import net from "node:net";
import nodemailer from "nodemailer";
import { newId } from "../ids.ts";
import { retryLocked } from "../kv.ts";
import { keys } from "./model.ts";

/** One rendered mail, ready for a transport. */
export interface OutgoingMail {
  from: { name: string; address: string };
  to: { name?: string; address: string };
  replyTo?: string;
  subject: string;
  text: string;
  html?: string;
  messageId: string;
  headers: Record<string, string>;
}

/** A mail as kept in the development outbox. */
export interface OutboxMail extends OutgoingMail {
  id: string;
  owner: string;
  at: string;
}

/** A failed send: `permanent` (5xx) or transient (4xx, connection). */
export class SendError extends Error {
  readonly permanent: boolean;
  readonly responseCode?: number;
  constructor(message: string, permanent: boolean, responseCode?: number) {
    super(message);
    this.name = "SendError";
    this.permanent = permanent;
    this.responseCode = responseCode;
  }
}

/** What the sender needs from a transport. */
export interface MailTransport {
  readonly kind: "smtp" | "outbox" | "https";
  /** Sends one mail for `owner`; throws SendError. */
  send(owner: string, mail: OutgoingMail): Promise<{ response: string }>;
  /** Closes pooled connections. */
  close(): void;
}

/** SMTP transport settings. */
export interface SmtpOptions {
  /** `smtp://user:pass@host:port` (STARTTLS when offered) or `smtps://`. */
  url: string;
  /** Pooled connections (default 5). */
  maxConnections?: number;
  /** Messages per connection before it is renewed (default 100). */
  maxMessages?: number;
  dkim?: { domainName: string; keySelector: string; privateKey: string };
  /** Keep true; false restores Nagle's algorithm (benchmark control only). */
  noDelay?: boolean;
}

/** Parses an SMTP URL into nodemailer options. `?insecure=1` skips TLS verification (dev). */
export function smtpOptionsFromUrl(url: string): Record<string, unknown> {
  const u = new URL(url);
  if (u.protocol !== "smtp:" && u.protocol !== "smtps:") {
    throw new Error(`SMTP_URL must be smtp:// or smtps://, got ${u.protocol}`);
  }
  const secure = u.protocol === "smtps:";
  const opts: Record<string, unknown> = {
    host: u.hostname.replace(/^\[|\]$/g, ""),
    port: u.port ? Number(u.port) : secure ? 465 : 587,
    secure,
  };
  if (u.username) {
    opts.auth = {
      user: decodeURIComponent(u.username),
      pass: decodeURIComponent(u.password),
    };
  }
  const q = u.searchParams;
  if (q.get("insecure") === "1") opts.tls = { rejectUnauthorized: false };
  if (q.get("requireTLS") === "1") opts.requireTLS = true;
  return opts;
}

type SocketCallback = (
  err: Error | null,
  info?: { connection: net.Socket },
) => void;

/** Opens the TCP socket for a pooled connection, with TCP_NODELAY. */
export function connectSocket(noDelay: boolean) {
  return (options: { host: string; port: number }, cb: SocketCallback) => {
    const socket = net.connect({ host: options.host, port: options.port });
    if (noDelay) socket.setNoDelay(true);
    else socket.setNoDelay = () => socket; // control run: keep Nagle on
    const onError = (err: Error) => cb(err);
    socket.once("error", onError);
    socket.once("connect", () => {
      socket.removeListener("error", onError);
      cb(null, { connection: socket });
    });
  };
}

function classify(err: unknown): SendError {
  const e = err as {
    responseCode?: number;
    response?: string;
    code?: string;
    message?: string;
  };
  const text = (e.response || e.message || String(err)).trim();
  if (typeof e.responseCode === "number" && e.code !== "EAUTH") {
    return new SendError(text, e.responseCode >= 500, e.responseCode);
  }
  // No SMTP reply: a connection, DNS, timeout or TLS problem (or auth): transient.
  const permanent = e.code === "EENVELOPE" || e.code === "EMESSAGE";
  return new SendError(text, permanent);
}

/** A pooled nodemailer SMTP transport. */
export function createSmtpTransport(opts: SmtpOptions): MailTransport {
  const maxConnections = opts.maxConnections ?? 5;
  const base = smtpOptionsFromUrl(opts.url);
  const transporter = nodemailer.createTransport(
    {
      ...base,
      pool: true,
      maxConnections,
      maxMessages: opts.maxMessages ?? 100,
      connectionTimeout: 30_000,
      greetingTimeout: 30_000,
      socketTimeout: 60_000,
      ...(opts.dkim ? { dkim: opts.dkim } : {}),
      getSocket: connectSocket(opts.noDelay ?? true),
    } as Parameters<typeof nodemailer.createTransport>[0],
  );
  return {
    kind: "smtp",
    async send(_owner, mail) {
      try {
        const info = await transporter.sendMail({
          from: mail.from,
          to: mail.to.name ? mail.to : mail.to.address,
          replyTo: mail.replyTo,
          subject: mail.subject,
          text: mail.text,
          html: mail.html,
          messageId: mail.messageId,
          headers: mail.headers,
          disableFileAccess: true,
          disableUrlAccess: true,
        });
        return { response: String(info.response ?? "") };
      } catch (err) {
        throw classify(err);
      }
    },
    close() {
      transporter.close();
    },
  };
}

/** Bytes an outbox record may use for its bodies (values are ≤ 64 KiB). */
const OUTBOX_BODY_BYTES = 56_000;
const OUTBOX_TTL_MS = 7 * 86400_000;

/** The development outbox: mails are stored in KV for a week. */
export function createOutboxTransport(kv: Deno.Kv): MailTransport {
  const enc = new TextEncoder();
  return {
    kind: "outbox",
    async send(owner, mail) {
      const record: OutboxMail = {
        ...mail,
        id: newId(),
        owner,
        at: new Date().toISOString(),
      };
      const textBytes = enc.encode(record.text).length;
      if (textBytes > OUTBOX_BODY_BYTES) {
        record.text = record.text.slice(0, 16_000);
      }
      if (
        record.html &&
        enc.encode(record.html).length + textBytes > OUTBOX_BODY_BYTES
      ) {
        record.html = undefined;
      }
      if (!record.html) delete record.html;
      if (!record.replyTo) delete record.replyTo;
      await retryLocked(() =>
        kv.set(keys.outbox(owner, record.id), record, {
          expireIn: OUTBOX_TTL_MS,
        })
      );
      return { response: `250 kept in the outbox as ${record.id}` };
    },
    close() {},
  };
}

/** Lists `owner`'s outbox, newest first. */
export async function listOutbox(
  kv: Deno.Kv,
  owner: string,
  limit = 100,
): Promise<OutboxMail[]> {
  const out: OutboxMail[] = [];
  for await (
    const e of kv.list<OutboxMail>({ prefix: keys.outboxes(owner) }, {
      limit,
      reverse: true,
    })
  ) out.push(e.value);
  return out;
}

/** SMTP when `smtpUrl` is set, else the outbox. */
export function createTransport(
  kv: Deno.Kv,
  cfg: {
    smtpUrl?: string;
    dkim?: SmtpOptions["dkim"];
    maxConnections?: number;
  },
): MailTransport {
  return cfg.smtpUrl
    ? createSmtpTransport({
      url: cfg.smtpUrl,
      dkim: cfg.dkim,
      maxConnections: cfg.maxConnections,
    })
    : createOutboxTransport(kv);
}
