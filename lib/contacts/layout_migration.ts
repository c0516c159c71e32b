/**
 * Start-up migration of address books written before the token-shard
 * search index (one `["contact_search", owner, token, id]` key per token
 * per contact) to the layout of search_index.ts. Resumable: each batch of
 * contacts is indexed in one atomic checked against the book revision
 * (contacts indexed already carry `_ix` and are skipped), the old keys are
 * deleted after every book is indexed, and a marker records completion.
 * @module
 */
import { retryLocked } from "../kv.ts";
import { BookWrite, type StoredContact } from "./book_write.ts";
import { getStoredContacts } from "./contacts.ts";
import { revKey } from "./keys.ts";
import { newId } from "../ids.ts";

/** The marker written when the migration has run. */
export const LAYOUT_MIGRATION: Deno.KvKey = ["migration", "contacts_layout_v2"];

/** Contacts indexed per atomic (well inside KV's limits for any contact). */
const BATCH = 20;

/** What a migration run did. */
export interface LayoutMigrationReport {
  indexed: number;
  deleted: number;
}

/** Migrates every book; returns counts (zeros when it had run already). */
export async function migrateContactsLayout(
  kv: Deno.Kv,
): Promise<LayoutMigrationReport> {
  const report = { indexed: 0, deleted: 0 };
  if ((await kv.get(LAYOUT_MIGRATION)).value) return report;
  let owner = "";
  let ids: string[] = [];
  const flush = async () => {
    if (ids.length) report.indexed += await indexBatch(kv, owner, ids);
    ids = [];
  };
  for await (
    const e of kv.list<StoredContact>({ prefix: ["contact"] }, {
      batchSize: 500,
    })
  ) {
    const [, o, id] = e.key as [string, string, string];
    if (e.value?._ix) continue;
    if (o !== owner || ids.length === BATCH) await flush();
    owner = o;
    ids.push(id);
  }
  await flush();
  // Every contact is in the new index: the old token keys can go.
  for (;;) {
    const op = kv.atomic();
    let n = 0;
    for await (
      const e of kv.list({ prefix: ["contact_search"] }, { limit: 500 })
    ) {
      op.delete(e.key);
      n++;
    }
    if (!n) break;
    await retryLocked(() => op.commit());
    report.deleted += n;
  }
  await retryLocked(() =>
    kv.set(LAYOUT_MIGRATION, { at: new Date().toISOString(), ...report })
  );
  return report;
}

/** Indexes the given contacts of one owner that have no shard yet. */
async function indexBatch(
  kv: Deno.Kv,
  owner: string,
  ids: string[],
): Promise<number> {
  for (let tries = 0; tries < 20; tries++) {
    const rev = await kv.get<number>(revKey(owner));
    const records = (await getStoredContacts(kv, owner, ids)).filter((c) =>
      !c._ix
    );
    if (!records.length) return 0;
    const write = new BookWrite(kv, owner);
    const shard = newId();
    for (const c of records) write.reindex(c, shard);
    const op = kv.atomic().check(rev).set(revKey(owner), (rev.value ?? 0) + 1);
    await write.stage(op);
    if ((await retryLocked(() => op.commit())).ok) return records.length;
  }
  throw new Error(`contacts layout migration: book ${owner} kept changing`);
}
