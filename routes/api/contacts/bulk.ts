import type { Handlers } from "../../../lib/web/types.ts";
import { json } from "../../../lib/web/error_response.ts";
import { readJson } from "../../../lib/web/body.ts";
import { bulkContacts } from "../../../lib/contacts/bulk.ts";

/**
 * POST /api/contacts/bulk {action, ids, groupId?} or {action:"restore",
 * contacts} → {action, done, notFound, errors, contacts}.
 */
export const handler: Handlers = {
  async POST(req, ctx) {
    // A restore carries up to 200 whole contacts: the import size limit.
    const body = await readJson(req, ctx.deps.config.maxImportBytes);
    return json(await bulkContacts(ctx.deps.kv, ctx.state.user!.id, body));
  },
};
