/**
 * The chat island's mention, notification and unread-navigation behaviour
 * as one hook beside `useChat`: the open room's members (autocomplete and
 * "add them?"), keyboard shortcuts (Ctrl+K or / to search, Shift+Esc to
 * mark all read), desktop notifications, the "New messages" divider
 * scroll, the unread pill and the flash of an opened message. Browser only.
 * @module
 */
import { useEffect, useRef, useState } from "preact/hooks";
import { mentionCandidates } from "../mention_text.ts";
import type { ServerFrame } from "../protocol.ts";
import * as apiE from "./api_essentials.ts";
import { nonMembers } from "./mention_complete.ts";
import {
  BANNER_KEY,
  canNotify,
  notificationText,
  showNotification,
  SOUND_KEY,
  wantsNotification,
} from "./notifications.ts";
import type { ChatState } from "./state.ts";

/** What the hook needs from the island. */
export interface EssentialsInput {
  state: ChatState;
  hydrated: boolean;
  scroller: { current: HTMLDivElement | null };
  openAt: (room: string, seq: number) => Promise<void>;
  markAllRead: () => void;
  /** Set by the hook: called by `useChat` after each frame. */
  frameSink: { current: ((f: ServerFrame, s: ChatState) => void) | null };
}

const AT_BOTTOM_PX = 40;

