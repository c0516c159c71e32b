import type { Handlers } from "../../../../lib/web/types.ts";
import { json } from "../../../../lib/web/error_response.ts";
import { startSending } from "../../../../lib/mail/ledger.ts";
import { publishProgress } from "../../../../lib/mail/sender.ts";
import { mailService } from "../../../../lib/mail/service.ts";

/** Queues every recipient (quota checked first) and answers 202. */
export const handler: Handlers = {
  async POST(_req, ctx) {
    const owner = ctx.state.user!.username;
    const { kv, config, bus } = ctx.deps;
    const progress = await startSending(
      kv,
      owner,
      ctx.params.id,
      config.mailDailyQuota,
    );
    mailService(ctx.deps).sender.wake();
    publishProgress(bus, owner, progress);
    return json(progress, 202);
  },
};
