import type { Handlers } from "../../../lib/web/types.ts";
import { json } from "../../../lib/web/error_response.ts";
import { readBytes } from "../../../lib/web/body.ts";
import { UnsupportedMediaTypeError } from "../../../lib/errors.ts";
import { describeError } from "../../../lib/web/error_response.ts";
import {
  decodeImportBody,
  type ImportFormat,
  importRows,
  parseImport,
} from "../../../lib/contacts/import.ts";

function formatOf(req: Request, url: URL): ImportFormat {
  const q = url.searchParams.get("format");
  if (q === "csv" || q === "vcard") return q;
  const type = (req.headers.get("content-type") ?? "").split(";")[0].trim()
    .toLowerCase();
  if (
    ["text/csv", "application/csv", "text/comma-separated-values"].includes(
      type,
    )
  ) {
    return "csv";
  }
  if (["text/vcard", "text/x-vcard", "text/directory"].includes(type)) {
    return "vcard";
  }
  throw new UnsupportedMediaTypeError(
    "Send the file as text/csv or text/vcard (or add ?format=csv|vcard).",
  );
}

/**
 * POST /api/contacts/import (body text/csv or text/vcard, ≤ MAX_IMPORT_BYTES)
 * → {imported, updated, skipped, errors:[{line,message}]}. With
 * `Accept: application/x-ndjson` the answer streams `{"type":"progress",
 * "done","total"}` lines, then `{"type":"report", ...report}`.
 */
export const handler: Handlers = {
  async POST(req, ctx) {
    const format = formatOf(req, ctx.url);
    const bytes = await readBytes(req, ctx.deps.config.maxImportBytes);
    const { rows, errors } = parseImport(decodeImportBody(bytes), format);
    const owner = ctx.state.user!.id;
    const kv = ctx.deps.kv;
    if (!(req.headers.get("accept") ?? "").includes("application/x-ndjson")) {
      return json(await importRows(kv, owner, rows, errors));
    }
    const enc = new TextEncoder();
    const body = new ReadableStream<Uint8Array>({
      async start(controller) {
        const send = (v: unknown) =>
          controller.enqueue(enc.encode(JSON.stringify(v) + "\n"));
        try {
          send({ type: "progress", done: 0, total: rows.length });
          const report = await importRows(kv, owner, rows, errors, {
            onProgress: (p) => send({ type: "progress", ...p }),
          });
          send({ type: "report", ...report });
        } catch (err) {
          const { code, message } = describeError(err);
          send({ type: "error", error: { code, message } });
        }
        controller.close();
      },
    });
    return new Response(body, {
      headers: {
        "content-type": "application/x-ndjson; charset=utf-8",
        "cache-control": "no-store",
      },
    });
  },
};
