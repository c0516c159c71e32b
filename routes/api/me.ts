import type { Handlers } from "../../lib/web/types.ts";
import { json } from "../../lib/web/error_response.ts";
import { profileOf } from "../../lib/auth/profile.ts";

export const handler: Handlers = {
  GET: (_req, ctx) => json(profileOf(ctx.state.user!)),
};
