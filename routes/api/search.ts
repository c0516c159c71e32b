/** `GET /api/search?q=&room=&from=&before=&after=&cursor=&limit=`: message search. */
import { parseSearch } from "../../lib/search/query.ts";
import { searchMessages } from "../../lib/search/search.ts";
import { json } from "../../lib/web/error_response.ts";
import type { Handlers } from "../../lib/web/types.ts";

export const handler: Handlers = {
  async GET(_req, ctx) {
    const p = ctx.url.searchParams;
    const query = parseSearch({
      q: p.get("q"),
      room: p.get("room"),
      from: p.get("from"),
      before: p.get("before"),
      after: p.get("after"),
      cursor: p.get("cursor"),
      limit: p.get("limit"),
    });
    return json(
      await searchMessages(ctx.deps.kv, ctx.state.user!.username, query),
    );
  },
};
