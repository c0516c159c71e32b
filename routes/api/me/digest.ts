/** `GET`/`PATCH /api/me/digest` `{digest}`: how often missed mentions are mailed. */
import {
  getDigestSetting,
  setDigestSetting,
} from "../../../lib/mail/digest_settings.ts";
import { readJson } from "../../../lib/web/body.ts";
import { json } from "../../../lib/web/error_response.ts";
import type { Handlers } from "../../../lib/web/types.ts";

export const handler: Handlers = {
  async GET(_req, ctx) {
    const digest = await getDigestSetting(
      ctx.deps.kv,
      ctx.state.user!.username,
    );
    return json({
      digest,
      defaultMinutes: ctx.deps.config.digestDelayMinutes,
    });
  },
  async PATCH(req, ctx) {
    const body = await readJson(req, ctx.deps.config.maxBodyBytes);
    const digest = await setDigestSetting(
      ctx.deps.kv,
      ctx.state.user!.username,
      body.digest,
    );
    return json({ digest });
  },
};
