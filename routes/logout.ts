import type { Handlers } from "../lib/web/types.ts";
import { redirect } from "../lib/web/error_response.ts";
import { endSession } from "../lib/auth/session_cookie.ts";
import { publishSessionEnded } from "../lib/events.ts";

export const handler: Handlers = {
  async POST(req, ctx) {
    const cookie = await endSession(ctx.deps.kv, ctx.deps.config, req);
    const { user, session } = ctx.state;
    if (user && session) {
      publishSessionEnded(ctx.deps.bus, user.username, session.id);
    }
    return redirect("/login", 303, { "set-cookie": cookie });
  },
};
