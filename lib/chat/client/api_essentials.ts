/**
 * Browser-side calls for mentions, notification levels, search and
 * history around a message.
 * @module
 */
import type { Message, NotifyLevel, RoomSummary } from "../protocol.ts";
import { call } from "./api.ts";

/** A member as the mention autocomplete shows it. */
export interface Person {
  username: string;
  displayName?: string;
}

/** One search result. */
export interface SearchResult {
  room: Pick<RoomSummary, "id" | "name" | "visibility">;
  message: Message;
  highlights: { start: number; end: number }[];
}

const rid = (id: string) => encodeURIComponent(id);

/** The members of a room (for autocomplete and the "add them?" offer). */
export async function members(room: string): Promise<Person[]> {
  const r = await call<{ members: string[]; people?: Person[] }>(
    `/api/rooms/${rid(room)}/members`,
  );
  return r.people ?? r.members.map((username) => ({ username }));
}

/** Sets my notification level for a room. */
export async function setNotify(
  room: string,
  notify: NotifyLevel,
): Promise<NotifyLevel> {
  const r = await call<{ notify: NotifyLevel }>(
    `/api/rooms/${rid(room)}/settings`,
    { method: "PATCH", body: { notify } },
  );
  return r.notify;
}

/** A page of search results, newest first. */
export async function search(
  q: string,
  cursor = "",
): Promise<{ results: SearchResult[]; cursor: string }> {
  const p = new URLSearchParams({ q });
  if (cursor) p.set("cursor", cursor);
  return await call(`/api/search?${p}`);
}

/** History around `seq` (both sides), ascending. */
export async function around(
  room: string,
  seq: number,
  limit = 50,
): Promise<Message[]> {
  const r = await call<{ messages: Message[] }>(
    `/api/rooms/${rid(room)}/messages?around=${seq}&limit=${limit}`,
  );
  return r.messages;
}
