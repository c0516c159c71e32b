/** `DELETE /api/invites/:id`: revokes an invitation (own, or any for admins). */
import { revokeInvite } from "../../../lib/auth/invites.ts";
import type { Handlers } from "../../../lib/web/types.ts";

export const handler: Handlers = {
  async DELETE(_req, ctx) {
    await revokeInvite(ctx.deps.kv, ctx.state.user!, ctx.params.id);
    return new Response(null, { status: 204 });
  },
};
