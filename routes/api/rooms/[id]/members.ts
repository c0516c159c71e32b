/** `POST /api/rooms/:id/members` `{username}`: a member adds someone. */
import {
  addMember,
  listMemberNames,
  requireMember,
} from "../../../../lib/chat/rooms.ts";
import { people } from "../../../../lib/chat/people.ts";
import { chatFor } from "../../../../lib/chat/service.ts";
import { Presence } from "../../../../lib/chat/presence.ts";
import { memberDetails } from "../../../../lib/chat/room_settings.ts";
import {
  limitMemberAdds,
  refuseIfBlocked,
} from "../../../../lib/chat/room_block.ts";
import { readJson } from "../../../../lib/web/body.ts";
import { json } from "../../../../lib/web/error_response.ts";
import type { Handlers } from "../../../../lib/web/types.ts";

export const handler: Handlers = {
  async GET(_req, ctx) {
    const kv = ctx.deps.kv;
    const room = await requireMember(
      kv,
      ctx.state.user!.username,
      ctx.params.id,
    );
    const members = await listMemberNames(kv, ctx.params.id);
    const presence = new Presence(kv, ctx.deps.bus);
    // `people`: display names (issue 11) plus, for the member panel, the
    // role in the room and presence (issue 12).
    const [named, details] = await Promise.all([
      people(kv, members),
      memberDetails(kv, room, members, (u) => presence.isOnline(u)),
    ]);
    return json({
      members,
      people: named.map((p, i) => ({ ...details[i], ...p })),
    });
  },
  async POST(req, ctx) {
    const body = await readJson(req, ctx.deps.config.maxBodyBytes);
    const username = typeof body.username === "string"
      ? body.username.trim().toLowerCase()
      : body.username;
    const kv = ctx.deps.kv;
    const me = ctx.state.user!.username;
    await requireMember(kv, me, ctx.params.id);
    if (typeof username === "string") {
      await refuseIfBlocked(kv, username, ctx.params.id);
    }
    await limitMemberAdds(kv, me, ctx.deps.config.memberAddsPerHour);
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
