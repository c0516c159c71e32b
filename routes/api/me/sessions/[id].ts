/** `DELETE /api/me/sessions/:id`: logs out one of the user's sessions (404 if not theirs). */
import type { Handlers } from "../../../../lib/web/types.ts";
import { NotFoundError } from "../../../../lib/errors.ts";
import { endSessions } from "../../../../lib/auth/user_sessions.ts";

export const handler: Handlers = {
  async DELETE(_req, ctx) {
    const n = await endSessions(ctx.deps.kv, ctx.deps.bus, ctx.state.user!, {
      id: ctx.params.id,
    });
    if (n === 0) throw new NotFoundError("No such session.");
    return new Response(null, { status: 204 });
  },
};
