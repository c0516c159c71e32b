/** `GET /api/rooms/:id/messages?before=&after=&limit=`: history, ascending. */
import {
  listMessages,
  parseHistoryQuery,
} from "../../../../lib/chat/messages.ts";
import { json } from "../../../../lib/web/error_response.ts";
import type { Handlers } from "../../../../lib/web/types.ts";

export const handler: Handlers = {
  async GET(_req, ctx) {
    const q = ctx.url.searchParams;
    const query = parseHistoryQuery({
      before: q.get("before") ?? undefined,
      after: q.get("after") ?? undefined,
      limit: q.get("limit") ?? undefined,
    });
    const messages = await listMessages(
      ctx.deps.kv,
      ctx.state.user!.username,
      ctx.params.id,
      query,
    );
    return json({ messages });
  },
};
