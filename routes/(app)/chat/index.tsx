import { nameMap } from "../../../lib/auth/directory.ts";
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
    return ctx.render({
      me,
      rooms: await listMyRooms(ctx.deps.kv, me),
      names: await nameMap(ctx.deps.kv),
    });
  },
};

/** `/chat`: the room list (and, on wide screens, an empty pane). */
export default function ChatIndex({ data }: PageProps<Data>) {
  return (
    <>
      <link rel="stylesheet" href="/chat.css" />
      <ChatApp
        me={data.me}
        rooms={data.rooms}
        active={null}
        names={data.names}
      />
    </>
  );
}
