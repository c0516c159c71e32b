/** `POST /api/rooms/:id/join`: join a public room. */
import { joinRoom } from "../../../../lib/chat/rooms.ts";
import { unblockRoom } from "../../../../lib/chat/room_block.ts";
import { json } from "../../../../lib/web/error_response.ts";
import type { Handlers } from "../../../../lib/web/types.ts";

export const handler: Handlers = {
  async POST(_req, ctx) {
    const user = ctx.state.user!.username;
    const room = await joinRoom(ctx.deps.kv, user, ctx.params.id);
    // Joining yourself lifts a block you set earlier.
    await unblockRoom(ctx.deps.kv, user, ctx.params.id);
    return json(room);
  },
};
