import type { Handlers } from "../../../../lib/web/types.ts";
import { json } from "../../../../lib/web/error_response.ts";
import { NotFoundError } from "../../../../lib/errors.ts";
import {
  type Control,
  controlCampaign,
} from "../../../../lib/mail/controls.ts";
import { publishProgress } from "../../../../lib/mail/sender.ts";
import { mailService } from "../../../../lib/mail/service.ts";

const ACTIONS = new Set<Control>(["pause", "resume", "cancel", "retry"]);

/** POST /api/campaigns/:id/(pause|resume|cancel|retry). */
export const handler: Handlers = {
  async POST(_req, ctx) {
    const action = ctx.params.action as Control;
    if (!ACTIONS.has(action)) throw new NotFoundError();
    const owner = ctx.state.user!.username;
    const progress = await controlCampaign(
      ctx.deps.kv,
      owner,
      ctx.params.id,
      action,
    );
    mailService(ctx.deps).sender.wake();
    publishProgress(ctx.deps.bus, owner, progress);
    return json(progress);
  },
};
