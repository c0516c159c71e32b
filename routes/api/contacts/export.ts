import type { Handlers } from "../../../lib/web/types.ts";
import { BadRequestError } from "../../../lib/errors.ts";
import { exportContacts } from "../../../lib/contacts/export.ts";

/** GET /api/contacts/export?format=csv|vcard: the whole book as a file. */
export const handler: Handlers = {
  async GET(_req, ctx) {
    const format = ctx.url.searchParams.get("format") ?? "csv";
    if (format !== "csv" && format !== "vcard") {
      throw new BadRequestError(
        "format must be csv or vcard.",
        "invalid_format",
      );
    }
    const file = await exportContacts(ctx.deps.kv, ctx.state.user!.id, format);
    return new Response(file.body, {
      headers: {
        "content-type": file.type,
        "content-disposition": `attachment; filename="${file.filename}"`,
        "cache-control": "no-store",
      },
    });
  },
};
