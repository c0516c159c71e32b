/** `GET /api/admin/users`: every member with role, status, last seen (admins only, 403 otherwise). */
import type { Handlers } from "../../../../lib/web/types.ts";
import { json } from "../../../../lib/web/error_response.ts";
import { listMembers } from "../../../../lib/auth/admin.ts";

export const handler: Handlers = {
  async GET(_req, ctx) {
    return json({ users: await listMembers(ctx.deps.kv, ctx.state.user!) });
  },
};
