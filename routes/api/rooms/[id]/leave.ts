/** `POST /api/rooms/:id/leave`: leave a public or private room. */
import { leaveRoom } from "../../../../lib/chat/rooms.ts";
import { json } from "../../../../lib/web/error_response.ts";
import type { Handlers } from "../../../../lib/web/types.ts";

export const handler: Handlers = {
  async POST(_req, ctx) {
    await leaveRoom(ctx.deps.kv, ctx.state.user!.username, ctx.params.id);
    return json({ ok: true });
  },
};
