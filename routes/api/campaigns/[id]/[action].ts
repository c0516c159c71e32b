import type { Handlers } from "../../../../lib/web/types.ts";
import { json } from "../../../../lib/web/error_response.ts";
import { BadRequestError, NotFoundError } from "../../../../lib/errors.ts";
import { readJson } from "../../../../lib/web/body.ts";
import {
  type Control,
  controlCampaign,
  type RetryScope,
} from "../../../../lib/mail/controls.ts";
import { publishProgress } from "../../../../lib/mail/sender.ts";
import { mailService } from "../../../../lib/mail/service.ts";

const ACTIONS = new Set<Control>(["pause", "resume", "cancel", "retry"]);

/** POST /api/campaigns/:id/(pause|resume|cancel|retry). */
export const handler: Handlers = {
  async POST(req, ctx) {
    const action = ctx.params.action as Control;
    if (!ACTIONS.has(action)) throw new NotFoundError();
    const owner = ctx.state.user!.username;
    // retry: `{"scope":"all"}` also retries permanent (5xx) failures.
    const body = action === "retry" && req.body &&
        req.headers.get("content-length") !== "0"
      ? await readJson(req, ctx.deps.config.maxBodyBytes)
      : {};
    if (
      body.scope !== undefined && body.scope !== "all" &&
      body.scope !== "transient"
    ) {
      throw new BadRequestError('scope must be "transient" or "all".');
    }
    const progress = await controlCampaign(
      ctx.deps.kv,
      owner,
      ctx.params.id,
      action,
      (body.scope as RetryScope | undefined) ?? "transient",
    );
    mailService(ctx.deps).sender.wake();
    publishProgress(ctx.deps.bus, owner, progress);
    return json(progress);
  },
};
