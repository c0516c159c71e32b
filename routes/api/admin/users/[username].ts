/**
 * `PATCH /api/admin/users/:username {role?, active?}`: promote/demote,
 * deactivate (ends sessions and sockets at once) or reactivate.
 */
import type { Handlers } from "../../../../lib/web/types.ts";
import { json } from "../../../../lib/web/error_response.ts";
import { readJson } from "../../../../lib/web/body.ts";
import { assertAdmin, updateMember } from "../../../../lib/auth/admin.ts";

export const handler: Handlers = {
  async PATCH(req, ctx) {
    assertAdmin(ctx.state.user);
    const body = await readJson(req, ctx.deps.config.maxBodyBytes);
    return json(
      await updateMember(
        ctx.deps.kv,
        ctx.deps.bus,
        ctx.state.user!,
        ctx.params.username,
        body,
      ),
    );
  },
};
