/**
 * `POST /api/rooms/:id/files`: upload one file (raw body, its `Content-Type`,
 * `X-Filename` URL-encoded) → 201 `{id, name, type, size, width?, height?}`.
 * Send it with a message (`files: [id]`) within the orphan time, or it is swept.
 * @module
 */
import { cleanFilename, cleanType } from "../../../../lib/files/names.ts";
import { uploadFile } from "../../../../lib/files/store.ts";
import { json } from "../../../../lib/web/error_response.ts";
import type { Handlers, RouteConfig } from "../../../../lib/web/types.ts";

/** The body limit is `UPLOAD_MAX_BYTES`, checked while streaming. */
export const config: RouteConfig = { maxBodyBytes: Number.MAX_SAFE_INTEGER };

export const handler: Handlers = {
  async POST(req, ctx) {
    const name = cleanFilename(req.headers.get("x-filename"));
    const length = req.headers.get("content-length");
    const declared = length !== null && /^\d+$/.test(length)
      ? Number(length)
      : undefined;
    const file = await uploadFile(ctx.deps.kv, {
      user: ctx.state.user!.username,
      room: ctx.params.id,
      name,
      type: cleanType(req.headers.get("content-type")),
      declaredSize: declared,
      body: req.body,
    }, {
      maxBytes: ctx.deps.config.uploadMaxBytes,
      quotaBytes: ctx.deps.config.uploadQuotaBytes,
    });
    return json(file, 201);
  },
};
