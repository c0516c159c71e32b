/**
 * The app's mail service: one transport and one sender loop per app,
 * started by the app factory and stopped by `App.close()`.
 * @module
 */
import type { Config } from "../config.ts";
import type { EventBus } from "../events.ts";
import type { RecipientSource } from "./campaigns.ts";
import { contactsSource } from "./contacts_source.ts";
import { Sender } from "./sender.ts";
import { createTransport, type MailTransport } from "./transport.ts";
import { createResendTransport } from "./https_transport.ts";

/** What routes use to reach the sender and transport. */
export interface MailService {
  sender: Sender;
  transport: MailTransport;
  /** Expands groups and contacts into recipients. */
  source: RecipientSource;
}

interface Deps {
  kv: Deno.Kv;
  config: Config;
  bus: EventBus;
  onClose(fn: () => void | Promise<void>): void;
}

const services = new WeakMap<object, MailService>();

/** Starts the mail service for an app's deps (once) and registers its shutdown. */
export function startMailService(
  deps: Deps,
  source?: RecipientSource,
): MailService {
  const existing = services.get(deps);
  if (existing) return existing;
  const { config, kv } = deps;
  const transport = config.resend
    ? createResendTransport(config.resend)
    : createTransport(kv, {
      smtpUrl: config.smtpUrl,
      dkim: config.dkim,
      maxConnections: config.mailConcurrency,
    });
  const sender = new Sender({
    kv,
    transport,
    bus: deps.bus,
    get mailFrom() {
      return config.mailFrom;
    },
    // Read at send time: tests set the URL after the port is known.
    get appUrl() {
      return config.appUrl;
    },
    concurrency: config.mailConcurrency,
    ratePerSecond: config.mailRatePerSecond,
    leaseMs: config.mailLeaseMs,
    maxAttempts: config.mailMaxAttempts,
    retryBaseMs: config.mailRetryBaseMs,
  }).start();
  const service = { sender, transport, source: source ?? contactsSource(kv) };
  services.set(deps, service);
  deps.onClose(async () => {
    await sender.stop();
    transport.close();
    services.delete(deps);
  });
  return service;
}

/** The mail service of an app (started by the app factory). */
export function mailService(deps: Deps): MailService {
  const s = services.get(deps);
  if (!s) throw new Error("mail service not started");
  return s;
}
