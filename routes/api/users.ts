/**
 * `GET /api/users?q=&limit=`: the people directory (active members with
 * display name and presence), also the autocomplete of the DM and
 * add-people dialogs.
 */
import type { Handlers } from "../../lib/web/types.ts";
import { json } from "../../lib/web/error_response.ts";
import { directory, MAX_DIRECTORY } from "../../lib/auth/directory.ts";

export const handler: Handlers = {
  async GET(_req, ctx) {
    const q = ctx.url.searchParams.get("q") ?? "";
    const rawLimit = Number(ctx.url.searchParams.get("limit") ?? MAX_DIRECTORY);
    const limit = Number.isInteger(rawLimit) && rawLimit > 0
      ? Math.min(rawLimit, MAX_DIRECTORY)
      : MAX_DIRECTORY;
    return json({
      users: await directory(ctx.deps.kv, ctx.deps.bus, q, limit),
    });
  },
};
