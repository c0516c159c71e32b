/** `GET`/`PATCH /api/rooms/:id/settings` `{notify}`: the user's notification level. */
import {
  getNotifyLevel,
  setNotifyLevel,
} from "../../../../lib/chat/notify_settings.ts";
import { readJson } from "../../../../lib/web/body.ts";
import { json } from "../../../../lib/web/error_response.ts";
import type { Handlers } from "../../../../lib/web/types.ts";

export const handler: Handlers = {
  async GET(_req, ctx) {
    const notify = await getNotifyLevel(
      ctx.deps.kv,
      ctx.state.user!.username,
      ctx.params.id,
    );
    return json({ notify });
  },
  async PATCH(req, ctx) {
    const body = await readJson(req, ctx.deps.config.maxBodyBytes);
    const notify = await setNotifyLevel(
      ctx.deps.kv,
      ctx.state.user!.username,
      ctx.params.id,
      body.notify,
    );
    return json({ notify });
  },
};
