import type { Handlers } from "../../../../lib/web/types.ts";
import { json } from "../../../../lib/web/error_response.ts";
import { readJson } from "../../../../lib/web/body.ts";
import { getCampaign } from "../../../../lib/mail/campaign_reads.ts";
import { viewOf } from "../../../../lib/mail/actions.ts";
import { deleteCampaign, updateDraft } from "../../../../lib/mail/drafts.ts";
import { mailService } from "../../../../lib/mail/service.ts";
import { mailUserOf } from "../../../../lib/mail/model.ts";

export const handler: Handlers = {
  async GET(_req, ctx) {
    const { value } = await getCampaign(
      ctx.deps.kv,
      ctx.state.user!.username,
      ctx.params.id,
    );
    return json(await viewOf(ctx.deps.kv, value, true));
  },
  /** Edits a draft (409 `not_draft` otherwise). */
  async PATCH(req, ctx) {
    const body = await readJson(req, ctx.deps.config.maxBodyBytes);
    const { kv } = ctx.deps;
    const r = await updateDraft(
      kv,
      mailUserOf(ctx.state.user!),
      ctx.params.id,
      body,
      mailService(ctx.deps).source,
    );
    return json({
      ...await viewOf(kv, r.campaign, true),
      invalid: r.invalid,
      invalidCount: r.invalidCount,
      duplicates: r.duplicates,
    });
  },
  /** Deletes a draft or finished campaign (409 while sending or paused). */
  async DELETE(_req, ctx) {
    await deleteCampaign(ctx.deps.kv, ctx.state.user!.username, ctx.params.id);
    return new Response(null, { status: 204 });
  },
};
