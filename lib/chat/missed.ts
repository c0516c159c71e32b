/**
 * Marks users who may be owed a missed-mention mail: after a message is
 * durable, its mentioned members (all members for `@room`) and the DM
 * peer are marked pending. The mail side (`lib/mail/digest_*.ts`) later
 * reads what they still have not read from the log and the mention index.
 *
 * | key | value |
 * |---|---|
 * | `["digest_pending", username]` | `{since}`: earliest unmailed item (ms) |
 * @module
 */
import { retryLocked } from "../kv.ts";
import type { Message } from "./protocol.ts";
import type { StoredRoom } from "./room_access.ts";
import { listMemberNames } from "./room_lists.ts";

export const pendingKey = (user: string): Deno.KvKey => [
  "digest_pending",
  user,
];

/** The users a new message may owe a digest to (mentioned members, the DM peer). */
export async function missableBy(
  kv: Deno.Kv,
  room: StoredRoom,
  m: Message,
): Promise<string[]> {
  const out = new Set<string>(m.mentions ?? []);
  if (room.dm) { for (const u of room.dm) out.add(u); }
  if (m.mentionsRoom) {
    for (const u of await listMemberNames(kv, room.id, 500)) out.add(u);
  }
  out.delete(m.author);
  return [...out];
}

/** Marks `users` as possibly owed a digest since `at` (an earlier mark stays). */
export async function markPending(
  kv: Deno.Kv,
  users: string[],
  at: number,
): Promise<void> {
  await Promise.all(
    users.map((u) =>
      retryLocked(() =>
        kv.atomic().check({ key: pendingKey(u), versionstamp: null })
          .set(pendingKey(u), { since: at }).commit()
      )
    ),
  );
}

/** Marks whoever `m` (just stored in `room`) may be owed a digest to. */
export async function noteMissable(
  kv: Deno.Kv,
  room: StoredRoom,
  m: Message,
): Promise<void> {
  const users = await missableBy(kv, room, m);
  if (users.length) await markPending(kv, users, Date.parse(m.createdAt));
}
