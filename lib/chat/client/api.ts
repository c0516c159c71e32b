/**
 * Browser-side calls to the chat JSON API (DESIGN.md §9). Same-origin
 * fetches with the session cookie; an error answer becomes an
 * {@link ApiError} carrying the server's message.
 * @module
 */
import type { Message, RoomSummary, Visibility } from "../protocol.ts";

/** A room as returned by create/join/DM calls. */
export interface RoomInfo {
  id: string;
  name: string;
  visibility: Visibility;
}

/** An error answer from the API. */
export class ApiError extends Error {
  constructor(readonly status: number, readonly code: string, message: string) {
    super(message);
    this.name = "ApiError";
  }
}

/** A same-origin JSON call; an error answer throws {@link ApiError}. */
export async function call<T>(
  path: string,
  init: { method?: string; body?: unknown } = {},
): Promise<T> {
  let res: Response;
  try {
    res = await fetch(path, {
      method: init.method ?? "GET",
      credentials: "same-origin",
      headers: init.body === undefined
        ? { accept: "application/json" }
        : { accept: "application/json", "content-type": "application/json" },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
    });
  } catch {
    throw new ApiError(
      0,
      "network",
      "Cannot reach the server. Check your connection.",
    );
  }
  const text = await res.text();
  let data: unknown = undefined;
  try {
    data = text ? JSON.parse(text) : undefined;
  } catch {
    // not JSON
  }
  if (!res.ok) {
    const err = (data as { error?: { code?: string; message?: string } })
      ?.error;
    throw new ApiError(
      res.status,
      err?.code ?? "http_" + res.status,
      err?.message ?? `Request failed (${res.status}).`,
    );
  }
  return data as T;
}

/** False when the session has ended (401 from /api/me); true otherwise. */
export async function signedIn(): Promise<boolean> {
  try {
    const res = await fetch("/api/me", { credentials: "same-origin" });
    await res.body?.cancel();
    return res.status !== 401;
  } catch {
    return true; // unreachable server: not a sign-out
  }
}

/** My rooms with unread counts, or joinable public rooms with `publicOnly`. */
export async function listRooms(publicOnly = false): Promise<RoomSummary[]> {
  // Every page (the server answers at most 500 rooms and a cursor).
  const out: RoomSummary[] = [];
  let cursor = "";
  for (let i = 0; i < 100; i++) {
    const q = new URLSearchParams();
    if (publicOnly) q.set("public", "1");
    if (cursor) q.set("cursor", cursor);
    const qs = q.toString();
    const r = await call<{ rooms: RoomSummary[]; cursor?: string }>(
      "/api/rooms" + (qs ? "?" + qs : ""),
    );
    out.push(...r.rooms);
    cursor = r.cursor ?? "";
    if (!cursor) break;
  }
  return out;
}

/** Changes a room's name, topic or archived state (creator or admin). */
export function patchRoom(
  id: string,
  patch: { name?: string; topic?: string; archived?: boolean },
): Promise<RoomInfo> {
  return call(`/api/rooms/${encodeURIComponent(id)}`, {
    method: "PATCH",
    body: patch,
  });
}

/** One row of the member panel. */
export interface Person {
  username: string;
  role: "creator" | "member";
  online: boolean;
  displayName?: string;
}

/** The members of a room with role and presence. */
export async function roomPeople(id: string): Promise<Person[]> {
  const r = await call<{ people: Person[] }>(
    `/api/rooms/${encodeURIComponent(id)}/members`,
  );
  return r.people;
}

/** Leaves a room and refuses being added back. */
export async function blockRoom(id: string): Promise<void> {
  await call(`/api/rooms/${encodeURIComponent(id)}/block`, { method: "POST" });
}

/** Creates a room. */
export function createRoom(
  name: string,
  visibility: "public" | "private",
): Promise<RoomInfo> {
  return call("/api/rooms", { method: "POST", body: { name, visibility } });
}

/** Joins a public room. */
export async function joinRoom(id: string): Promise<void> {
  await call(`/api/rooms/${encodeURIComponent(id)}/join`, { method: "POST" });
}

/** Leaves a public or private room. */
export async function leaveRoom(id: string): Promise<void> {
  await call(`/api/rooms/${encodeURIComponent(id)}/leave`, { method: "POST" });
}

/** Adds a user to a room I belong to. */
export async function addMember(id: string, username: string): Promise<void> {
  await call(`/api/rooms/${encodeURIComponent(id)}/members`, {
    method: "POST",
    body: { username },
  });
}

/** Opens (or finds) my direct-message room with `username`. */
export function startDm(username: string): Promise<RoomInfo> {
  return call("/api/dms", { method: "POST", body: { username } });
}

/** A page of history in ascending seq. */
export async function history(
  room: string,
  q: { before?: number; after?: number; limit?: number } = {},
): Promise<Message[]> {
  const p = new URLSearchParams();
  if (q.before !== undefined) p.set("before", String(q.before));
  if (q.after !== undefined) p.set("after", String(q.after));
  if (q.limit !== undefined) p.set("limit", String(q.limit));
  const qs = p.toString();
  const r = await call<{ messages: Message[] }>(
    `/api/rooms/${encodeURIComponent(room)}/messages${qs ? "?" + qs : ""}`,
  );
  return r.messages;
}
