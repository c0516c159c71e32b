/**
 * The chat island's engine as a Preact hook: owns the reducer state, the
 * reconnecting socket (subscribe with `after` = last seen seq on every
 * connect, resend unacknowledged messages by cid), read markers, typing and
 * the JSON API calls behind the dialogs. Browser only.
 * @module
 */
import {
  useCallback,
  useEffect,
  useReducer,
  useRef,
  useState,
} from "preact/hooks";
import {
  type ClientFrame,
  CloseCode,
  type FileRef,
  type Message,
  type NotifyLevel,
  type ReplyRef,
  type RoomSummary,
  type SendFrame,
  type ServerFrame,
} from "../protocol.ts";
import * as apiE from "./api_essentials.ts";
import { setFaviconBadge, titlePrefix } from "./notifications.ts";
import * as api from "./api.ts";
import { ChatConnection } from "./connection.ts";
import { firstPageSize, PAGE_SIZE } from "./page_size.ts";
import {
  type ChatState,
  initialState,
  pendingRead,
  reduce,
  subscriptions,
  unsentMessages,
} from "./state.ts";

/** At most one typing frame per this many ms (the server forwards ≤ 1/s). */
const TYPING_EVERY_MS = 2000;

/** Input of {@link useChat} (the island's props). */
export interface ChatInit {
  me: string;
  rooms: RoomSummary[];
  active: string | null;
  messages?: Message[];
  /** The open room's latest seq when `messages` was read. */
  latestSeq?: number;
  /** Called after every server frame is applied (desktop notifications). */
  onFrame?: (frame: ServerFrame, state: ChatState) => void;
}

function wsUrl(): string {
  const proto = location.protocol === "https:" ? "wss:" : "ws:";
  return `${proto}//${location.host}/api/ws`;
}

