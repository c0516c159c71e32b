/** `POST /api/rooms/:id/members` `{username}`: a member adds someone. */
import {
  addMember,
  listMemberNames,
  requireMember,
} from "../../../../lib/chat/rooms.ts";
import { chatFor } from "../../../../lib/chat/service.ts";
import {
  displayNameOf,
  getUserByUsername,
} from "../../../../lib/auth/users.ts";
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
    // `people`: the member panel's rows (role in the room, presence).
    const people = await memberDetails(
      kv,
      room,
      members,
      (u) => presence.isOnline(u),
    );
    const users = await Promise.all(
      people.map((p) => getUserByUsername(kv, p.username)),
    );
    people.forEach((p, i) => {
      const u = users[i];
      if (u) p.displayName = displayNameOf(u);
    });
    return json({ members, people });
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
