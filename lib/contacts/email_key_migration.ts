/**
 * Start-up migration of the contact email index to the comparison key of
 * `lib/email/address.ts` (case-folded local part, NFC, ASCII domain). Keys
 * written by the old form (local part as typed) are moved once, so a book
 * stored before the change still dedupes `Ok1@Example.com` against
 * `ok1@example.com`. Runs once per database (a marker records it).
 * @module
 */
import { retryLocked } from "../kv.ts";
import { normalizeEmail } from "./email.ts";

/** The marker written when the migration has run. */
export const EMAIL_KEY_MIGRATION: Deno.KvKey = [
  "migration",
  "contact_email_key_v2",
];

/**
 * Rewrites every `["contact_email", owner, email]` whose email is not in the
 * current key form. When two old keys fold into one, the older-listed
 * contact keeps the index (the other stays a contact, as it was).
 * Returns the number of keys moved.
 */
export async function migrateContactEmailKeys(kv: Deno.Kv): Promise<number> {
  if ((await kv.get(EMAIL_KEY_MIGRATION)).value) return 0;
  let moved = 0;
  for await (const e of kv.list<string>({ prefix: ["contact_email"] })) {
    const [, owner, old] = e.key as [string, string, string];
    if (typeof old !== "string") continue;
    const key = normalizeEmail(old);
    if (key === old) continue;
    const target: Deno.KvKey = ["contact_email", owner, key];
    const cur = await kv.get<string>(target);
    const op = kv.atomic().check(e).check(cur).delete(e.key);
    if (cur.value === null) op.set(target, e.value);
    if ((await retryLocked(() => op.commit())).ok) moved++;
  }
  await retryLocked(() =>
    kv.set(EMAIL_KEY_MIGRATION, { at: new Date().toISOString(), moved })
  );
  return moved;
}
