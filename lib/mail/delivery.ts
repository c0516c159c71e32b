/**
 * One delivery attempt of the sender: compose the mail, hand an at-most-once
 * record over (marked first), send it through the transport while renewing
 * its lease (lease_renewal.ts), and turn the result into a ledger outcome
 * (sent, retry with backoff, or failed).
 * @module
 */
import {
  type CompiledCampaign,
  type ComposeContext,
  composeFor,
} from "./compose.ts";
import {
  INTERRUPTED,
  type Leased,
  markHanded,
  type Outcome,
} from "./ledger.ts";
import { LeaseRenewal } from "./lease_renewal.ts";
import { backoffMs } from "./progress.ts";
import { testPoint } from "../test_point.ts";
import { type MailTransport, SendError } from "./transport.ts";

/** What a delivery attempt needs besides the record. */
export interface DeliveryOptions {
  kv: Deno.Kv;
  transport: MailTransport;
  /** Attempts before a transient failure becomes `failed`. */
  maxAttempts: number;
  /** First retry delay; doubles per attempt. */
  retryBaseMs: number;
  /** The lease length, renewed while a send takes longer. */
  leaseMs: number;
  /** Merge-tag context (the caller's object, so getters stay live). */
  ctx: ComposeContext;
}

/** The outcome of a failed send after `attempts` attempts. */
export function failureOutcome(
  err: unknown,
  attempts: number,
  o: Pick<DeliveryOptions, "maxAttempts" | "retryBaseMs">,
): Outcome {
  const e = err instanceof SendError ? err : new SendError(String(err), false);
  if (e.permanent) {
    return { kind: "failed", error: e.message, permanent: true };
  }
  if (attempts >= o.maxAttempts) {
    return {
      kind: "failed",
      error: `gave up after ${attempts} attempts: ${e.message}`,
    };
  }
  return {
    kind: "retry",
    error: e.message,
    // A rate-limit answer (HTTPS transports) asks for at least its pause.
    dueAt: Date.now() + Math.max(
      backoffMs(o.retryBaseMs, attempts),
      (e as { retryAfterMs?: number }).retryAfterMs ?? 0,
    ),
  };
}

/**
 * Attempts leased record `l` of campaign `c` (null: the campaign is gone).
 * Returns the record (as re-leased by a handover or a renewal) with its
 * outcome, or null when another process took the record over.
 */
export async function attempt(
  o: DeliveryOptions,
  c: CompiledCampaign | null,
  l: Leased,
): Promise<{ leased: Leased; outcome: Outcome } | null> {
  if (!c) {
    return {
      leased: l,
      outcome: {
        kind: "failed",
        error: "campaign no longer exists",
        permanent: true,
      },
    };
  }
  if (l.record.once && l.record.handedAt) {
    // At most once: an earlier lease handed it over and never recorded how
    // it went (the process died); it may have been delivered.
    return {
      leased: l,
      outcome: { kind: "failed", error: INTERRUPTED, permanent: true },
    };
  }
  let renewal: LeaseRenewal | undefined;
  try {
    const mail = composeFor(c, l.record, o.ctx);
    if (l.record.once) {
      await testPoint("mail:before_handover");
      const handed = await markHanded(o.kv, l);
      if (!handed) return null; // taken over by another process
      l = handed;
    }
    // A send outlasting the lease must not let another process take the
    // record over while this one is still sending it; a lease that ran
    // (nearly) out while it waited for a send slot is renewed first.
    const started = await LeaseRenewal.start(o.kv, l, o.leaseMs);
    if (!started) return null; // taken over by another process
    renewal = started;
    const res = await o.transport.send(
      c.campaign.digest?.user ?? c.campaign.owner,
      mail,
    );
    l = await renewal.stop();
    return { leased: l, outcome: { kind: "sent", response: res.response } };
  } catch (err) {
    if (renewal) l = await renewal.stop();
    return { leased: l, outcome: failureOutcome(err, l.record.attempts, o) };
  }
}
