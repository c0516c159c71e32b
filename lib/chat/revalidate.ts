/**
 * Revocation across instances (issue 14 item 7): open sockets re-check in KV
 * that their session still exists and that their user is still a member of
 * each followed room, on a timer and when a bus event says the user's access
 * changed. A socket whose session is gone closes with 4001; a room the user
 * no longer belongs to is unsubscribed and the socket gets `left`. This holds
 * whichever instance handled the logout, leave or removal, and even when the
 * doorbell lost that instance's event.
 * @module
 */
import type { Connection } from "./connection.ts";
import { getManyChunked, memberKey } from "./keys.ts";

/** Event type on `user:<username>`: re-check that user's sockets now. */
export const ACCESS_CHANGED = "access_changed";

/** What revalidation does to a socket that lost access. */
export interface RevokeActions {
  /** The socket's session is gone: close it (4001). */
  endSession(conn: Connection): void;
  /** The user left or was removed: stop the room's events on this socket. */
  leaveRoom(conn: Connection, room: string): void;
}

/** Re-checks `conns` against KV (batched reads) and applies `act`. */
export async function revalidate(
  kv: Deno.Kv,
  conns: Connection[],
  act: RevokeActions,
): Promise<void> {
  const open = conns.filter((c) => !c.closed);
  const withSession = open.filter((c) => c.session);
  const sessions = await getManyChunked<{ expiresAt: string }>(
    kv,
    withSession.map((c) => ["sessions", c.session!.id]),
  );
  const now = Date.now();
  const alive = new Set(open);
  withSession.forEach((conn, i) => {
    const s = sessions[i].value;
    if (!s || Date.parse(s.expiresAt) <= now) {
      alive.delete(conn);
      act.endSession(conn);
    }
  });
  const pairs: [Connection, string][] = [];
  for (const conn of alive) {
    for (const room of conn.rooms.keys()) pairs.push([conn, room]);
  }
  const members = await getManyChunked(
    kv,
    pairs.map(([conn, room]) => memberKey(room, conn.user)),
  );
  pairs.forEach(([conn, room], i) => {
    if (members[i].versionstamp === null && !conn.closed) {
      act.leaveRoom(conn, room);
    }
  });
}
