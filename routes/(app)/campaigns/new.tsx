import type { Handlers, PageProps } from "../../../lib/web/types.ts";
import { listGroups } from "../../../lib/contacts/groups.ts";
import {
  MailComposer,
  type PickGroup,
} from "../../../islands/mail_composer.tsx";

interface Data {
  groups: PickGroup[];
}

export const handler: Handlers<Data> = {
  async GET(_req, ctx) {
    // Contacts and groups belong to the account id; contacts are searched
    // by the composer through the contacts API (the whole book).
    const groups = (await listGroups(ctx.deps.kv, ctx.state.user!.id)).map((
      g,
    ) => ({ id: g.id, name: g.name }));
    return await ctx.render({ groups });
  },
};

/** Compose a campaign. */
export default function NewCampaign({ data }: PageProps<Data>) {
  return (
    <section class="mail-page">
      <link rel="stylesheet" href="/mail.css" />
      <p>
        <a href="/campaigns">← Campaigns</a>
      </p>
      <h1>New campaign</h1>
      <MailComposer groups={data.groups} />
    </section>
  );
}
