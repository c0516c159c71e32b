import { PageTitle } from "../../../lib/web/title.ts";
import type { Handlers, PageProps } from "../../../lib/web/types.ts";
import { listGroups } from "../../../lib/contacts/groups.ts";
import { listContacts } from "../../../lib/contacts/search.ts";
import {
  MailComposer,
  type PickContact,
  type PickGroup,
} from "../../../islands/mail_composer.tsx";

interface Data {
  groups: PickGroup[];
  contacts: PickContact[];
}

export const handler: Handlers<Data> = {
  async GET(_req, ctx) {
    const { kv } = ctx.deps;
    // Contacts and groups belong to the account id.
    const owner = ctx.state.user!.id;
    const groups = (await listGroups(kv, owner)).map((g) => ({
      id: g.id,
      name: g.name,
    }));
    const page = await listContacts(kv, owner, { limit: 200 });
    const contacts = page.contacts.filter((c) => c.email).map((c) => ({
      id: c.id,
      name: c.name,
      email: c.email,
    }));
    return await ctx.render({ groups, contacts });
  },
};

/** Compose a campaign. */
export default function NewCampaign({ data }: PageProps<Data>) {
  return (
    <section class="mail-page">
      <link rel="stylesheet" href="/mail.css" />
      <PageTitle text="New campaign · Mail" />
      <p>
        <a href="/campaigns">← Campaigns</a>
      </p>
      <h1>New campaign</h1>
      <MailComposer groups={data.groups} contacts={data.contacts} />
    </section>
  );
}
