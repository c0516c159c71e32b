/**
 * `GET /api/invites`: the invitations the user may see (all for admins).
 * `POST /api/invites {email?, uses?, expiresInHours?}`: 201
 * `{id, url, expiresAt, usesLeft, ...}`; an address is mailed the link.
 */
import { sendInviteMail } from "../../../lib/auth/account_mail.ts";
import {
  createInvite,
  inviteUrl,
  inviteView,
  listInvites,
} from "../../../lib/auth/invites.ts";
import { readJson } from "../../../lib/web/body.ts";
import { json } from "../../../lib/web/error_response.ts";
import type { Handlers } from "../../../lib/web/types.ts";

export const handler: Handlers = {
  async GET(_req, ctx) {
    const invites = await listInvites(ctx.deps.kv, ctx.state.user!);
    return json({ invites: invites.map((i) => inviteView(i)) });
  },
  async POST(req, ctx) {
    const { kv, config } = ctx.deps;
    const user = ctx.state.user!;
    const body = await readJson(req, config.maxBodyBytes);
    const { invite, token } = await createInvite(kv, config, user, body);
    const url = inviteUrl(config.appUrl, token);
    let mailed = false;
    if (invite.email) {
      try {
        await sendInviteMail(ctx.deps, {
          inviter: user.username,
          to: invite.email,
          url,
          expiresAt: invite.expiresAt,
        });
        mailed = true;
      } catch (err) {
        // The link still works: the inviter can pass it on by hand.
        console.error("invitation mail failed", err);
      }
    }
    return json({ ...inviteView(invite, url), mailed }, 201);
  },
};
