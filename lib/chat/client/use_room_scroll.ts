/**
 * The message pane's scrolling as a Preact hook: stick to the newest message
 * on open and on my own sends, fill the pane with older pages, load older
 * pages near the top, and jump to a reply's original. Browser only.
 * @module
 */
import { useEffect, useLayoutEffect, useState } from "preact/hooks";
import type { ReplyRef } from "../protocol.ts";
import type { RoomState } from "./state.ts";

/** Input of {@link useRoomScroll}. */
export interface RoomScrollInput {
  /** The column-reverse scroller (scrollTop 0 is the bottom). */
  scroller: { current: HTMLDivElement | null };
  /** The open room's id. */
  active: string | null;
  me: string;
  /** The newest shown message (its id and author). */
  last: { id: string; author: string } | undefined;
  hydrated: boolean;
  /** The open room's loaded state. */
  roomState: RoomState | undefined;
  loadingOlder: boolean;
  loadOlder: () => void;
  /** Loads history back to `seq` (contiguously). */
  loadBackTo: (seq: number) => Promise<unknown>;
  /** Shows an error notice. */
  notice: (text: string) => void;
  /** Called first on every scroll (the unread pill). */
  onScroll?: () => void;
}

/** Scroll handling of the open room's pane; returns the handlers and highlight. */
export function useRoomScroll(i: RoomScrollInput) {
  const { scroller, roomState, loadingOlder } = i;
  const [highlight, setHighlight] = useState<string | null>(null);

  // Opening a room or sending shows the newest messages (the scroller is
  // column-reverse, so 0 is the bottom).
  useLayoutEffect(() => {
    if (scroller.current) scroller.current.scrollTop = 0;
  }, [i.active]);
  useLayoutEffect(() => {
    if (i.last?.author === i.me && scroller.current) {
      scroller.current.scrollTop = 0;
    }
  }, [i.last?.id]);
  // Fill the pane: keep loading older pages while nothing scrolls yet.
  useEffect(() => {
    const el = scroller.current;
    if (
      i.hydrated && el && roomState?.loaded && roomState.hasOlder &&
      !loadingOlder &&
      el.scrollHeight <= el.clientHeight + 8
    ) i.loadOlder();
  }, [
    i.hydrated,
    roomState?.messages.length,
    roomState?.hasOlder,
    loadingOlder,
  ]);

  /** Shows a reply's original, loading history back to it first. */
  const jump = async (ref: ReplyRef) => {
    const find = () =>
      scroller.current?.querySelector<HTMLElement>(
        `[data-id="${CSS.escape(ref.id)}"]`,
      );
    if (!find()) await i.loadBackTo(ref.seq);
    // Wait a frame for the loaded page to render.
    await new Promise((r) => requestAnimationFrame(() => r(null)));
    const el = find();
    if (!el) {
      return i.notice("The original message is no longer available.");
    }
    el.scrollIntoView({ block: "center" });
    el.focus();
    setHighlight(ref.id);
    setTimeout(() => setHighlight((h) => (h === ref.id ? null : h)), 2500);
  };

  /** Loads an older page when the reader nears the top. */
  const onScroll = () => {
    i.onScroll?.();
    const el = scroller.current;
    if (!el || !roomState?.hasOlder || loadingOlder) return;
    if (Math.abs(el.scrollTop) + el.clientHeight >= el.scrollHeight - 120) {
      i.loadOlder();
    }
  };

  return { highlight, jump, onScroll };
}
