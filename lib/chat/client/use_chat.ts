/**
 * The chat island's engine as a Preact hook: owns the reducer state and
 * composes the socket (use_chat_socket.ts), the tab's URL/title/read markers
 * (use_tab_sync.ts), history loading (history_actions.ts), message actions
 * (message_actions.ts) and the room actions behind the dialogs
 * (room_actions.ts). Browser only.
 * @module
 */
import {
  useCallback,
  useMemo,
  useReducer,
  useRef,
  useState,
} from "preact/hooks";
import type {
  ClientFrame,
  FileRef,
  Message,
  ReplyRef,
  RoomSummary,
  ServerFrame,
} from "../protocol.ts";
import type { RoomInfo } from "./api.ts";
import type { ChatCore } from "./chat_core.ts";
import type { ChatConnection } from "./connection.ts";
import * as historyActions from "./history_actions.ts";
import * as messages from "./message_actions.ts";
import { joined as joinedRoom, roomActions } from "./room_actions.ts";
import { PAGE_SIZE } from "./page_size.ts";
import { type ChatState, initialState, reduce } from "./state.ts";
import { useChatSocket } from "./use_chat_socket.ts";
import { useTabSync } from "./use_tab_sync.ts";

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

  const send = useCallback(
    (f: ClientFrame) => conn.current?.send(f) ?? false,
    [],
  );
  const core = useMemo<ChatCore>(() => ({ ref, dispatch, send }), []);

  const open = useCallback(
    (id: string | null, push = true) => historyActions.openRoom(core, id, push),
    [],
  );
  useChatSocket(core, {
    conn,
    onFrame: init.onFrame,
    open,
    onMount: () => setHydrated(true),
  });
  useTabSync(core, state);

  const loadOlder = useCallback(
    () => historyActions.loadOlderPage(core, loadingOlder, setLoadingOlder),
    [loadingOlder],
  );
  const sendText = useCallback(
    (text: string, files: FileRef[] = [], replyTo?: ReplyRef) =>
      messages.sendText(core, text, files, replyTo),
    [],
  );
  const retry = useCallback((cid: string) => messages.retry(core, cid), []);
  const typing = useCallback(() => messages.typing(core, lastTyping), []);
  const joined = useCallback((r: RoomInfo) => joinedRoom(core, open, r), []);
  /** Opens a room scrolled to message `seq` (loaded with history around it), flashed. */
  const openAt = useCallback(
    (id: string, seq: number) => historyActions.openAt(core, open, id, seq),
    [],
  );

  const actions = {
    open,
    openAt,
    loadOlder,
    sendText,
    retry,
    typing,
    ...messages.messageActions(core),
    /** Loads history back to `seq` (contiguously); true when it is loaded. */
    loadBackTo: (seq: number) => historyActions.loadBackTo(core, seq),
    clearNotice: () => dispatch({ type: "notice", text: "" }),
    notice: (text: string) => dispatch({ type: "notice", text }),
    reconnect: () => conn.current?.online(),
    ...roomActions(core, open, joined),
  };
  return { state, hydrated, loadingOlder, actions };
}

/** The actions {@link useChat} returns (what the chat UI can do). */
export type ChatActions = ReturnType<typeof useChat>["actions"];
