import type { Handlers } from "../../../../lib/web/types.ts";
import { json } from "../../../../lib/web/error_response.ts";
import { getCampaign } from "../../../../lib/mail/campaigns.ts";
import { viewOf } from "../../../../lib/mail/actions.ts";

export const handler: Handlers = {
  async GET(_req, ctx) {
    const { value } = await getCampaign(
      ctx.deps.kv,
      ctx.state.user!.username,
      ctx.params.id,
    );
    return json(await viewOf(ctx.deps.kv, value));
  },
};
