/**
 * Message actions of the chat client: send (with a client id for resends),
 * retry, typing, edit, delete, react, discard. Browser only.
 * @module
 */
import type { FileRef, ReplyRef, SendFrame } from "../protocol.ts";
import type { ChatCore } from "./chat_core.ts";

/** At most one typing frame per this many ms (the server forwards ≤ 1/s). */
const TYPING_EVERY_MS = 2000;

/** The send frame for a message (text, and replyTo/files when present). */
export function sendFrame(
  p: {
    room: string;
    text: string;
    cid: string;
    replyTo?: ReplyRef;
    files?: FileRef[];
  },
): SendFrame {
  const f: SendFrame = { type: "send", room: p.room, text: p.text, cid: p.cid };
  if (p.replyTo) f.replyTo = p.replyTo;
  if (p.files?.length) f.files = p.files.map((x) => x.id);
  return f;
}

function newCid(): string {
  return crypto.randomUUID();
}

/** Sends `text` (and files, reply) to the open room, shown pending until acked. */
export function sendText(
  { ref, dispatch, send }: ChatCore,
  text: string,
  files: FileRef[] = [],
  replyTo?: ReplyRef,
): void {
  const room = ref.current.active;
  if (!room) return;
  const cid = newCid();
  dispatch({
    type: "send",
    room,
    cid,
    text,
    now: Date.now(),
    replyTo,
    files,
  });
  send(sendFrame({ room, text, cid, replyTo, files }));
}

/** Sends a failed message again under its client id. */
export function retry({ ref, dispatch, send }: ChatCore, cid: string): void {
  for (const r of Object.values(ref.current.byRoom)) {
    const p = r.pending.find((x) => x.cid === cid);
    if (!p) continue;
    dispatch({ type: "retry", cid, now: Date.now() });
    send(sendFrame(p));
  }
}

/** Tells the open room I am typing, at most once per TYPING_EVERY_MS. */
export function typing(
  { ref, send }: ChatCore,
  lastTyping: { current: number },
): void {
  const room = ref.current.active;
  const now = Date.now();
  if (!room || now - lastTyping.current < TYPING_EVERY_MS) return;
  if (send({ type: "typing", room })) lastTyping.current = now;
}

/** The actions on single messages of the open room (edit, delete, react, discard). */
export function messageActions({ ref, dispatch, send }: ChatCore) {
  return {
    discard: (cid: string) => dispatch({ type: "discard", cid }),
    edit: (id: string, text: string) => {
      const room = ref.current.active;
      if (room && !send({ type: "edit", room, id, text })) {
        dispatch({
          type: "notice",
          text: "Not connected: the edit was not saved.",
        });
      }
    },
    remove: (id: string) => {
      const room = ref.current.active;
      if (room && !send({ type: "delete", room, id })) {
        dispatch({
          type: "notice",
          text: "Not connected: the message was not deleted.",
        });
      }
    },
    react: (id: string, emoji: string) => {
      const room = ref.current.active;
      if (room && !send({ type: "react", room, id, emoji })) {
        dispatch({ type: "notice", text: "Not connected: try again." });
      }
    },
  };
}
