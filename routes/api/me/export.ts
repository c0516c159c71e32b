/** `GET /api/me/export`: JSON of profile, messages written, contacts, groups, campaigns. */
import type { Handlers } from "../../../lib/web/types.ts";
import { exportAccount } from "../../../lib/auth/leave.ts";

export const handler: Handlers = {
  async GET(_req, ctx) {
    const user = ctx.state.user!;
    const data = await exportAccount(ctx.deps.kv, user);
    return new Response(JSON.stringify(data, null, 2), {
      headers: {
        "content-type": "application/json; charset=utf-8",
        "content-disposition":
          `attachment; filename="rt-messenger-${user.username}.json"`,
        "cache-control": "no-store",
      },
    });
  },
};
