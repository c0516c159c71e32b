import type { Handlers } from "../../../../lib/web/types.ts";
import { json } from "../../../../lib/web/error_response.ts";
import { duplicateCampaign } from "../../../../lib/mail/drafts.ts";
import { mailUserOf } from "../../../../lib/mail/model.ts";

/** Copies any campaign into a new draft: 201 `{id, status:"draft", total}`. */
export const handler: Handlers = {
  async POST(_req, ctx) {
    const c = await duplicateCampaign(
      ctx.deps.kv,
      mailUserOf(ctx.state.user!),
      ctx.params.id,
    );
    return json({ id: c.id, status: c.status, total: c.total }, 201);
  },
};
