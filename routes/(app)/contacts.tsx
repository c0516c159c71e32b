import { PageTitle } from "../../lib/web/title.ts";
import type { Handlers, PageProps } from "../../lib/web/types.ts";
import { listGroups } from "../../lib/contacts/groups.ts";
import { listContacts } from "../../lib/contacts/search.ts";
import {
  ContactsApp,
  type ContactsAppProps,
} from "../../islands/contacts_app.tsx";

export const handler: Handlers<ContactsAppProps> = {
  async GET(_req, ctx) {
    const owner = ctx.state.user!.id;
    const page = await listContacts(ctx.deps.kv, owner, { limit: 50 });
    const groups = await listGroups(ctx.deps.kv, owner);
    return ctx.render({ ...page, groups });
  },
};

/** /contacts: the address book. */
export default function ContactsPage({ data }: PageProps<ContactsAppProps>) {
  return (
    <section class="contacts-page">
      <link rel="stylesheet" href="/contacts.css" />
      <PageTitle text="Contacts" />
      <h1>Contacts</h1>
      <ContactsApp {...data} />
    </section>
  );
}
