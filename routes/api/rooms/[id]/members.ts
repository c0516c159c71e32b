/** `POST /api/rooms/:id/members` `{username}`: a member adds someone. */
import {
  addMember,
  listMemberNames,
  requireMember,
} from "../../../../lib/chat/rooms.ts";
import { people } from "../../../../lib/chat/people.ts";
import { chatFor } from "../../../../lib/chat/service.ts";
import { readJson } from "../../../../lib/web/body.ts";
import { json } from "../../../../lib/web/error_response.ts";
import type { Handlers } from "../../../../lib/web/types.ts";

export const handler: Handlers = {
  async GET(_req, ctx) {
    await requireMember(ctx.deps.kv, ctx.state.user!.username, ctx.params.id);
    const members = await listMemberNames(ctx.deps.kv, ctx.params.id);
    return json({ members, people: await people(ctx.deps.kv, members) });
  },
  async POST(req, ctx) {
    const body = await readJson(req, ctx.deps.config.maxBodyBytes);
    const username = typeof body.username === "string"
      ? body.username.trim().toLowerCase()
      : body.username;
    await addMember(
      ctx.deps.kv,
      ctx.state.user!.username,
      ctx.params.id,
      username,
      chatFor(ctx.deps).userExists,
    );
    ctx.deps.bus.publish(`user:${username}`, {
      type: "room_added",
      room: ctx.params.id,
    });
    return json({ ok: true });
  },
};
