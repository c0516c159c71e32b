/**
 * `GET /api/rooms/:id`: one room as the member sees it.
 * `PATCH /api/rooms/:id` `{name?, topic?, archived?}`: by the room's creator
 * or an admin; `renamed`, `topic` and `archived` reach every member live.
 */
import { getRoom } from "../../../../lib/chat/rooms.ts";
import { updateRoom } from "../../../../lib/chat/room_settings.ts";
import { chatFor } from "../../../../lib/chat/service.ts";
import { readJson } from "../../../../lib/web/body.ts";
import { json } from "../../../../lib/web/error_response.ts";
import type { Handlers } from "../../../../lib/web/types.ts";

export const handler: Handlers = {
  async GET(_req, ctx) {
    return json(
      await getRoom(ctx.deps.kv, ctx.state.user!.username, ctx.params.id),
    );
  },
  async PATCH(req, ctx) {
    const body = await readJson(req, ctx.deps.config.maxBodyBytes);
    const { room, events } = await updateRoom(
      ctx.deps.kv,
      ctx.state.user!.username,
      ctx.params.id,
      { name: body.name, topic: body.topic, archived: body.archived },
      chatFor(ctx.deps).isAdmin,
    );
    for (const ev of events) {
      ctx.deps.bus.publish(`room:${ctx.params.id}`, { ...ev });
    }
    return json(room);
  },
};
