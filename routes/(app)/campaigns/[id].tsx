import { PageTitle } from "../../../lib/web/title.ts";
import type { Handlers, PageProps } from "../../../lib/web/types.ts";
import { getCampaign } from "../../../lib/mail/campaign_reads.ts";
import {
  type CampaignView as View,
  viewOf,
} from "../../../lib/mail/actions.ts";
import { listRecipients } from "../../../lib/mail/controls.ts";
import { CampaignView } from "../../../islands/campaign_view.tsx";
import { RecipientList } from "../../../islands/recipient_list.tsx";

interface Data {
  campaign: View;
  text: string;
  html?: string;
  firstRecipient?: string;
}

export const handler: Handlers<Data> = {
  async GET(_req, ctx) {
    const { kv } = ctx.deps;
    const owner = ctx.state.user!.username;
    const { value } = await getCampaign(kv, owner, ctx.params.id);
    const first = await listRecipients(kv, owner, value.id, { limit: 1 });
    return await ctx.render({
      campaign: await viewOf(kv, value, true),
      text: value.text,
      html: value.html,
      firstRecipient: first.recipients[0]?.email,
    });
  },
};

/** One campaign: live progress, controls, test send, preview, recipients. */
export default function CampaignPage({ data }: PageProps<Data>) {
  const c = data.campaign;
  return (
    <section class="mail-page">
      <link rel="stylesheet" href="/mail.css" />
      <PageTitle text={`${c.subject || "Campaign"} · Mail`} />
      <p>
        <a href="/campaigns">← Campaigns</a>
      </p>
      <h1>{c.subject}</h1>
      <CampaignView
        initial={{
          id: c.id,
          status: c.status,
          total: c.total,
          sent: c.sent,
          failed: c.failed,
          pending: c.pending,
          suppressed: c.suppressed,
          retrying: c.retrying,
          nextRetryAt: c.nextRetryAt,
          willSend: c.willSend,
          willSuppress: c.willSuppress,
          noFirstName: c.noFirstName,
          subject: c.subject,
        }}
        firstRecipient={data.firstRecipient}
        content={c.status === "draft"
          ? { subject: c.subject, text: data.text, html: data.html }
          : undefined}
      />
      <details>
        <summary>Message text</summary>
        <pre class="mail-text">{data.text}</pre>
      </details>
      <RecipientList id={c.id} />
    </section>
  );
}
