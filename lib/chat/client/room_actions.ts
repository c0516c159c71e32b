/**
 * Room actions of the chat client: create, DM, browse, join, leave, add a
 * member, notification level, mark all read. Browser only.
 * @module
 */
import type { NotifyLevel, RoomSummary } from "../protocol.ts";
import * as api from "./api.ts";
import * as apiE from "./api_essentials.ts";
import { type ChatCore, noticeError } from "./chat_core.ts";

/** Lists my rooms and adds (and subscribes to) those this tab lacks. */
export async function refreshRooms({ ref, dispatch, send }: ChatCore) {
  try {
    const rooms = await api.listRooms();
    for (const r of rooms) {
      if (!ref.current.rooms.some((x) => x.id === r.id)) {
        dispatch({ type: "room-added", room: r });
        send({ type: "subscribe", room: r.id });
      }
    }
  } catch {
    // the next reconnect or focus tries again
  }
}

/** Adds a room I just joined, subscribes to it and opens it. */
export function joined(
  { dispatch, send }: ChatCore,
  open: (id: string) => Promise<void>,
  r: api.RoomInfo,
): Promise<void> {
  dispatch({ type: "room-added", room: { ...r, unread: 0 } });
  send({ type: "subscribe", room: r.id });
  return open(r.id);
}

/** The room-level actions, given `open` and `joined` (stable callbacks). */
export function roomActions(
  core: ChatCore,
  open: (id: string) => Promise<void>,
  joined: (r: api.RoomInfo) => Promise<void>,
) {
  const { ref, dispatch, send } = core;
  return {
    /** Marks every room read (Shift+Esc). */
    markAllRead: () => {
      for (const r of ref.current.rooms) {
        // Also the rooms this tab shows as read but has not reported read
        // up to their last message yet (the open room, read from its top).
        const held = ref.current.byRoom[r.id];
        const behind = !!held && held.readSeq < held.lastSeq;
        if (!r.unread && !r.mentions && !behind) continue;
        const last = held?.lastSeq ?? -1;
        const seq = last >= 0 ? last : Number.MAX_SAFE_INTEGER;
        send({ type: "read", room: r.id, seq });
        if (last >= 0) dispatch({ type: "read", room: r.id, seq });
      }
      dispatch({ type: "read-all" });
    },
    setNotify: async (room: string, level: NotifyLevel) => {
      try {
        const notify = await apiE.setNotify(room, level);
        dispatch({ type: "notify", room, level: notify });
      } catch (e) {
        noticeError(core, e);
      }
    },
    removeRoom: (id: string) => dispatch({ type: "room-removed", room: id }),
    createRoom: async (name: string, visibility: "public" | "private") => {
      await joined(await api.createRoom(name, visibility));
    },
    startDm: async (username: string) => {
      const r = await api.startDm(username);
      if (!ref.current.rooms.some((x) => x.id === r.id)) await joined(r);
      else await open(r.id);
    },
    browse: async () => {
      const mine = new Set(ref.current.rooms.map((r) => r.id));
      return (await api.listRooms(true)).filter((r) => !mine.has(r.id));
    },
    join: async (r: RoomSummary) => {
      await api.joinRoom(r.id);
      await joined(r);
    },
    leave: async (id: string) => {
      await api.leaveRoom(id);
      dispatch({ type: "room-removed", room: id });
    },
    addMember: (username: string) =>
      api.addMember(ref.current.active!, username),
  };
}
