/**
 * `POST /api/me/password {currentPassword?, newPassword}`: changes the
 * password (or sets a first one on a provider-only account) and ends every
 * other session (their sockets close with 4001).
 */
import type { Handlers } from "../../../lib/web/types.ts";
import { json } from "../../../lib/web/error_response.ts";
import { readJson } from "../../../lib/web/body.ts";
import { changePassword } from "../../../lib/auth/password_change.ts";
import { endSessions } from "../../../lib/auth/user_sessions.ts";

export const handler: Handlers = {
  async POST(req, ctx) {
    const { kv, bus, config } = ctx.deps;
    const body = await readJson(req, config.maxBodyBytes);
    const user = await changePassword(kv, ctx.state.user!, body);
    const ended = await endSessions(
      kv,
      bus,
      user,
      "others",
      ctx.state.session!.id,
    );
    return json({ ok: true, endedSessions: ended });
  },
};
