/** `GET /api/rooms/:id`: one room as the member sees it. */
import { getRoom } from "../../../../lib/chat/rooms.ts";
import { json } from "../../../../lib/web/error_response.ts";
import type { Handlers } from "../../../../lib/web/types.ts";

export const handler: Handlers = {
  async GET(_req, ctx) {
    return json(
      await getRoom(ctx.deps.kv, ctx.state.user!.username, ctx.params.id),
    );
  },
};
