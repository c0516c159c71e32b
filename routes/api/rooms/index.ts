/** `GET /api/rooms` (mine, or `?public=1` joinable) and `POST /api/rooms`. */
import { withBadges } from "../../../lib/chat/room_badges.ts";
import {
  createRoom,
  listJoinableRooms,
  listMyRooms,
} from "../../../lib/chat/rooms.ts";
import { readJson } from "../../../lib/web/body.ts";
import { json } from "../../../lib/web/error_response.ts";
import type { Handlers } from "../../../lib/web/types.ts";

export const handler: Handlers = {
  async GET(_req, ctx) {
    const user = ctx.state.user!.username;
    const pub = ctx.url.searchParams.get("public");
    const rooms = pub === "1" || pub === "true"
      ? await listJoinableRooms(ctx.deps.kv, user)
      : await withBadges(
        ctx.deps.kv,
        user,
        await listMyRooms(ctx.deps.kv, user),
      );
    return json({ rooms });
  },
  async POST(req, ctx) {
    const body = await readJson(req, ctx.deps.config.maxBodyBytes);
    const room = await createRoom(ctx.deps.kv, ctx.state.user!.username, {
      name: body.name,
      visibility: body.visibility,
    });
    return json(room, 201);
  },
};
