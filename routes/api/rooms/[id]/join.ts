/** `POST /api/rooms/:id/join`: join a public room. */
import { joinRoom } from "../../../../lib/chat/rooms.ts";
import { json } from "../../../../lib/web/error_response.ts";
import type { Handlers } from "../../../../lib/web/types.ts";

export const handler: Handlers = {
  async POST(_req, ctx) {
    return json(
      await joinRoom(ctx.deps.kv, ctx.state.user!.username, ctx.params.id),
    );
  },
};
