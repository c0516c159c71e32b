import { TableScroll } from "../../../components/table_scroll.tsx";
import { PageTitle } from "../../../lib/web/title.ts";
import type { Handlers, PageProps } from "../../../lib/web/types.ts";
import { listCampaigns } from "../../../lib/mail/campaign_reads.ts";
import { type CampaignView, viewOf } from "../../../lib/mail/actions.ts";
import { mailService } from "../../../lib/mail/service.ts";

interface Data {
  campaigns: CampaignView[];
  cursor: string;
  outbox: boolean;
}

export const handler: Handlers<Data> = {
  async GET(_req, ctx) {
    const { kv } = ctx.deps;
    const page = await listCampaigns(
      kv,
      ctx.state.user!.username,
      50,
      ctx.url.searchParams.get("cursor") ?? "",
    );
    const campaigns = await Promise.all(page.items.map((c) => viewOf(kv, c)));
    return await ctx.render({
      campaigns,
      cursor: page.cursor,
      outbox: mailService(ctx.deps).transport.kind === "outbox",
    });
  },
};

/** The user's campaigns, newest first. */
export default function Campaigns({ data }: PageProps<Data>) {
  return (
    <section class="mail-page">
      <link rel="stylesheet" href="/mail.css" />
      <div class="page-head">
        <PageTitle text="Mail" />
        <h1>Group mail</h1>
        <a class="button primary" href="/campaigns/new">New campaign</a>
      </div>
      {data.outbox && (
        <p class="hint">
          Development mode: mails go to the{" "}
          <a href="/outbox">outbox</a>, not to a mail server.
        </p>
      )}
      {data.campaigns.length === 0
        ? <p>No campaigns yet.</p>
        : (
          <TableScroll label="Campaigns">
            <table class="campaigns">
              <thead>
                <tr>
                  <th scope="col">Subject</th>
                  <th scope="col">Status</th>
                  <th scope="col">Progress</th>
                  <th scope="col">Created</th>
                </tr>
              </thead>
              <tbody>
                {data.campaigns.map((c) => {
                  const done = c.total - c.pending;
                  return (
                    <tr key={c.id}>
                      <td>
                        <a href={`/campaigns/${c.id}`}>{c.subject}</a>
                      </td>
                      <td>
                        <span class={`status status-${c.status}`}>
                          {c.status}
                        </span>
                      </td>
                      <td>
                        <progress
                          max={c.total}
                          value={done}
                          aria-label={`${c.subject}: ${done} of ${c.total}`}
                        />{" "}
                        <span class="muted">
                          {c.sent} sent · {c.failed} failed · {c.pending}{" "}
                          pending
                        </span>
                      </td>
                      <td>
                        <time dateTime={c.createdAt}>
                          {c.createdAt.slice(0, 16).replace("T", " ")}
                        </time>
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </TableScroll>
        )}
      {data.cursor && (
        <a href={`/campaigns?cursor=${encodeURIComponent(data.cursor)}`}>
          Older campaigns
        </a>
      )}
    </section>
  );
}
