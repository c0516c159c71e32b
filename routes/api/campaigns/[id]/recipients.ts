import type { Handlers } from "../../../../lib/web/types.ts";
import { json } from "../../../../lib/web/error_response.ts";
import { listRecipients } from "../../../../lib/mail/controls.ts";
import { parseCursor, parseLimit } from "../../../../lib/params.ts";

export const handler: Handlers = {
  async GET(_req, ctx) {
    const q = ctx.url.searchParams;
    const page = await listRecipients(
      ctx.deps.kv,
      ctx.state.user!.username,
      ctx.params.id,
      {
        status: q.get("status"),
        limit: parseLimit(q.get("limit"), { fallback: 1000, max: 5000 }),
        cursor: parseCursor(q.get("cursor")),
      },
    );
    return json(page);
  },
};
