/**
 * `GET /api/me` the profile; `PATCH /api/me {displayName?, email?}` changes
 * it (a new address is mailed a verification link); `DELETE /api/me
 * {password}` deletes the account.
 */
import type { Handlers } from "../../lib/web/types.ts";
import { json } from "../../lib/web/error_response.ts";
import { readJson } from "../../lib/web/body.ts";
import { profileOf, updateProfile } from "../../lib/auth/profile.ts";
import { sendVerifyMail } from "../../lib/auth/account_mail.ts";
import { deleteAccount } from "../../lib/auth/leave.ts";
import { endSessionCookie } from "../../lib/auth/session_cookie.ts";

export const handler: Handlers = {
  GET: (_req, ctx) => json(profileOf(ctx.state.user!)),
  async PATCH(req, ctx) {
    const body = await readJson(req, ctx.deps.config.maxBodyBytes);
    const { user, verifyToken } = await updateProfile(
      ctx.deps.kv,
      ctx.state.user!.id,
      body,
    );
    let mailed: boolean | undefined;
    if (verifyToken && user.email) {
      mailed = await sendVerifyMail(ctx.deps, user, verifyToken);
    }
    return json({
      ...profileOf(user),
      ...(mailed === undefined ? {} : { verificationMailed: mailed }),
    });
  },
  async DELETE(req, ctx) {
    const body = await readJson(req, ctx.deps.config.maxBodyBytes);
    await deleteAccount(
      ctx.deps.kv,
      ctx.deps.bus,
      ctx.state.user!,
      ctx.state.session!,
      body,
    );
    return new Response(null, {
      status: 204,
      headers: { "set-cookie": endSessionCookie(ctx.deps.config) },
    });
  },
};
