import type { Handlers } from "../../../lib/web/types.ts";
import { json } from "../../../lib/web/error_response.ts";
import { readJson } from "../../../lib/web/body.ts";
import { createContact } from "../../../lib/contacts/contacts.ts";
import { listContacts } from "../../../lib/contacts/search.ts";

/** GET /api/contacts?q=&group=&cursor=&limit= ; POST /api/contacts. */
export const handler: Handlers = {
  async GET(_req, ctx) {
    const p = ctx.url.searchParams;
    const page = await listContacts(ctx.deps.kv, ctx.state.user!.id, {
      q: p.get("q") ?? undefined,
      group: p.get("group") || undefined,
      cursor: p.get("cursor") ?? undefined,
      limit: p.get("limit") ?? undefined,
    });
    return json(page);
  },
  async POST(req, ctx) {
    const input = await readJson(req, ctx.deps.config.maxBodyBytes);
    const contact = await createContact(ctx.deps.kv, ctx.state.user!.id, input);
    return json(contact, 201);
  },
};
