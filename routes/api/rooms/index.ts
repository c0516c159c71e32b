/**
 * `GET /api/rooms` (mine, or `?public=1` joinable; `?archived=1` my archived
 * rooms) in pages: `?limit=` (≤ 500, default 500) and `?cursor=` from the
 * previous answer's `cursor` ("" at the end). `POST /api/rooms` creates one
 * (rate-limited per user: ROOM_CREATES_PER_HOUR).
 */
import { withBadges } from "../../../lib/chat/room_badges.ts";
import {
  createRoom,
  pageJoinableRooms,
  pageMyRooms,
  parsePageQuery,
} from "../../../lib/chat/rooms.ts";
import { limitRoomCreation } from "../../../lib/chat/room_block.ts";
import { readJson } from "../../../lib/web/body.ts";
import { json } from "../../../lib/web/error_response.ts";
import type { Handlers } from "../../../lib/web/types.ts";

const yes = (v: string | null) => v === "1" || v === "true";

export const handler: Handlers = {
  async GET(_req, ctx) {
    const user = ctx.state.user!.username;
    const q = ctx.url.searchParams;
    const page = parsePageQuery(q.get("cursor"), q.get("limit"));
    const result = yes(q.get("public"))
      ? await pageJoinableRooms(ctx.deps.kv, user, page)
      : await pageMyRooms(ctx.deps.kv, user, page, yes(q.get("archived")));
    if (!yes(q.get("public"))) {
      result.rooms = await withBadges(ctx.deps.kv, user, result.rooms);
    }
    // `cursor` is there when paging was asked for or there is more.
    if (!result.cursor && !page.cursor && page.limit === undefined) {
      return json({ rooms: result.rooms });
    }
    return json(result);
  },
  async POST(req, ctx) {
    const body = await readJson(req, ctx.deps.config.maxBodyBytes);
    const user = ctx.state.user!.username;
    await limitRoomCreation(
      ctx.deps.kv,
      user,
      ctx.deps.config.roomCreatesPerHour,
    );
    const room = await createRoom(ctx.deps.kv, user, {
      name: body.name,
      visibility: body.visibility,
    });
    return json(room, 201);
  },
};
