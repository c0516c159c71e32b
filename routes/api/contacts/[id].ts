import type { Handlers } from "../../../lib/web/types.ts";
import { json } from "../../../lib/web/error_response.ts";
import { readJson } from "../../../lib/web/body.ts";
import {
  deleteContact,
  getContact,
  updateContact,
} from "../../../lib/contacts/contacts.ts";

/** GET, PATCH, DELETE /api/contacts/:id (another user's id: 404). */
export const handler: Handlers = {
  async GET(_req, ctx) {
    return json(
      await getContact(ctx.deps.kv, ctx.state.user!.id, ctx.params.id),
    );
  },
  async PATCH(req, ctx) {
    const patch = await readJson(req, ctx.deps.config.maxBodyBytes);
    return json(
      await updateContact(
        ctx.deps.kv,
        ctx.state.user!.id,
        ctx.params.id,
        patch,
      ),
    );
  },
  async DELETE(_req, ctx) {
    await deleteContact(ctx.deps.kv, ctx.state.user!.id, ctx.params.id);
    return new Response(null, { status: 204 });
  },
};
