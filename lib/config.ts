/**
 * Configuration from the environment, parsed once and typed.
 * See README.md for the table of variables.
 * @module
 */
import { isFanoutSpec } from "./fanout/spec.ts";
import { parseWorkers } from "./workers/config.ts";

/** OAuth client credentials for one provider. */
export interface OAuthClient {
  clientId: string;
  clientSecret: string;
}

/** The app's whole configuration. */
export interface Config {
  port: number;
  hostname: string;
  /** Local KV path, `:memory:`, or undefined for the platform default (Deploy). */
  kvPath?: string;
  /** Public origin, e.g. `http://localhost:8000` (no trailing slash). */
  appUrl: string;
  /** True when `appUrl` is https: cookies get Secure and the `__Host-` prefix. */
  secureCookies: boolean;
  smtpUrl?: string;
  mailFrom: string;
  /** Daily recipient quota per user for group mail. */
  mailDailyQuota: number;
  /** Group mail: mails in flight per process, also the SMTP pool size (MAIL_CONCURRENCY). */
  mailConcurrency: number;
  /** Group mail: mails per second per process, 0 = unlimited (MAIL_RATE). */
  mailRatePerSecond: number;
  /** Group mail: lease on a recipient being sent, in ms (MAIL_LEASE_SECONDS). */
  mailLeaseMs: number;
  /** Group mail: attempts before a transient failure is final (MAIL_MAX_ATTEMPTS). */
  mailMaxAttempts: number;
  /** Group mail: first retry delay in ms, doubling per attempt (MAIL_RETRY_BASE_MS). */
  mailRetryBaseMs: number;
  /** DKIM signing, when all three are set. */
  dkim?: { domainName: string; keySelector: string; privateKey: string };
  /** GitHub OAuth app; the endpoint URLs override github.com (local stand-ins). */
  github?: OAuthClient & {
    authorizeUrl?: string;
    tokenUrl?: string;
    apiUrl?: string;
  };
  /** Google sign-in; `issuer` overrides https://accounts.google.com. */
  google?: OAuthClient & { issuer?: string };
  /** Any OpenID Connect provider; `name` is shown on the sign-in button. */
  oidc?: OAuthClient & { issuer: string; name?: string };
  /** Session lifetime in milliseconds. */
  sessionTtlMs: number;
  /** Largest accepted request body for most routes, in bytes. */
  maxBodyBytes: number;
  /** Largest accepted import body, in bytes. */
  maxImportBytes: number;
  /** Failed logins per username per 15 minutes before 429. */
  loginFailuresPerUser: number;
  /** Failed logins per IP address per 15 minutes before 429. */
  loginFailuresPerIp: number;
  /** Sign-ups per IP address per hour before 429. */
  signupsPerIpPerHour: number;
  /** Provider sign-ins started per IP address per 10 minutes before 429. */
  oauthStartsPerIp: number;
  /**
   * Missed-mention mail: minutes a mention or DM stays unread before it is
   * mailed (DIGEST_DELAY_MINUTES, default 15; fractions allowed, for tests).
   */
  digestDelayMinutes: number;
  /** Who may sign up: `invite` (default), `open` or `closed` (SIGNUP_POLICY). */
  signupPolicy: SignupPolicy;
  /** Members (not only admins) may create invitations (MEMBERS_CAN_INVITE=1). */
  membersCanInvite: boolean;
  /** Every new account joins `#general` (GENERAL_ROOM, default on; `0` turns it off). */
  generalRoom: boolean;
  /** Password reset requests per IP address per hour before 429 (RESETS_PER_IP_PER_HOUR). */
  resetsPerIpPerHour: number;
  /** Reset mails per account per hour; more requests send nothing (RESETS_PER_ACCOUNT_PER_HOUR). */
  resetsPerAccountPerHour: number;
  /** Chat: sends a user may burst (CHAT_SEND_BURST, default 30). */
  chatSendBurst: number;
  /** Chat: sustained sends per second per user (CHAT_SEND_PER_SECOND, default 10). */
  chatSendPerSecond: number;
  /** Chat: bytes a socket may keep buffered before it counts as slow (CHAT_BUFFER_BYTES, default 256 KiB; 4× closes it at once). */
  chatBufferBytes: number;
  /** Chat: a socket silent this long is closed with 4000 (CHAT_IDLE_TIMEOUT_MS, default 75 s; clients ping every 30 s). */
  chatIdleTimeoutMs: number;
  /** Group mail transport: `smtp` (SMTP_URL, or the dev outbox without it) or `resend` (MAIL_TRANSPORT). */
  mailTransport: "smtp" | "resend";
  /** Resend API key (RESEND_API_KEY) and API origin (RESEND_API_URL, default https://api.resend.com). */
  resend?: { apiKey: string; baseUrl?: string };
  /** App instances (workers) in this process sharing the port (WORKERS: a number or `auto` = CPUs; default 1). */
  workers: number;
  /** Cross-instance doorbell: `broadcast`, `kv-watch` or a `redis://` URL (FANOUT, default broadcast). */
  fanout: string;
  /** Chat: how often open sockets re-check their session and room memberships in KV (CHAT_REVALIDATE_MS, default 30 s). */
  chatRevalidateMs: number;
  /** Chat files: largest upload in bytes (UPLOAD_MAX_BYTES, default 10 MiB). */
  uploadMaxBytes: number;
  /** Chat files: bytes stored per user (UPLOAD_QUOTA_BYTES, default 1 GiB). */
  uploadQuotaBytes: number;
  /** Chat files: an upload not sent with a message is swept after this (UPLOAD_ORPHAN_MS, default 1 h). */
  uploadOrphanMs: number;
  /** Rooms a user may create per hour (ROOM_CREATES_PER_HOUR, default 30). */
  roomCreatesPerHour: number;
  /** Members a user may add to rooms per hour (MEMBER_ADDS_PER_HOUR, default 200). */
  memberAddsPerHour: number;
}

