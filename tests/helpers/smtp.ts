/**
 * A real SMTP server (npm:smtp-server) on 127.0.0.1:0 for mail tests. It
 * keeps every accepted mail, parsed, and can answer chosen recipients with
 * a chosen SMTP reply (e.g. 451 once, then accept; or 550 always).
 * @module
 */
import { SMTPServer } from "smtp-server";
import { type ParsedMail, simpleParser } from "mailparser";

/** One accepted mail. */
export interface ReceivedMail {
  from: string;
  to: string[];
  raw: string;
  parsed: ParsedMail;
  /** Lowercased header name → raw value (first occurrence). */
  header(name: string): string | undefined;
}

/** A reply to give instead of accepting RCPT TO. */
export interface Reject {
  code: number;
  message: string;
}

/** A running test SMTP server. */
export interface TestSmtp {
  port: number;
  url: string;
  mails: ReceivedMail[];
  /** Whether each accepted mail came over TLS (STARTTLS or smtps). */
  secure: boolean[];
  /** Mails accepted per recipient address (lowercase). */
  countFor(address: string): number;
  /** Decide per RCPT: return a reply to refuse it, or undefined to accept. */
  onRcpt?: (address: string) => Reject | undefined;
  /**
   * Called per mail before DATA is answered: a promise holds the answer
   * (the mail is neither accepted nor counted) until it settles, like a
   * slow server.
   */
  onData?: (to: string[]) => Promise<void> | undefined;
  /** Resolves when at least `n` mails have been accepted. */
  waitFor(n: number, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

/** Starts the server; STARTTLS and AUTH are off unless `auth` is given. */
export async function startSmtp(
  opts: {
    auth?: { user: string; pass: string };
    parse?: boolean;
    /** "starttls": offer STARTTLS; "smtps": TLS from the start (smtp-server's built-in self-signed certificate). */
    tls?: "starttls" | "smtps";
  } = {},
): Promise<TestSmtp> {
  const secure: boolean[] = [];
  const mails: ReceivedMail[] = [];
  const counts = new Map<string, number>();
  const waiters: { n: number; resolve: () => void }[] = [];
  const parse = opts.parse ?? true;
  const state: TestSmtp = {
    port: 0,
    url: "",
    mails,
    secure,
    countFor: (a) => counts.get(a.toLowerCase()) ?? 0,
    waitFor(n, timeoutMs = 30_000) {
      if (mails.length >= n) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const t = setTimeout(
          () => reject(new Error(`only ${mails.length} of ${n} mails arrived`)),
          timeoutMs,
        );
        waiters.push({
          n,
          resolve: () => {
            clearTimeout(t);
            resolve();
          },
        });
      });
    },
    close: () => Promise.resolve(),
  };
  const server = new SMTPServer({
    logger: false,
    secure: opts.tls === "smtps",
    disabledCommands: [
      ...(opts.auth ? [] : ["AUTH"]),
      ...(opts.tls === "starttls" ? [] : ["STARTTLS"]),
    ],
    authOptional: !opts.auth,
    allowInsecureAuth: true,
    size: 1024 * 1024,
    onAuth(auth, _session, cb) {
      if (
        auth.username === opts.auth?.user && auth.password === opts.auth?.pass
      ) {
        cb(null, { user: auth.username });
      } else cb(new Error("535 Authentication failed"));
    },
    onRcptTo(address, _session, cb) {
      const reject = state.onRcpt?.(address.address);
      if (!reject) return cb();
      const err = new Error(reject.message) as Error & { responseCode: number };
      err.responseCode = reject.code;
      cb(err);
    },
    onData(stream, session, cb) {
      const chunks: Uint8Array[] = [];
      stream.on("data", (c: Uint8Array) => chunks.push(c));
      stream.on("end", async () => {
        const raw = new TextDecoder().decode(
          chunks.length === 1 ? chunks[0] : concat(chunks),
        );
        const to = session.envelope.rcptTo.map((r) => r.address);
        await state.onData?.(to);
        const parsed = parse ? await simpleParser(raw) : ({} as ParsedMail);
        const head = raw.slice(0, raw.indexOf("\r\n\r\n")).replace(
          /\r\n[ \t]+/g,
          " ",
        );
        const headers = new Map<string, string>();
        for (const line of head.split("\r\n")) {
          const i = line.indexOf(":");
          const k = line.slice(0, i).toLowerCase();
          if (i > 0 && !headers.has(k)) {
            headers.set(k, line.slice(i + 1).trim());
          }
        }
        secure.push(!!session.secure);
        mails.push({
          from: session.envelope.mailFrom
            ? session.envelope.mailFrom.address
            : "",
          to,
          raw,
          parsed,
          header: (n) => headers.get(n.toLowerCase()),
        });
        for (const a of to) {
          counts.set(a.toLowerCase(), (counts.get(a.toLowerCase()) ?? 0) + 1);
        }
        for (const w of [...waiters]) {
          if (mails.length >= w.n) {
            waiters.splice(waiters.indexOf(w), 1);
            w.resolve();
          }
        }
        cb();
      });
    },
  });
  // A client that dies mid-session (the crash test's SIGKILL) resets its
  // connection; smtp-server reports that as an error event, which is expected.
  server.on("error", () => {});
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const addr = server.server.address() as { port: number };
  state.port = addr.port;
  const scheme = opts.tls === "smtps" ? "smtps" : "smtp";
  const cred = opts.auth ? `${opts.auth.user}:${opts.auth.pass}@` : "";
  state.url = `${scheme}://${cred}127.0.0.1:${addr.port}${
    opts.tls ? "?insecure=1" : ""
  }`;
  state.close = () =>
    new Promise<void>((resolve) => server.close(() => resolve()));
  return state;
}

function concat(chunks: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let o = 0;
  for (const c of chunks) {
    out.set(c, o);
    o += c.length;
  }
  return out;
}