/** State and handlers for the essentials UI. */
export function useEssentials(i: EssentialsInput) {
  const { state, hydrated, scroller } = i;
  const [people, setPeople] = useState<apiE.Person[]>([]);
  const [searching, setSearching] = useState(false);
  const [offer, setOffer] = useState<{ room: string; names: string[] } | null>(
    null,
  );
  const [banner, setBanner] = useState(false);
  const [sound, setSound] = useState(false);
  const [pill, setPill] = useState<"" | "unread" | "below">("");
  const [below, setBelow] = useState(0);
  const names = useRef(new Map<string, string>());
  const live = useRef({ i, people });
  live.current = { i, people };

  // Members of the open room (autocomplete, display names, "add them?").
  useEffect(() => {
    setPeople([]);
    setOffer(null);
    const room = state.active;
    if (!hydrated || !room) return;
    let stop = false;
    apiE.members(room).then((list) => {
      if (stop) return;
      for (const p of list) {
        if (p.displayName) names.current.set(p.username, p.displayName);
      }
      setPeople(list);
    }, () => {});
    return () => {
      stop = true;
    };
  }, [hydrated, state.active]);

  // `/chat/ROOM?at=SEQ` (links in mails) opens the room at that message.
  useEffect(() => {
    if (!hydrated || !state.active) return;
    const at = Number(new URL(location.href).searchParams.get("at"));
    if (!Number.isSafeInteger(at) || at < 1) return;
    history.replaceState(null, "", location.pathname);
    i.openAt(state.active, at);
  }, [hydrated]);

  // The notifications banner: offered once, only where it can work.
  useEffect(() => {
    if (!hydrated || typeof Notification === "undefined") return;
    setSound(localStorage.getItem(SOUND_KEY) === "1");
    setBanner(
      Notification.permission === "default" &&
        localStorage.getItem(BANNER_KEY) !== "1",
    );
  }, [hydrated]);

  // Desktop notifications for frames that arrive while the tab is hidden.
  useEffect(() => {
    i.frameSink.current = (f, s) => {
      if (!canNotify() || f.type !== "message") return;
      if (!wantsNotification(f, s.rooms, s.me, document.hidden)) return;
      const room = s.rooms.find((r) => r.id === f.room)!;
      const m = f.message;
      const who = names.current.get(m.author) ?? m.author;
      showNotification(
        notificationText(room, m, who),
        `${m.room}:${m.seq}`,
        () => live.current.i.openAt(m.room, m.seq),
      );
    };
    return () => {
      i.frameSink.current = null;
    };
  }, []);

  // Ctrl+K or / (outside a text field): search. Shift+Esc: mark all read.
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const t = e.target as HTMLElement | null;
      const typing = !!t &&
        (t.tagName === "INPUT" || t.tagName === "TEXTAREA" ||
          t.tagName === "SELECT" || t.isContentEditable);
      if (document.querySelector("dialog[open]")) return;
      if (
        ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === "k") ||
        (e.key === "/" && !typing && !e.ctrlKey && !e.metaKey && !e.altKey)
      ) {
        e.preventDefault();
        setSearching(true);
      } else if (e.key === "Escape" && e.shiftKey) {
        e.preventDefault();
        live.current.i.markAllRead();
      }
    };
    addEventListener("keydown", onKey);
    return () => removeEventListener("keydown", onKey);
  }, []);

  // Opening a room with unread messages: show the divider at the top.
  const room = state.active ? state.byRoom[state.active] : undefined;
  const from = state.active ? state.unreadFrom[state.active] : undefined;
  const shownFor = useRef("");
  useEffect(() => {
    if (!state.active || from === undefined || !room?.loaded) return;
    const key = `${state.active}:${from}`;
    if (shownFor.current === key) return;
    const d = document.getElementById("chat-new-divider");
    if (!d) return;
    shownFor.current = key;
    d.scrollIntoView({ block: "start" });
  }, [state.active, from, room?.messages.length, room?.loaded]);

  // A flashed message (search result, notification) is scrolled to.
  useEffect(() => {
    const f = state.flash;
    if (!f || f.room !== state.active) return;
    const el = scroller.current?.querySelector(`[data-seq="${f.seq}"]`);
    el?.scrollIntoView({ block: "center" });
  }, [state.flash?.n, room?.messages.length]);

  // The pill: first unread above the view, or new live messages below it.
  const seq = room?.lastSeq ?? -1;
  const lastSeq = useRef({ room: state.active, seq });
  useEffect(() => {
    const el = scroller.current;
    const prev = lastSeq.current;
    lastSeq.current = { room: state.active, seq };
    if (prev.room !== state.active) setBelow(0);
    else if (
      el && prev.seq >= 0 && seq > prev.seq &&
      Math.abs(el.scrollTop) > AT_BOTTOM_PX
    ) setBelow((n) => n + seq - prev.seq);
  }, [seq, state.active]);
  useEffect(() => update(), [below, room?.messages.length, state.active]);
  const update = () => {
    const el = scroller.current;
    if (!el) return setPill("");
    const atBottom = Math.abs(el.scrollTop) <= AT_BOTTOM_PX;
    if (atBottom) setBelow(0);
    const d = document.getElementById("chat-new-divider");
    const top = el.getBoundingClientRect().top;
    if (d && d.getBoundingClientRect().bottom < top) setPill("unread");
    else if (!atBottom && below > 0) setPill("below");
    else setPill("");
  };

  return {
    people,
    searching,
    setSearching,
    offer,
    dismissOffer: () => setOffer(null),
    banner,
    sound,
    setSound: (on: boolean) => {
      localStorage.setItem(SOUND_KEY, on ? "1" : "0");
      setSound(on);
    },
    enableNotifications: async () => {
      localStorage.setItem(BANNER_KEY, "1");
      setBanner(false);
      try {
        await Notification.requestPermission();
      } catch {
        // denied or unsupported: nothing to do
      }
    },
    dismissBanner: () => {
      localStorage.setItem(BANNER_KEY, "1");
      setBanner(false);
    },
    /** After sending: offer to add `@names` who are not in the room. */
    afterSend: (text: string) => {
      const room = state.active;
      if (!room || !people.length) return;
      const missing = nonMembers(mentionCandidates(text).names, people);
      setOffer(missing.length ? { room, names: missing } : null);
    },
    pillLabel: pill === "unread"
      ? "Jump to first unread"
      : pill === "below"
      ? `${below} new message${below === 1 ? "" : "s"} below`
      : "",
    onPill: () => {
      const el = scroller.current;
      if (pill === "unread") {
        document.getElementById("chat-new-divider")?.scrollIntoView({
          block: "start",
        });
      } else if (el) el.scrollTop = 0;
      setBelow(0);
      setPill("");
    },
    pillBelow: pill === "below",
    onScroll: update,
  };
}
