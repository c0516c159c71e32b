import type { Handler } from "../../lib/web/types.ts";
import { redirect } from "../../lib/web/error_response.ts";

/** App pages need a signed-in user; others are sent to the login page. */
export const handler: Handler = (_req, ctx) => {
  if (ctx.state.user) return ctx.next();
  const next = ctx.url.pathname + ctx.url.search;
  return redirect(
    next === "/" ? "/login" : `/login?next=${encodeURIComponent(next)}`,
  );
};
