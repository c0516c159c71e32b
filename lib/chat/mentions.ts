/**
 * Mentions on the server: resolving `@name` / `@room` against the room's
 * members when a message is written or edited, the per-room mention index
 * kept with the log, and unread mention counts per user.
 *
 * | key | value |
 * |---|---|
 * | `["chat_mention", roomId, username, seq]` | 1 (the message mentions the user) |
 * | `["chat_mention_all", roomId, seq]` | author (the message mentions `@room`) |
 * @module
 */
import { getUserByUsername } from "../auth/users.ts";
import { getManyChunked, memberKey, membersPrefix } from "./keys.ts";
import { MAX_ROOM_MENTION_MEMBERS, mentionCandidates } from "./mention_text.ts";
import type { Message } from "./protocol.ts";
import type { StoredRoom } from "./room_access.ts";

export const mentionKey = (
  room: string,
  user: string,
  seq: number,
): Deno.KvKey => ["chat_mention", room, user, seq];
export const roomMentionKey = (room: string, seq: number): Deno.KvKey => [
  "chat_mention_all",
  room,
  seq,
];

/** Mentions as stored on a message. */
export interface ResolvedMentions {
  /** Mentioned members' usernames (never the author's own name twice). */
  mentions: string[];
  /** True when `@room` counts (the room is small enough or the sender is its admin). */
  mentionsRoom: boolean;
}

/** Whether `user` administers `room` (its creator; DMs have no admin). */
export function isRoomAdmin(room: StoredRoom, user: string): boolean {
  return room.visibility !== "direct" && room.createdBy === user;
}

/** A workspace admin (accounts' `role`) or the room's admin. */
async function mayMentionAnyRoom(
  kv: Deno.Kv,
  room: StoredRoom,
  user: string,
): Promise<boolean> {
  if (isRoomAdmin(room, user)) return true;
  return (await getUserByUsername(kv, user))?.role === "admin";
}

/** Counts a room's members, stopping once past `cap`. */
async function memberCountAbove(
  kv: Deno.Kv,
  roomId: string,
  cap: number,
): Promise<boolean> {
  let n = 0;
  for await (
    const _ of kv.list({ prefix: membersPrefix(roomId) }, {
      limit: cap + 1,
      consistency: "eventual",
    })
  ) n++;
  return n > cap;
}

/**
 * The mentions of `text` by `author` in `room`: only members count (a
 * non-member's `@name` stays plain text); `@room` only in rooms of at most
 * {@link MAX_ROOM_MENTION_MEMBERS} members unless the author is the room's
 * creator or a workspace admin.
 */
export async function resolveMentions(
  kv: Deno.Kv,
  room: StoredRoom,
  author: string,
  text: string,
): Promise<ResolvedMentions> {
  const { names, room: all } = mentionCandidates(text);
  let mentions: string[] = [];
  if (names.length) {
    const entries = await getManyChunked(
      kv,
      names.map((n) => memberKey(room.id, n)),
    );
    mentions = names.filter((_, i) => entries[i].versionstamp !== null);
  }
  const mentionsRoom = all &&
    (!(await memberCountAbove(kv, room.id, MAX_ROOM_MENTION_MEMBERS)) ||
      await mayMentionAnyRoom(kv, room, author));
  return { mentions, mentionsRoom };
}

/** True when `m` mentions `user` (by name or through `@room`, not their own message). */
export function mentionsUser(m: Message, user: string): boolean {
  if (m.author === user || m.deleted) return false;
  return !!m.mentionsRoom || (m.mentions ?? []).includes(user);
}

/** Number of mutations {@link writeMentionIndex} makes for a message. */
export function mentionIndexCost(m: ResolvedMentions): number {
  return m.mentions.length + (m.mentionsRoom ? 1 : 0);
}

/** Adds the mention index entries of a new message to `op`. */
export function writeMentionIndex(
  op: Deno.AtomicOperation,
  m: Message,
): void {
  for (const u of m.mentions ?? []) op.set(mentionKey(m.room, u, m.seq), 1);
  if (m.mentionsRoom) op.set(roomMentionKey(m.room, m.seq), m.author);
}

/** Moves the mention index of a message from `before` to `after` (edit or delete). */
export function updateMentionIndex(
  op: Deno.AtomicOperation,
  before: Message,
  after: Message,
): void {
  const next = new Set(after.deleted ? [] : after.mentions ?? []);
  for (const u of before.mentions ?? []) {
    if (!next.has(u)) op.delete(mentionKey(before.room, u, before.seq));
  }
  for (const u of next) op.set(mentionKey(after.room, u, after.seq), 1);
  if (after.mentionsRoom && !after.deleted) {
    op.set(roomMentionKey(after.room, after.seq), after.author);
  } else if (before.mentionsRoom) {
    op.delete(roomMentionKey(before.room, before.seq));
  }
}

/** Counts shown as "99+" stop here. */
export const MAX_MENTION_COUNT = 100;

/**
 * Unread mentions of `user` in `roomId`: messages after `readSeq` that
 * name the user or `@room` (not the user's own), capped at
 * {@link MAX_MENTION_COUNT}.
 */
export async function unreadMentionCount(
  kv: Deno.Kv,
  user: string,
  roomId: string,
  readSeq: number,
): Promise<number> {
  const seqs = new Set<number>();
  const opts = { limit: MAX_MENTION_COUNT, consistency: "eventual" } as const;
  for await (
    const e of kv.list({
      start: mentionKey(roomId, user, readSeq + 1),
      end: ["chat_mention", roomId, user, Number.MAX_SAFE_INTEGER],
    }, opts)
  ) seqs.add(e.key[3] as number);
  for await (
    const e of kv.list<string>({
      start: roomMentionKey(roomId, readSeq + 1),
      end: ["chat_mention_all", roomId, Number.MAX_SAFE_INTEGER],
    }, opts)
  ) if (e.value !== user) seqs.add(e.key[2] as number);
  return Math.min(seqs.size, MAX_MENTION_COUNT);
}

/** Seqs after `readSeq` that mention `user` in `roomId` (oldest first, at most `limit`). */
export async function unreadMentionSeqs(
  kv: Deno.Kv,
  user: string,
  roomId: string,
  readSeq: number,
  limit = 20,
): Promise<number[]> {
  const seqs = new Set<number>();
  for await (
    const e of kv.list({
      start: mentionKey(roomId, user, readSeq + 1),
      end: ["chat_mention", roomId, user, Number.MAX_SAFE_INTEGER],
    }, { limit })
  ) seqs.add(e.key[3] as number);
  for await (
    const e of kv.list<string>({
      start: roomMentionKey(roomId, readSeq + 1),
      end: ["chat_mention_all", roomId, Number.MAX_SAFE_INTEGER],
    }, { limit })
  ) if (e.value !== user) seqs.add(e.key[2] as number);
  return [...seqs].sort((a, b) => a - b).slice(0, limit);
}
