import type { Handlers, PageProps } from "../../../../lib/web/types.ts";
import { listGroups } from "../../../../lib/contacts/groups.ts";
import { getCampaign } from "../../../../lib/mail/campaign_reads.ts";
import { redirect } from "../../../../lib/web/error_response.ts";
import {
  type EditDraft,
  MailComposer,
  type PickGroup,
} from "../../../../islands/mail_composer.tsx";

interface Data {
  groups: PickGroup[];
  draft: EditDraft;
}

export const handler: Handlers<Data> = {
  async GET(_req, ctx) {
    const { kv } = ctx.deps;
    const { value: c } = await getCampaign(
      kv,
      ctx.state.user!.username,
      ctx.params.id,
    );
    // Only drafts can be edited; anything else shows the campaign.
    if (c.status !== "draft") return redirect(`/campaigns/${c.id}`);
    const groups = (await listGroups(kv, ctx.state.user!.id)).map((g) => ({
      id: g.id,
      name: g.name,
    }));
    const draft: EditDraft = {
      id: c.id,
      subject: c.subject,
      text: c.text,
      total: c.total,
    };
    if (c.html) draft.html = c.html;
    return await ctx.render({ groups, draft });
  },
};

/** Edit a draft campaign. */
export default function EditCampaign({ data }: PageProps<Data>) {
  return (
    <section class="mail-page">
      <link rel="stylesheet" href="/mail.css" />
      <p>
        <a href={`/campaigns/${data.draft.id}`}>← Back to the draft</a>
      </p>
      <h1>Edit draft</h1>
      <MailComposer groups={data.groups} draft={data.draft} />
    </section>
  );
}
