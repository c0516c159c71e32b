import type { Handlers } from "../../../lib/web/types.ts";
import { json } from "../../../lib/web/error_response.ts";
import { readJson } from "../../../lib/web/body.ts";
import {
  deleteGroup,
  getGroup,
  renameGroup,
} from "../../../lib/contacts/groups.ts";

/** GET, PATCH {name}, DELETE /api/groups/:id (contacts stay). */
export const handler: Handlers = {
  async GET(_req, ctx) {
    return json(await getGroup(ctx.deps.kv, ctx.state.user!.id, ctx.params.id));
  },
  async PATCH(req, ctx) {
    const body = await readJson(req, ctx.deps.config.maxBodyBytes);
    return json(
      await renameGroup(
        ctx.deps.kv,
        ctx.state.user!.id,
        ctx.params.id,
        body.name,
      ),
    );
  },
  async DELETE(_req, ctx) {
    await deleteGroup(ctx.deps.kv, ctx.state.user!.id, ctx.params.id);
    return new Response(null, { status: 204 });
  },
};
