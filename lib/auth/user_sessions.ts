/**
 * A user's sessions as a list (settings: created, last seen, user agent,
 * IP) and ending them: one, all others, or all (password change, reset,
 * deactivation, deletion). Every ended session is announced on the bus, so
 * its sockets close with 4001 on every instance.
 * @module
 */
import { type EventBus, publishSessionEnded } from "../events.ts";
import type { Session } from "./sessions.ts";

/** How a session shows in the settings list. */
export interface SessionView {
  id: string;
  createdAt: string;
  lastSeenAt: string;
  expiresAt: string;
  userAgent: string;
  ip: string;
  current: boolean;
}

/** The user's live sessions, newest first. */
export async function listSessions(
  kv: Deno.Kv,
  userId: string,
  currentId?: string,
): Promise<SessionView[]> {
  const ids: string[] = [];
  for await (const e of kv.list({ prefix: ["sessions_by_user", userId] })) {
    ids.push(String(e.key[2]));
  }
  const out: SessionView[] = [];
  for (let i = 0; i < ids.length; i += 10) {
    const entries = await kv.getMany<Session[]>(
      ids.slice(i, i + 10).map((id) => ["sessions", id]),
    );
    for (const e of entries) {
      const s = e.value;
      if (!s || s.userId !== userId || Date.parse(s.expiresAt) <= Date.now()) {
        continue;
      }
      out.push({
        id: s.id,
        createdAt: s.createdAt,
        lastSeenAt: s.lastSeenAt ?? s.createdAt,
        expiresAt: s.expiresAt,
        userAgent: s.userAgent ?? "",
        ip: s.ip ?? "",
        current: s.id === currentId,
      });
    }
  }
  return out.sort((a, b) => b.createdAt.localeCompare(a.createdAt));
}

/**
 * Ends the user's sessions chosen by `which` ("all", "others" than
 * `currentId`, or one session id); returns how many ended.
 */
export async function endSessions(
  kv: Deno.Kv,
  bus: EventBus,
  user: { id: string; username: string },
  which: "all" | "others" | { id: string },
  currentId?: string,
): Promise<number> {
  const ids: string[] = [];
  for await (const e of kv.list({ prefix: ["sessions_by_user", user.id] })) {
    const id = String(e.key[2]);
    if (which === "all") ids.push(id);
    else if (which === "others") {
      if (id !== currentId) ids.push(id);
    } else if (id === which.id) ids.push(id);
  }
  for (let i = 0; i < ids.length; i += 100) {
    const op = kv.atomic();
    for (const id of ids.slice(i, i + 100)) {
      op.delete(["sessions", id]).delete(["sessions_by_user", user.id, id]);
    }
    await op.commit();
  }
  for (const id of ids) publishSessionEnded(bus, user.username, id);
  return ids.length;
}
