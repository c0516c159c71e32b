/** `POST /api/rooms/:id/leave`: leave a public or private room (sockets get `{"type":"left","room"}`). */
import { leaveRoom } from "../../../../lib/chat/rooms.ts";
import { json } from "../../../../lib/web/error_response.ts";
import type { Handlers } from "../../../../lib/web/types.ts";

export const handler: Handlers = {
  async POST(_req, ctx) {
    const user = ctx.state.user!.username;
    await leaveRoom(ctx.deps.kv, user, ctx.params.id);
    // Every socket of the user, on every instance, stops following the room.
    ctx.deps.bus.publish(`user:${user}`, { type: "left", room: ctx.params.id });
    return json({ ok: true });
  },
};