/** The sign-up policies of `SIGNUP_POLICY`. */
export type SignupPolicy = "invite" | "open" | "closed";

function signupPolicy(raw: string | undefined): SignupPolicy {
  const v = (raw ?? "").trim().toLowerCase() || "invite";
  if (v !== "invite" && v !== "open" && v !== "closed") {
    throw new Error(
      `SIGNUP_POLICY must be invite, open or closed, got "${raw}"`,
    );
  }
  return v;
}

type Env = Record<string, string | undefined>;

function positive(env: Env, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === "") return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0) {
    throw new Error(`${name} must be a positive number, got "${raw}"`);
  }
  return n;
}

function int(env: Env, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === "") return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) {
    throw new Error(`${name} must be a non-negative integer, got "${raw}"`);
  }
  return n;
}

function pair(env: Env, prefix: string): OAuthClient | undefined {
  const clientId = env[`${prefix}_CLIENT_ID`];
  const clientSecret = env[`${prefix}_CLIENT_SECRET`];
  return clientId && clientSecret ? { clientId, clientSecret } : undefined;
}

function withExtra<T extends object>(
  client: OAuthClient | undefined,
  extra: T,
): (OAuthClient & T) | undefined {
  return client ? { ...client, ...extra } : undefined;
}

/** Parses configuration from an environment map (defaults per DESIGN.md §8). */
export function loadConfig(env: Env = Deno.env.toObject()): Config {
  const port = int(env, "PORT", 8000);
  const appUrl = new URL(env.APP_URL || `http://localhost:${port}`).origin;
  const oidc = pair(env, "OIDC");
  const dkimKey = env.DKIM_PRIVATE_KEY;
  return {
    port,
    hostname: env.HOSTNAME || "127.0.0.1",
    kvPath: env.KV_PATH === undefined ? defaultKvPath(env) : env.KV_PATH,
    appUrl,
    secureCookies: appUrl.startsWith("https:"),
    smtpUrl: env.SMTP_URL || undefined,
    mailFrom: env.MAIL_FROM || "RT Messenger <no-reply@localhost>",
    mailDailyQuota: int(env, "MAIL_DAILY_QUOTA", 2000),
    mailConcurrency: Math.max(1, int(env, "MAIL_CONCURRENCY", 5)),
    mailRatePerSecond: int(env, "MAIL_RATE", 0),
    mailLeaseMs: Math.max(1, int(env, "MAIL_LEASE_SECONDS", 60)) * 1000,
    mailMaxAttempts: Math.max(1, int(env, "MAIL_MAX_ATTEMPTS", 5)),
    mailRetryBaseMs: int(env, "MAIL_RETRY_BASE_MS", 2000),
    dkim: env.DKIM_DOMAIN && env.DKIM_SELECTOR && dkimKey
      ? {
        domainName: env.DKIM_DOMAIN,
        keySelector: env.DKIM_SELECTOR,
        privateKey: dkimKey,
      }
      : undefined,
    github: withExtra(pair(env, "GITHUB"), {
      authorizeUrl: env.GITHUB_AUTHORIZE_URL || undefined,
      tokenUrl: env.GITHUB_TOKEN_URL || undefined,
      apiUrl: env.GITHUB_API_URL || undefined,
    }),
    google: withExtra(pair(env, "GOOGLE"), {
      issuer: env.GOOGLE_ISSUER || undefined,
    }),
    oidc: oidc && env.OIDC_ISSUER
      ? { ...oidc, issuer: env.OIDC_ISSUER, name: env.OIDC_NAME || undefined }
      : undefined,
    sessionTtlMs: int(env, "SESSION_TTL_HOURS", 24 * 14) * 3600_000,
    maxBodyBytes: int(env, "MAX_BODY_BYTES", 1024 * 1024),
    maxImportBytes: int(env, "MAX_IMPORT_BYTES", 20 * 1024 * 1024),
    chatSendBurst: int(env, "CHAT_SEND_BURST", 30),
    chatSendPerSecond: int(env, "CHAT_SEND_PER_SECOND", 10),
    chatBufferBytes: int(env, "CHAT_BUFFER_BYTES", 256 * 1024),
    chatIdleTimeoutMs: int(env, "CHAT_IDLE_TIMEOUT_MS", 75_000),
    fanout: fanoutSpec(env.FANOUT),
    workers: parseWorkers(env.WORKERS, navigator.hardwareConcurrency ?? 1),
    ...mailTransport(env),
    chatRevalidateMs: Math.max(
      100,
      int(env, "CHAT_REVALIDATE_MS", 30_000),
    ),
    uploadMaxBytes: int(env, "UPLOAD_MAX_BYTES", 10 * 1024 * 1024),
    uploadQuotaBytes: int(env, "UPLOAD_QUOTA_BYTES", 1024 * 1024 * 1024),
    uploadOrphanMs: int(env, "UPLOAD_ORPHAN_MS", 3600_000),
    roomCreatesPerHour: int(env, "ROOM_CREATES_PER_HOUR", 30),
    memberAddsPerHour: int(env, "MEMBER_ADDS_PER_HOUR", 200),
    loginFailuresPerUser: int(env, "LOGIN_FAILURES_PER_USER", 5),
    loginFailuresPerIp: int(env, "LOGIN_FAILURES_PER_IP", 50),
    signupsPerIpPerHour: int(env, "SIGNUPS_PER_IP_PER_HOUR", 30),
    oauthStartsPerIp: int(env, "OAUTH_STARTS_PER_IP", 60),
    digestDelayMinutes: positive(env, "DIGEST_DELAY_MINUTES", 15),
    signupPolicy: signupPolicy(env.SIGNUP_POLICY),
    membersCanInvite: env.MEMBERS_CAN_INVITE === "1",
    generalRoom: env.GENERAL_ROOM !== "0",
    resetsPerIpPerHour: int(env, "RESETS_PER_IP_PER_HOUR", 20),
    resetsPerAccountPerHour: int(env, "RESETS_PER_ACCOUNT_PER_HOUR", 3),
  };
}

function mailTransport(
  env: Env,
): Pick<Config, "mailTransport" | "resend"> {
  const kind = env.MAIL_TRANSPORT?.trim() || "smtp";
  if (kind !== "smtp" && kind !== "resend") {
    throw new Error(`MAIL_TRANSPORT must be smtp or resend, got "${kind}"`);
  }
  if (kind === "smtp") return { mailTransport: kind };
  if (!env.RESEND_API_KEY) {
    throw new Error("MAIL_TRANSPORT=resend needs RESEND_API_KEY");
  }
  return {
    mailTransport: kind,
    resend: {
      apiKey: env.RESEND_API_KEY,
      baseUrl: env.RESEND_API_URL || undefined,
    },
  };
}

function fanoutSpec(raw: string | undefined): string {
  const spec = raw?.trim() || "broadcast";
  if (!isFanoutSpec(spec)) {
    throw new Error(
      `FANOUT must be broadcast, kv-watch or a redis:// URL, got "${spec}"`,
    );
  }
  return spec;
}

/** On Deno Deploy (DENO_DEPLOYMENT_ID set) the platform KV is used. */
function defaultKvPath(env: Env): string | undefined {
  return env.DENO_DEPLOYMENT_ID ? undefined : "./data/rt.kv";
}
