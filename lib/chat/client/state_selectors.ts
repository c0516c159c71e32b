/**
 * Read-only views of the chat client state for rendering and for the socket.
 * @module
 */
import type { Message } from "../protocol.ts";
import type { ChatState, PendingMessage } from "./state_types.ts";

/** A message as the pane shows it: confirmed, or pending/failed from this tab. */
export type ShownMessage = Message & {
  status?: "pending" | "failed";
  error?: string;
};

/** Confirmed messages then this tab's pending ones, for `roomId`. */
export function shownMessages(s: ChatState, roomId: string): ShownMessage[] {
  const r = s.byRoom[roomId];
  if (!r) return [];
  const pending: ShownMessage[] = r.pending.map((p) => ({
    id: `cid:${p.cid}`,
    room: p.room,
    seq: -1,
    author: s.me,
    text: p.text,
    createdAt: p.createdAt,
    cid: p.cid,
    status: p.status,
    error: p.error,
    ...(p.replyTo ? { replyTo: p.replyTo } : {}),
    ...(p.files?.length ? { files: p.files } : {}),
  }));
  return [...r.messages, ...pending];
}

/** Usernames typing in `roomId` at `now`, sorted. */
export function typingUsers(
  s: ChatState,
  roomId: string,
  now: number,
): string[] {
  return Object.entries(s.typing[roomId] ?? {})
    .filter(([, exp]) => exp > now)
    .map(([u]) => u)
    .sort();
}

/** The `read` frame to send for the active room, or null if nothing new. */
export function pendingRead(
  s: ChatState,
): { room: string; seq: number } | null {
  if (!s.active) return null;
  const r = s.byRoom[s.active];
  if (!r || !r.messages.length) return null;
  const seq = r.messages[r.messages.length - 1].seq;
  return seq > r.readSeq ? { room: s.active, seq } : null;
}

/** Subscribe frames for (re)connecting: `after` for every room with a known seq. */
export function subscriptions(
  s: ChatState,
): { type: "subscribe"; room: string; after?: number }[] {
  return s.rooms.map((r) => {
    const rs = s.byRoom[r.id];
    const seq = rs ? (rs.loaded ? Math.max(rs.lastSeq, 0) : rs.lastSeq) : -1;
    return seq >= 0
      ? { type: "subscribe" as const, room: r.id, after: seq }
      : { type: "subscribe" as const, room: r.id };
  });
}

/** Pending (not failed) messages to send again after a reconnect. */
export function unsentMessages(s: ChatState): PendingMessage[] {
  return Object.values(s.byRoom).flatMap((r) =>
    r.pending.filter((p) => p.status === "pending")
  );
}

/** My newest sent message that can still be edited (Arrow Up in the composer). */
export function lastEditable(
  list: ShownMessage[],
  me: string,
): ShownMessage | undefined {
  for (let i = list.length - 1; i >= 0; i--) {
    const m = list[i];
    if (m.author === me && !m.status && !m.deleted) return m;
  }
}
