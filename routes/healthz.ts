import type { Handlers } from "../lib/web/types.ts";
import { json } from "../lib/web/error_response.ts";

export const handler: Handlers = {
  GET: () => json({ ok: true }),
};
