/**
 * `GET /api/rooms/:id/messages?before=&after=&limit=`: history, ascending;
 * `?around=SEQ&limit=` gives the page centred on one message.
 */
import {
  listMessages,
  parseHistoryQuery,
} from "../../../../lib/chat/messages.ts";
import { listAround } from "../../../../lib/chat/history_around.ts";
import { BadRequestError } from "../../../../lib/errors.ts";
import { json } from "../../../../lib/web/error_response.ts";
import { withAuthors } from "../../../../lib/auth/directory.ts";
import type { Handlers } from "../../../../lib/web/types.ts";

export const handler: Handlers = {
  async GET(_req, ctx) {
    const q = ctx.url.searchParams;
    const query = parseHistoryQuery({
      before: q.get("before") ?? undefined,
      after: q.get("after") ?? undefined,
      limit: q.get("limit") ?? undefined,
    });
    const around = q.get("around");
    if (around !== null) {
      if (!/^\d{1,15}$/.test(around)) {
        throw new BadRequestError(
          "around must be a non-negative integer.",
          "invalid_query",
        );
      }
      if (query.before !== undefined || query.after !== undefined) {
        throw new BadRequestError(
          "around cannot be combined with before or after.",
          "invalid_query",
        );
      }
      const messages = await listAround(
        ctx.deps.kv,
        ctx.state.user!.username,
        ctx.params.id,
        Number(around),
        query.limit ?? 50,
      );
      return json(await withAuthors(ctx.deps.kv, messages));
    }
    const messages = await listMessages(
      ctx.deps.kv,
      ctx.state.user!.username,
      ctx.params.id,
      query,
    );
    return json(await withAuthors(ctx.deps.kv, messages));
  },
};
