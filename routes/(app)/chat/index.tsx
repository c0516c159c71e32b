import { nameMap } from "../../../lib/auth/directory.ts";
import { withBadges } from "../../../lib/chat/room_badges.ts";
import type { Handlers, PageProps } from "../../../lib/web/types.ts";
import type { RoomSummary } from "../../../lib/chat/protocol.ts";
import { listMyRooms } from "../../../lib/chat/rooms.ts";
import { ChatApp } from "../../../islands/chat_app.tsx";

interface Data {
  me: string;
  names: Record<string, string>;
  rooms: RoomSummary[];
}

export const handler: Handlers<Data> = {
  async GET(_req, ctx) {
    const me = ctx.state.user!.username;
    const rooms = await withBadges(
      ctx.deps.kv,
      me,
      await listMyRooms(ctx.deps.kv, me),
    );
    return ctx.render({ me, rooms, names: await nameMap(ctx.deps.kv) });
  },
};

/** `/chat`: the room list (and, on wide screens, an empty pane). */
export default function ChatIndex({ data }: PageProps<Data>) {
  return (
    <>
      <link rel="stylesheet" href="/chat.css" />
      <link rel="stylesheet" href="/chat_essentials.css" />
      <ChatApp
        me={data.me}
        rooms={data.rooms}
        active={null}
        names={data.names}
      />
    </>
  );
}
