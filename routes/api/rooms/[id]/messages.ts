/** `GET /api/rooms/:id/messages?before=&after=&limit=`: history, ascending. */
import {
  listMessages,
  parseHistoryQuery,
} from "../../../../lib/chat/messages.ts";
import { listAround, parseAround } from "../../../../lib/chat/around.ts";
import { json } from "../../../../lib/web/error_response.ts";
import type { Handlers } from "../../../../lib/web/types.ts";

export const handler: Handlers = {
  async GET(_req, ctx) {
    const q = ctx.url.searchParams;
    const around = q.get("around");
    const query = parseHistoryQuery({
      before: q.get("before") ?? undefined,
      after: q.get("after") ?? undefined,
      limit: q.get("limit") ?? undefined,
    });
    if (around !== null) {
      const seq = parseAround(around);
      return json({
        messages: await listAround(
          ctx.deps.kv,
          ctx.state.user!.username,
          ctx.params.id,
          seq,
          query.limit ?? 50,
        ),
      });
    }
    const messages = await listMessages(
      ctx.deps.kv,
      ctx.state.user!.username,
      ctx.params.id,
      query,
    );
    return json({ messages });
  },
};
