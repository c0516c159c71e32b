/**
 * KV key layout for chat. One place so every module agrees.
 *
 * | key | value |
 * |---|---|
 * | `["chat_room", roomId]` | {@link StoredRoom} (primary) |
 * | `["chat_member", roomId, username]` | {@link Membership} |
 * | `["chat_user_room", username, roomId]` | {@link Membership} (index copy) |
 * | `["chat_public", roomId]` | `{id, name}` (index of public rooms) |
 * | `["chat_dm", userA, userB]` | roomId (A ≤ B, one DM room per pair) |
 * | `["chat_seq", roomId]` | number: the room's latest seq (0 = empty) |
 * | `["chat_msg", roomId, seq]` | Message |
 * | `["chat_msg_id", roomId, messageId]` | seq |
 * | `["chat_cid", roomId, author, cid]` | `{id, seq}` (idempotency) |
 * | `["chat_read", username, roomId]` | number: last read seq |
 * @module
 */

export const roomKey = (id: string): Deno.KvKey => ["chat_room", id];
export const memberKey = (room: string, user: string): Deno.KvKey => [
  "chat_member",
  room,
  user,
];
export const membersPrefix = (room: string): Deno.KvKey => [
  "chat_member",
  room,
];
export const userRoomKey = (user: string, room: string): Deno.KvKey => [
  "chat_user_room",
  user,
  room,
];
export const userRoomsPrefix = (user: string): Deno.KvKey => [
  "chat_user_room",
  user,
];
export const publicRoomKey = (id: string): Deno.KvKey => ["chat_public", id];
export const publicRoomsPrefix: Deno.KvKey = ["chat_public"];
export const dmKey = (a: string, b: string): Deno.KvKey =>
  a <= b ? ["chat_dm", a, b] : ["chat_dm", b, a];
export const seqKey = (room: string): Deno.KvKey => ["chat_seq", room];
export const msgKey = (room: string, seq: number): Deno.KvKey => [
  "chat_msg",
  room,
  seq,
];
export const msgPrefix = (room: string): Deno.KvKey => ["chat_msg", room];
export const msgIdKey = (room: string, id: string): Deno.KvKey => [
  "chat_msg_id",
  room,
  id,
];
export const cidKey = (
  room: string,
  author: string,
  cid: string,
): Deno.KvKey => ["chat_cid", room, author, cid];
export const readKey = (user: string, room: string): Deno.KvKey => [
  "chat_read",
  user,
  room,
];

/** Reads many keys in chunks of 10 (KV's getMany limit), in order. */
export async function getManyChunked<T>(
  kv: Deno.Kv,
  keys: Deno.KvKey[],
): Promise<Deno.KvEntryMaybe<T>[]> {
  const chunks: Promise<Deno.KvEntryMaybe<T>[]>[] = [];
  for (let i = 0; i < keys.length; i += 10) {
    chunks.push(kv.getMany<T[]>(keys.slice(i, i + 10)));
  }
  return (await Promise.all(chunks)).flat();
}
