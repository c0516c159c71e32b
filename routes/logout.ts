import type { Handlers } from "../lib/web/types.ts";
import { redirect } from "../lib/web/error_response.ts";
import { endSession } from "../lib/web/session_cookie.ts";

export const handler: Handlers = {
  async POST(req, ctx) {
    const cookie = await endSession(ctx.deps.kv, ctx.deps.config, req);
    return redirect("/login", 303, { "set-cookie": cookie });
  },
};
