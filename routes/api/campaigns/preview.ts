import type { Handlers } from "../../../lib/web/types.ts";
import { json } from "../../../lib/web/error_response.ts";
import { readJson } from "../../../lib/web/body.ts";
import { previewContent } from "../../../lib/mail/actions.ts";
import { mailUserOf } from "../../../lib/mail/model.ts";

/** Renders unsaved content with sample values; 400 on an unknown merge tag. */
export const handler: Handlers = {
  async POST(req, ctx) {
    const body = await readJson(req, ctx.deps.config.maxBodyBytes);
    return json(previewContent(mailUserOf(ctx.state.user!), body));
  },
};
