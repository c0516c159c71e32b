import type { Handlers } from "../../../../lib/web/types.ts";
import { json } from "../../../../lib/web/error_response.ts";
import { previewFor } from "../../../../lib/mail/actions.ts";

/** The campaign rendered for one recipient (`?email=`, default the first). */
export const handler: Handlers = {
  async GET(_req, ctx) {
    const { kv, config } = ctx.deps;
    return json(
      await previewFor(
        kv,
        ctx.state.user!.username,
        ctx.params.id,
        ctx.url.searchParams.get("email"),
        config.appUrl,
      ),
    );
  },
};
