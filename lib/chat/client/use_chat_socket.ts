/**
 * The chat island's socket as a Preact hook: on mount, connect (reconnecting
 * with backoff), subscribe with `after` = last seen seq on every connect,
 * resend unacknowledged messages by cid, notice a signed-out session, follow
 * the browser's online/offline/focus/popstate events and tick the clock.
 * Browser only.
 * @module
 */
import { useEffect, useRef } from "preact/hooks";
import { CloseCode, type ServerFrame } from "../protocol.ts";
import * as api from "./api.ts";
import type { ChatCore } from "./chat_core.ts";
import { ChatConnection } from "./connection.ts";
import { sendFrame } from "./message_actions.ts";
import { refreshRooms } from "./room_actions.ts";
import { type ChatState, subscriptions, unsentMessages } from "./state.ts";

function wsUrl(): string {
  const proto = location.protocol === "https:" ? "wss:" : "ws:";
  return `${proto}//${location.host}/api/ws`;
}

/** Input of {@link useChatSocket} (read once, on mount). */
export interface ChatSocketInput {
  /** Receives the connection once started (for send and reconnect). */
  conn: { current: ChatConnection | null };
  /** Called after every server frame is applied (desktop notifications). */
  onFrame?: (frame: ServerFrame, state: ChatState) => void;
  /** Opens a room without pushing history (browser back/forward). */
  open: (id: string | null, push: boolean) => unknown;
  /** Marks the island hydrated (the mount effect runs first thing). */
  onMount: () => void;
}

/** Starts the chat socket and the window listeners on mount; stops them on unmount. */
export function useChatSocket(core: ChatCore, i: ChatSocketInput): void {
  const opened = useRef(0);
  const { ref, dispatch } = core;
  useEffect(() => {
    i.onMount();
    const c = new ChatConnection({
      url: wsUrl(),
      onFrame: (frame) => {
        // Added to a room (or a DM opened with me) elsewhere: list and subscribe.
        if (frame.type === "room_added") refreshRooms(core);
        else dispatch({ type: "frame", frame, now: Date.now() });
        i.onFrame?.(frame, ref.current);
      },
      onStatus: (status) => dispatch({ type: "connection", status }),
      // A logout (here or in another tab) ends the session's sockets.
      onClose: (code) => {
        if (code !== CloseCode.sessionEnded) return;
        c.stop();
        dispatch({ type: "connection", status: "signed-out" });
      },
      // After a few failed reconnects, find out whether the session ended.
      onRetry: (failures) => {
        if (failures !== 3) return;
        api.signedIn().then((yes) => {
          if (yes) return;
          c.stop();
          dispatch({ type: "connection", status: "signed-out" });
        });
      },
      onOpen: () => {
        const s = ref.current;
        for (const f of subscriptions(s)) c.send(f);
        const unsent = unsentMessages(s);
        for (const p of unsent) c.send(sendFrame(p));
        if (unsent.length) {
          dispatch({
            type: "resent",
            cids: unsent.map((p) => p.cid),
            now: Date.now(),
          });
        }
        if (opened.current++ > 0) refreshRooms(core);
      },
    });
    i.conn.current = c;
    const off = () => c.offline();
    const on = () => c.online();
    const focus = () => refreshRooms(core);
    addEventListener("offline", off);
    addEventListener("online", on);
    addEventListener("focus", focus);
    if (navigator.onLine === false) c.offline();
    c.start();
    const tick = setInterval(
      () => dispatch({ type: "tick", now: Date.now() }),
      1000,
    );
    const pop = () => {
      const m = /^\/chat\/([^/]+)$/.exec(location.pathname);
      i.open(m ? decodeURIComponent(m[1]) : null, false);
    };
    addEventListener("popstate", pop);
    return () => {
      c.stop();
      clearInterval(tick);
      removeEventListener("offline", off);
      removeEventListener("online", on);
      removeEventListener("focus", focus);
      removeEventListener("popstate", pop);
    };
  }, []);
}
