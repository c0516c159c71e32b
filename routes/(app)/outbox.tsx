import { PageTitle } from "../../lib/web/title.ts";
import type { Handlers, PageProps } from "../../lib/web/types.ts";
import { listOutbox, type OutboxMail } from "../../lib/mail/transport.ts";
import { mailService } from "../../lib/mail/service.ts";

/** The development outbox: only when no SMTP_URL is set. */
export const handler: Handlers<OutboxMail[]> = {
  async GET(_req, ctx) {
    if (mailService(ctx.deps).transport.kind !== "outbox") {
      return await ctx.renderNotFound();
    }
    return await ctx.render(
      await listOutbox(ctx.deps.kv, ctx.state.user!.username, 200),
    );
  },
};

export default function Outbox({ data }: PageProps<OutboxMail[]>) {
  return (
    <section class="mail-page">
      <link rel="stylesheet" href="/mail.css" />
      <PageTitle text="Outbox" />
      <h1>Outbox (development)</h1>
      <p class="hint">
        No <code>SMTP_URL</code>{" "}
        is set, so mails are kept here instead of being sent. Newest first; kept
        for 7 days.
      </p>
      {data.length === 0 ? <p>No mails yet.</p> : (
        <ol class="outbox">
          {data.map((m) => (
            <li key={m.id}>
              <details>
                <summary>
                  <span class="outbox-to">
                    {m.to.name
                      ? `${m.to.name} <${m.to.address}>`
                      : m.to.address}
                  </span>
                  <span class="outbox-subject">{m.subject}</span>
                  <time dateTime={m.at}>
                    {m.at.replace("T", " ").slice(0, 19)}
                  </time>
                </summary>
                <dl class="headers">
                  <dt>From</dt>
                  <dd>{`${m.from.name} <${m.from.address}>`}</dd>
                  {m.replyTo && (
                    <>
                      <dt>Reply-To</dt>
                      <dd>{m.replyTo}</dd>
                    </>
                  )}
                  <dt>Message-ID</dt>
                  <dd>{m.messageId}</dd>
                  {Object.entries(m.headers).map(([k, v]) => (
                    <>
                      <dt>{k}</dt>
                      <dd>{v}</dd>
                    </>
                  ))}
                </dl>
                <pre class="mail-text">{m.text}</pre>
              </details>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
