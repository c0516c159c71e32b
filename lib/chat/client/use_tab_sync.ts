/**
 * Keeps the browser tab in step with the chat state: the URL of a room that
 * went away, the title and favicon badge (unread counts), and read markers
 * reported to the server while the page is visible. Browser only.
 * @module
 */
import { useEffect } from "preact/hooks";
import type { ChatCore } from "./chat_core.ts";
import { setFaviconBadge, titlePrefix } from "./notifications.ts";
import { type ChatState, pendingRead } from "./state.ts";

/** Syncs URL, title, favicon and read markers with `state` after each render. */
export function useTabSync(core: ChatCore, state: ChatState): void {
  const { ref, dispatch, send } = core;
  // A room that went away (left here or in another tab) leaves its URL too.
  useEffect(() => {
    if (state.active === null && /^\/chat\/./.test(location.pathname)) {
      history.replaceState(null, "", "/chat");
    }
  }, [state.active]);

  // The tab title names the open room and counts unread messages elsewhere.
  const unread = state.rooms.reduce((n, r) => n + r.unread, 0);
  const mentions = state.rooms.reduce((n, r) => n + (r.mentions ?? 0), 0);
  const activeName = state.rooms.find((r) => r.id === state.active)?.name;
  useEffect(() => {
    document.title = `${titlePrefix(unread, mentions)}${
      activeName ?? "Chat"
    } · RT Messenger`;
    setFaviconBadge(unread, mentions);
  }, [unread, mentions, activeName]);

  // Tell the server what we have read while the page is visible.
  useEffect(() => {
    const report = () => {
      const r = pendingRead(ref.current);
      if (!r || document.visibilityState !== "visible") return;
      if (send({ type: "read", room: r.room, seq: r.seq })) {
        dispatch({ type: "read", room: r.room, seq: r.seq });
      }
    };
    report();
    document.addEventListener("visibilitychange", report);
    return () => document.removeEventListener("visibilitychange", report);
  }, [state]);
}
