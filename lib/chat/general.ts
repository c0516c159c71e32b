/**
 * The workspace's `#general` room: a public room every new member joins
 * automatically. Its id is kept at `["workspace", "general_room"]`; the
 * first account creates it.
 * @module
 */
import { createRoom, joinRoom } from "./rooms.ts";

const GENERAL_KEY = ["workspace", "general_room"];

/** The name of the room every member joins. */
export const GENERAL_ROOM_NAME = "general";

/** The `#general` room id, or null before the first account. */
export async function generalRoomId(kv: Deno.Kv): Promise<string | null> {
  return (await kv.get<string>(GENERAL_KEY)).value;
}

/** Puts `username` in `#general`, creating the room on first use. */
export async function joinGeneral(
  kv: Deno.Kv,
  username: string,
): Promise<string> {
  const existing = await generalRoomId(kv);
  if (existing) {
    await joinRoom(kv, username, existing);
    return existing;
  }
  const room = await createRoom(kv, username, {
    name: GENERAL_ROOM_NAME,
    visibility: "public",
  });
  const res = await kv.atomic().check({ key: GENERAL_KEY, versionstamp: null })
    .set(GENERAL_KEY, room.id).commit();
  if (res.ok) return room.id;
  // Another first sign-up won the race (legacy stores only): join theirs.
  const winner = (await generalRoomId(kv))!;
  await joinRoom(kv, username, winner);
  return winner;
}