/** The send frame for a message (text, and replyTo/files when present). */
function sendFrame(
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

/** Everything the chat UI renders from and the actions it can take. */
export function useChat(init: ChatInit) {
  const [state, dispatch] = useReducer(
    reduce,
    init,
    (i: ChatInit): ChatState =>
      initialState({
        me: i.me,
        rooms: i.rooms,
        active: i.active,
        messages: i.active ? i.messages ?? [] : undefined,
        limit: PAGE_SIZE,
        latestSeq: i.latestSeq,
      }),
  );
  const [hydrated, setHydrated] = useState(false);
  const [loadingOlder, setLoadingOlder] = useState(false);
  const ref = useRef(state);
  ref.current = state;
  const conn = useRef<ChatConnection | null>(null);
  const lastTyping = useRef(0);
  const opened = useRef(0);

  const send = useCallback(
    (f: ClientFrame) => conn.current?.send(f) ?? false,
    [],
  );

  const refreshRooms = useCallback(async () => {
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
  }, []);

  useEffect(() => {
    setHydrated(true);
    const c = new ChatConnection({
      url: wsUrl(),
      onFrame: (frame) => {
        // Added to a room (or a DM opened with me) elsewhere: list and subscribe.
        if (frame.type === "room_added") refreshRooms();
        else dispatch({ type: "frame", frame, now: Date.now() });
        init.onFrame?.(frame, ref.current);
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
        if (opened.current++ > 0) refreshRooms();
      },
    });
    conn.current = c;
    const off = () => c.offline();
    const on = () => c.online();
    const focus = () => refreshRooms();
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
      open(m ? decodeURIComponent(m[1]) : null, false);
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

  const open = useCallback(async (id: string | null, push = true) => {
    const unreadBefore = ref.current.rooms.find((r) => r.id === id)?.unread ??
      0;
    dispatch({ type: "open", room: id });
    if (push) {
      history.pushState(
        null,
        "",
        id ? `/chat/${encodeURIComponent(id)}` : "/chat",
      );
    }
    if (!id || ref.current.byRoom[id]?.loaded) return;
    try {
      const messages = await api.history(id, {
        limit: firstPageSize(unreadBefore),
      });
      dispatch({
        type: "history",
        room: id,
        messages,
        mode: "initial",
        limit: PAGE_SIZE,
      });
    } catch (e) {
      dispatch({ type: "notice", text: (e as Error).message });
    }
  }, []);

  const loadOlder = useCallback(async () => {
    const id = ref.current.active;
    const r = id ? ref.current.byRoom[id] : undefined;
    if (!id || !r || !r.hasOlder || loadingOlder) return;
    setLoadingOlder(true);
    try {
      const before = r.messages.length ? r.messages[0].seq : undefined;
      const messages = await api.history(id, { before, limit: PAGE_SIZE });
      dispatch({
        type: "history",
        room: id,
        messages,
        mode: "older",
        limit: PAGE_SIZE,
      });
    } catch (e) {
      dispatch({ type: "notice", text: (e as Error).message });
    } finally {
      setLoadingOlder(false);
    }
  }, [loadingOlder]);

  const sendText = useCallback(
    (text: string, files: FileRef[] = [], replyTo?: ReplyRef) => {
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
    },
    [],
  );

  const retry = useCallback((cid: string) => {
    for (const r of Object.values(ref.current.byRoom)) {
      const p = r.pending.find((x) => x.cid === cid);
      if (!p) continue;
      dispatch({ type: "retry", cid, now: Date.now() });
      send(sendFrame(p));
    }
  }, []);

  const typing = useCallback(() => {
    const room = ref.current.active;
    const now = Date.now();
    if (!room || now - lastTyping.current < TYPING_EVERY_MS) return;
    if (send({ type: "typing", room })) lastTyping.current = now;
  }, []);

  const joined = useCallback((r: api.RoomInfo) => {
    dispatch({ type: "room-added", room: { ...r, unread: 0 } });
    send({ type: "subscribe", room: r.id });
    return open(r.id);
  }, []);

  /** Opens a room scrolled to message `seq` (loaded with history around it), flashed. */
  const openAt = useCallback(async (id: string, seq: number) => {
    await open(id);
    const loaded = ref.current.byRoom[id]?.messages ?? [];
    if (!loaded.some((m) => m.seq === seq)) {
      try {
        let page = await apiE.around(id, seq, PAGE_SIZE);
        const firstLoaded = loaded[0]?.seq ?? Infinity;
        let last = page.at(-1)?.seq ?? seq;
        // Fill forward to the loaded messages, so the list has no gap.
        for (let i = 0; i < 8 && last + 1 < firstLoaded; i++) {
          const more = await api.history(id, { after: last, limit: 200 });
          if (!more.length) break;
          page = page.concat(more);
          last = more[more.length - 1].seq;
        }
        dispatch({
          type: "history",
          room: id,
          messages: page,
          mode: "initial",
          limit: PAGE_SIZE,
        });
      } catch (e) {
        dispatch({ type: "notice", text: (e as Error).message });
      }
    }
    dispatch({ type: "flash", room: id, seq });
  }, []);

  const actions = {
    open,
    openAt,
    /** Marks every room read (Shift+Esc). */
    markAllRead: () => {
      for (const r of ref.current.rooms) {
        if (!r.unread && !r.mentions) continue;
        const last = ref.current.byRoom[r.id]?.lastSeq ?? -1;
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
        dispatch({ type: "notice", text: (e as Error).message });
      }
    },
    loadOlder,
    sendText,
    retry,
    typing,
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
    /** Loads history back to `seq` (contiguously); true when it is loaded. */
    loadBackTo: async (seq: number) => {
      const id = ref.current.active;
      for (let i = 0; id && i < 50; i++) {
        const r = ref.current.byRoom[id];
        const oldest = r?.messages[0]?.seq;
        if (oldest === undefined) return false;
        if (oldest <= seq) return true;
        const after = Math.max(0, seq - 26);
        const messages = await api.history(id, {
          before: oldest,
          after,
          limit: 200,
        });
        if (!messages.length) return false;
        dispatch({
          type: "history",
          room: id,
          messages,
          mode: "older",
          // Older messages remain unless the page reached seq 1.
          limit: messages.length + (messages[0].seq > 1 ? 0 : 1),
        });
        ref.current = reduce(ref.current, {
          type: "history",
          room: id,
          messages,
          mode: "older",
          limit: messages.length + (messages[0].seq > 1 ? 0 : 1),
        });
      }
      return false;
    },
    clearNotice: () => dispatch({ type: "notice", text: "" }),
    notice: (text: string) => dispatch({ type: "notice", text }),
    removeRoom: (id: string) => dispatch({ type: "room-removed", room: id }),
    reconnect: () => conn.current?.online(),
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
  return { state, hydrated, loadingOlder, actions };
}

/** The actions {@link useChat} returns (what the chat UI can do). */
export type ChatActions = ReturnType<typeof useChat>["actions"];
