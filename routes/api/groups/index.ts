import type { Handlers } from "../../../lib/web/types.ts";
import { json } from "../../../lib/web/error_response.ts";
import { readJson } from "../../../lib/web/body.ts";
import { createGroup, listGroups } from "../../../lib/contacts/groups.ts";

/** GET /api/groups → {groups}; POST /api/groups {name} → 201 group. */
export const handler: Handlers = {
  async GET(_req, ctx) {
    return json({
      groups: await listGroups(ctx.deps.kv, ctx.state.user!.id),
    });
  },
  async POST(req, ctx) {
    const body = await readJson(req, ctx.deps.config.maxBodyBytes);
    const group = await createGroup(ctx.deps.kv, ctx.state.user!.id, body.name);
    return json(group, 201);
  },
};
