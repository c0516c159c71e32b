/**
 * What the hub does for the client frames that change or announce something:
 * `send`, `edit`, `delete`, `typing`, `read`. Each checks access through the
 * domain functions and publishes the resulting event on `room:<id>`.
 * @module
 */
import type { EventBus } from "../events.ts";
import type { Connection } from "./connection.ts";
import type { GroupCommitter } from "./group_commit.ts";
import type { SendInput } from "./group_commit_types.ts";
import type { SendAccess } from "./send_access.ts";
import { claimFiles } from "../files/store.ts";
import { toggleReaction } from "./reactions.ts";
import { checkReply } from "./replies.ts";
import { deleteMessage, editMessage } from "./messages.ts";
import { resolveMentions } from "./mentions.ts";
import { noteMissable } from "./missed.ts";
import { messageFrame } from "./protocol.ts";
import type {
  DeleteFrame,
  EditFrame,
  ReactFrame,
  ReadFrame,
  SendFrame,
  TypingClientFrame,
} from "./protocol.ts";
import { markRead, requireMember, requireWritable } from "./rooms.ts";

/** What the actions need. */
export interface ActionDeps {
  kv: Deno.Kv;
  bus: EventBus;
  writer: GroupCommitter;
  /** Who may send, cached (see send_access.ts); without it, a KV read per send. */
  access?: SendAccess;
}

/**
 * Queues a send after the membership check and returns without waiting for
 * the commit, so that the socket's next frames can join the same batch (the
 * queue keeps their order). The `ack` follows the commit; then the message
 * is published, unless the cid was a duplicate.
 */
export async function send(
  deps: ActionDeps,
  conn: Connection,
  f: SendFrame,
): Promise<void> {
  // Cached per instance; the group commit re-checks it for this send.
  const stored = deps.access
    ? await deps.access.writable(conn.user, f.room)
    : await requireWritable(deps.kv, conn.user, f.room);
  const { room, text, cid } = f;
  const input: SendInput = {
    room,
    author: conn.user,
    text,
    cid,
    ...await resolveMentions(deps.kv, stored, conn.user, text),
  };
  if (f.replyTo) input.replyTo = await checkReply(deps.kv, room, f.replyTo);
  if (f.files?.length) {
    const claimed = await claimFiles(deps.kv, conn.user, room, f.files);
    input.files = claimed.files;
    input.release = claimed.release;
  }
  deps.writer.send(input).then(
    ({ message, duplicate }) => {
      conn.send({ type: "ack", cid, room, id: message.id, seq: message.seq });
      if (!duplicate) {
        deps.bus.publish(`room:${room}`, { ...messageFrame(message) });
        noteMissable(deps.kv, stored, message).catch((e) =>
          console.error("chat: missed-mention mark failed:", e)
        );
      }
    },
    (err) => conn.sendError(err, cid),
  );
}

/** Toggles a reaction and publishes `reaction` to the room. */
export async function react(
  deps: ActionDeps,
  conn: Connection,
  f: ReactFrame,
): Promise<void> {
  const { on } = await toggleReaction(
    deps.kv,
    conn.user,
    f.room,
    f.id,
    f.emoji,
  );
  deps.bus.publish(`room:${f.room}`, {
    type: "reaction",
    room: f.room,
    id: f.id,
    emoji: f.emoji,
    user: conn.user,
    on,
  });
}

/** Edits or deletes the user's own message and publishes `edited`/`deleted`. */
export async function change(
  deps: ActionDeps,
  conn: Connection,
  f: EditFrame | DeleteFrame,
): Promise<void> {
  const message = f.type === "edit"
    ? await editMessage(deps.kv, conn.user, f.room, f.id, f.text)
    : await deleteMessage(deps.kv, conn.user, f.room, f.id);
  const type = f.type === "edit" ? "edited" : "deleted";
  deps.bus.publish(`room:${f.room}`, { type, room: f.room, message });
}

/** Publishes `typing`, at most once per `throttleMs` per socket and room. */
export async function typing(
  deps: ActionDeps,
  conn: Connection,
  f: TypingClientFrame,
  throttleMs: number,
): Promise<void> {
  const now = Date.now();
  if (now - (conn.typingAt.get(f.room) ?? 0) < throttleMs) return;
  if (!conn.rooms.has(f.room)) await requireMember(deps.kv, conn.user, f.room);
  conn.typingAt.set(f.room, now);
  deps.bus.publish(`room:${f.room}`, {
    type: "typing",
    room: f.room,
    user: conn.user,
  });
}

/** Moves the user's read marker. */
export async function read(
  deps: ActionDeps,
  conn: Connection,
  f: ReadFrame,
): Promise<void> {
  await markRead(deps.kv, conn.user, f.room, f.seq);
}
