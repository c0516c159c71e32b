import { withBadges } from "../../../lib/chat/room_badges.ts";
import type { Handlers, PageProps } from "../../../lib/web/types.ts";
import type { Message, RoomSummary } from "../../../lib/chat/protocol.ts";
import { isId, isSeq } from "../../../lib/chat/protocol.ts";
import { getRoom, listMyRooms } from "../../../lib/chat/rooms.ts";
import { listMessages, loadFirstScreen } from "../../../lib/chat/messages.ts";
import { ForbiddenError, NotFoundError } from "../../../lib/errors.ts";
import { nameMap } from "../../../lib/auth/directory.ts";
import { ChatApp } from "../../../islands/chat_app.tsx";
import {
  firstPageSize,
  PAGE_SIZE,
} from "../../../lib/chat/client/page_size.ts";

interface Data {
  me: string;
  names: Record<string, string>;
  rooms: RoomSummary[];
  active: string;
  messages: Message[];
  latestSeq?: number;
}

export const handler: Handlers<Data> = {
  /** A room with its newest page of history (or `?before=SEQ`, an older page). */
  async GET(_req, ctx) {
    const me = ctx.state.user!.username;
    const kv = ctx.deps.kv;
    const id = ctx.params.id;
    const rawBefore = ctx.url.searchParams.get("before");
    const before = rawBefore === null ? undefined : Number(rawBefore);
    if (!isId(id) || (before !== undefined && !isSeq(before))) {
      return ctx.renderNotFound();
    }
    try {
      let messages: Message[];
      let latestSeq: number | undefined;
      const rooms = await withBadges(kv, me, await listMyRooms(kv, me));
      if (before === undefined) {
        const unread = rooms.find((r) => r.id === id)?.unread ?? 0;
        const first = await loadFirstScreen(kv, me, id, firstPageSize(unread));
        messages = first.messages;
        latestSeq = first.latestSeq;
      } else {
        await getRoom(kv, me, id);
        messages = await listMessages(kv, me, id, { before, limit: PAGE_SIZE });
      }
      return ctx.render({
        me,
        rooms,
        active: id,
        messages,
        latestSeq,
        names: await nameMap(kv),
      });
    } catch (err) {
      // Not a member (or no such room): the page does not exist for you.
      if (err instanceof NotFoundError || err instanceof ForbiddenError) {
        return ctx.renderNotFound();
      }
      throw err;
    }
  },
};

/** `/chat/:id`: one room, its first screen of history rendered on the server. */
export default function ChatRoom({ data }: PageProps<Data>) {
  return (
    <>
      <link rel="stylesheet" href="/chat.css" />
      <link rel="stylesheet" href="/chat_essentials.css" />
      <ChatApp
        me={data.me}
        names={data.names}
        rooms={data.rooms}
        active={data.active}
        messages={data.messages}
        latestSeq={data.latestSeq}
      />
    </>
  );
}
