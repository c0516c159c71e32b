import type { Handlers } from "../../../lib/web/types.ts";
import { json } from "../../../lib/web/error_response.ts";
import { readBytes } from "../../../lib/web/body.ts";
import { UnsupportedMediaTypeError } from "../../../lib/errors.ts";
import { describeError } from "../../../lib/web/error_response.ts";
import { importPrepared } from "../../../lib/contacts/import.ts";
import {
  decodeImportBody,
  type ImportFormat,
  prepareImport,
} from "../../../lib/contacts/import_parse.ts";

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
    // Rows are validated as they are read and kept compactly (a big file
    // never exists as row objects all at once).
    const prepared = prepareImport(decodeImportBody(bytes), format);
    const owner = ctx.state.user!.id;
    const kv = ctx.deps.kv;
    if (!(req.headers.get("accept") ?? "").includes("application/x-ndjson")) {
      return json(await importPrepared(kv, owner, prepared));
    }
    const enc = new TextEncoder();
    // A client that went away must not stop the import half-way.
    let open = true;
    const body = new ReadableStream<Uint8Array>({
      async start(controller) {
        const send = (v: unknown) => {
          if (!open) return;
          try {
            controller.enqueue(enc.encode(JSON.stringify(v) + "\n"));
          } catch {
            open = false;
          }
        };
        try {
          send({ type: "progress", done: 0, total: prepared.rows });
          const report = await importPrepared(kv, owner, prepared, {
            onProgress: (p) => send({ type: "progress", ...p }),
          });
          send({ type: "report", ...report });
        } catch (err) {
          const { code, message } = describeError(err);
          send({ type: "error", error: { code, message } });
        }
        if (open) controller.close();
      },
      cancel() {
        open = false; // the import runs on and stays consistent
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
