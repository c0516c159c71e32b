/** `POST /api/dms` `{username}`: the direct-message room with that user (same id every time). */
import { openDm } from "../../lib/chat/rooms.ts";
import { chatFor } from "../../lib/chat/service.ts";
import { readJson } from "../../lib/web/body.ts";
import { json } from "../../lib/web/error_response.ts";
import type { Handlers } from "../../lib/web/types.ts";

export const handler: Handlers = {
  async POST(req, ctx) {
    const body = await readJson(req, ctx.deps.config.maxBodyBytes);
    const other = typeof body.username === "string"
      ? body.username.trim().toLowerCase()
      : body.username;
    const room = await openDm(
      ctx.deps.kv,
      ctx.state.user!.username,
      other,
      chatFor(ctx.deps).userExists,
    );
    ctx.deps.bus.publish(`user:${other}`, {
      type: "room_added",
      room: room.id,
    });
    return json(room);
  },
};
