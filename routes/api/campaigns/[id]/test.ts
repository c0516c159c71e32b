import type { Handlers } from "../../../../lib/web/types.ts";
import { json } from "../../../../lib/web/error_response.ts";
import { readJson } from "../../../../lib/web/body.ts";
import { sendTest } from "../../../../lib/mail/actions.ts";
import { mailService } from "../../../../lib/mail/service.ts";
import { mailUserOf } from "../../../../lib/mail/model.ts";

/** Sends one test mail; 200 once the transport accepted it. */
export const handler: Handlers = {
  async POST(req, ctx) {
    const body = req.headers.get("content-length") === "0" || !req.body
      ? {}
      : await readJson(req, ctx.deps.config.maxBodyBytes);
    const { config, kv } = ctx.deps;
    const res = await sendTest(
      kv,
      mailUserOf(ctx.state.user!),
      ctx.params.id,
      body.email,
      {
        transport: mailService(ctx.deps).transport,
        ctx: config,
        quota: config.mailDailyQuota,
      },
    );
    return json({ sent: true, ...res });
  },
};
