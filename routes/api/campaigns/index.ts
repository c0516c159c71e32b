import type { Handlers } from "../../../lib/web/types.ts";
import { json } from "../../../lib/web/error_response.ts";
import { readJson } from "../../../lib/web/body.ts";
import { createDraft } from "../../../lib/mail/campaigns.ts";
import { listCampaigns } from "../../../lib/mail/campaign_reads.ts";
import { viewOf } from "../../../lib/mail/actions.ts";
import { mailService } from "../../../lib/mail/service.ts";
import { mailUserOf } from "../../../lib/mail/model.ts";
import { parseCursor, parseLimit } from "../../../lib/params.ts";

export const handler: Handlers = {
  async GET(_req, ctx) {
    const { kv } = ctx.deps;
    const q = ctx.url.searchParams;
    const limit = parseLimit(q.get("limit"), { fallback: 50, max: 200 });
    const cursor = parseCursor(q.get("cursor"));
    const page = await listCampaigns(
      kv,
      ctx.state.user!.username,
      limit,
      cursor,
    );
    const campaigns = await Promise.all(page.items.map((c) => viewOf(kv, c)));
    return json({ campaigns, cursor: page.cursor });
  },
  async POST(req, ctx) {
    const body = await readJson(req, ctx.deps.config.maxBodyBytes);
    const user = ctx.state.user!;
    const draft = await createDraft(
      ctx.deps.kv,
      mailUserOf(user),
      body,
      mailService(ctx.deps).source,
    );
    const c = draft.campaign;
    return json({
      id: c.id,
      status: c.status,
      total: c.total,
      invalid: draft.invalid,
      invalidCount: draft.invalidCount,
      duplicates: draft.duplicates,
    }, 201);
  },
};
