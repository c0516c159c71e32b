import type { Handler } from "../../lib/web/types.ts";
import { UnauthorizedError } from "../../lib/errors.ts";

/** Every `/api/` route needs a session (401 otherwise). */
export const handler: Handler = (_req, ctx) => {
  if (!ctx.state.user) throw new UnauthorizedError();
  return ctx.next();
};
