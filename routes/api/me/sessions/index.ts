/**
 * `GET /api/me/sessions`: `{sessions:[{id, createdAt, lastSeenAt, userAgent,
 * ip, current}]}`; `DELETE /api/me/sessions`: logs out all other sessions.
 */
import type { Handlers } from "../../../../lib/web/types.ts";
import { json } from "../../../../lib/web/error_response.ts";
import {
  endSessions,
  listSessions,
} from "../../../../lib/auth/user_sessions.ts";

export const handler: Handlers = {
  async GET(_req, ctx) {
    const { user, session } = ctx.state;
    return json({
      sessions: await listSessions(ctx.deps.kv, user!.id, session!.id),
    });
  },
  async DELETE(_req, ctx) {
    const { user, session } = ctx.state;
    const ended = await endSessions(
      ctx.deps.kv,
      ctx.deps.bus,
      user!,
      "others",
      session!.id,
    );
    return json({ endedSessions: ended });
  },
};
