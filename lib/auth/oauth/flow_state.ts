/**
 * The single-use record of one sign-in attempt, kept in KV between the
 * redirect to the provider and its callback. The browser holds only the
 * record's random id (in a short-lived HttpOnly cookie).
 * @module
 */
import { randomToken } from "../../ids.ts";
import {
  StateExpiredError,
  StateMismatchError,
  StateMissingError,
} from "./errors.ts";
import type { ProviderId } from "./providers.ts";
import { timingSafeEqual } from "../../ids.ts";

/** How long a sign-in attempt stays valid: 10 minutes. */
export const FLOW_TTL_MS = 10 * 60_000;

/** What is remembered about one sign-in attempt. */
export interface FlowRecord {
  provider: ProviderId;
  /** Sent as `state`; the callback must bring the same value back. */
  state: string;
  /** PKCE code verifier (RFC 7636), sent only to the token endpoint. */
  codeVerifier: string;
  /** OIDC `nonce`, checked in the ID token (absent for GitHub). */
  nonce?: string;
  /** Same-origin path to go to afterwards. */
  returnTo: string;
  /** Set when a signed-in user links this provider to their account. */
  linkingUserId?: string;
  /** The invitation token the person arrived with (used at account creation). */
  invite?: string;
  /** Epoch milliseconds after which the record is refused. */
  expiresAt: number;
}

const key = (flowId: string): Deno.KvKey => ["oauth_flows", flowId];
const FLOW_ID = /^[A-Za-z0-9_-]{20,100}$/;

/** Stores a new flow record; returns its id (for the cookie). */
export async function createFlow(
  kv: Deno.Kv,
  data: Omit<FlowRecord, "expiresAt">,
  now = Date.now(),
): Promise<string> {
  const flowId = randomToken(32);
  const record: FlowRecord = { ...data, expiresAt: now + FLOW_TTL_MS };
  const res = await kv.atomic().check({ key: key(flowId), versionstamp: null })
    .set(key(flowId), record, { expireIn: FLOW_TTL_MS }).commit();
  if (!res.ok) throw new Error("flow id collision");
  return flowId;
}

/**
 * Takes the flow record `flowId` out of KV (atomic check + delete, so only
 * one caller ever gets it) and checks `state` and the expiry.
 * @throws StateMissingError when there is no such record (never started,
 *   already used, or expired and collected)
 * @throws StateExpiredError when the record is past `expiresAt`
 * @throws StateMismatchError when `state` or `provider` does not match
 */
export async function consumeFlow(
  kv: Deno.Kv,
  flowId: string | undefined,
  provider: ProviderId,
  state: string | null,
  now = Date.now(),
): Promise<FlowRecord> {
  if (!flowId || !FLOW_ID.test(flowId)) throw new StateMissingError();
  const entry = await kv.get<FlowRecord>(key(flowId));
  if (!entry.value) throw new StateMissingError();
  const res = await kv.atomic().check(entry).delete(key(flowId)).commit();
  if (!res.ok) throw new StateMissingError();
  const record = entry.value;
  if (!(record.expiresAt > now)) throw new StateExpiredError();
  if (
    record.provider !== provider || !state ||
    !timingSafeEqual(record.state, state)
  ) {
    throw new StateMismatchError();
  }
  return record;
}
