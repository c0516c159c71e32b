/**
 * Dispatch of a socket's client frames (all but `ping`) to what handles
 * them: room following, or the actions.
 * @module
 */
import * as actions from "./actions.ts";
import type { ActionDeps } from "./actions.ts";
import type { Connection } from "./connection.ts";
import type { HubOptions } from "./hub_options.ts";
import type { RoomFollows } from "./hub_rooms.ts";
import type { ClientFrame } from "./protocol.ts";

/** Handles one client frame of `conn` (nothing once the socket closed). */
export async function handleFrame(
  deps: ActionDeps,
  rooms: RoomFollows,
  o: Required<HubOptions>,
  conn: Connection,
  f: ClientFrame,
): Promise<void> {
  if (conn.closed) return;
  switch (f.type) {
    case "subscribe":
      return await rooms.subscribe(conn, f.room, f.after);
    case "unsubscribe":
      return rooms.unsubscribe(conn, f.room);
    case "send":
      return await actions.send(deps, conn, f);
    case "edit":
    case "delete":
      return await actions.change(deps, conn, f);
    case "typing":
      return await actions.typing(
        deps,
        conn,
        f,
        o.typingThrottleMs,
      );
    case "read":
      return await actions.read(deps, conn, f);
    case "react":
      return await actions.react(deps, conn, f);
  }
}
