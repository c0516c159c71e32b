/**
 * The store's start-up steps (migrations and backfills), run by every app
 * instance as it starts. Several instances (`WORKERS=N`, or processes on
 * one KV file) start at once: a step that meets SQLite's "database is
 * locked" runs again, which is safe because every step is idempotent.
 * @module
 */
import { ensureAdminSet } from "./auth/admin_set.ts";
import { migrateContactEmailKeys } from "./contacts/email_key_migration.ts";
import { migrateContactsLayout } from "./contacts/layout_migration.ts";
import { retryLocked } from "./kv.ts";

/** Runs every start-up step on `kv`, in order. */
export async function runStartupSteps(kv: Deno.Kv): Promise<void> {
  const steps: ((kv: Deno.Kv) => Promise<unknown>)[] = [
    migrateContactEmailKeys,
    migrateContactsLayout,
    ensureAdminSet,
  ];
  for (const step of steps) await retryLocked(() => step(kv));
}
