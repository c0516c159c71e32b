/**
 * `POST /api/rooms/:id/block`: leave a room you were added to and refuse
 * being added again; `DELETE` lifts the block (joining yourself does too).
 */
import { blockRoom, unblockRoom } from "../../../../lib/chat/room_block.ts";
import { json } from "../../../../lib/web/error_response.ts";
import type { Handlers } from "../../../../lib/web/types.ts";

export const handler: Handlers = {
  async POST(_req, ctx) {
    const user = ctx.state.user!.username;
    await blockRoom(ctx.deps.kv, user, ctx.params.id);
    ctx.deps.bus.publish(`user:${user}`, { type: "left", room: ctx.params.id });
    return json({ ok: true, blocked: true });
  },
  async DELETE(_req, ctx) {
    await unblockRoom(ctx.deps.kv, ctx.state.user!.username, ctx.params.id);
    return json({ ok: true, blocked: false });
  },
};
