import { useEffect, useLayoutEffect, useRef, useState } from "preact/hooks";
import type {
  FileRef,
  Message,
  ReplyRef,
  RoomSummary,
} from "../lib/chat/protocol.ts";
import * as chatApi from "../lib/chat/client/api.ts";
import { ImageOverlay } from "../components/chat/attachments.tsx";
import { quoteText } from "../components/chat/reply_quote.tsx";
import {
  MemberPanel,
  RoomSettingsDialog,
} from "../components/chat/room_panels.tsx";
import {
  type ShownMessage,
  shownMessages,
  typingUsers,
} from "../lib/chat/client/state.ts";
import { useChat } from "../lib/chat/client/use_chat.ts";
import { LockIcon, RoomSidebar } from "../components/chat/room_sidebar.tsx";
import { MessageList } from "../components/chat/message_list.tsx";
import { Composer } from "../components/chat/composer.tsx";
import {
  AddMemberDialog,
  BrowseDialog,
  type DialogKind,
  LeaveDialog,
  NewDmDialog,
  NewRoomDialog,
} from "../components/chat/dialogs.tsx";
import { SearchDialog } from "../components/chat/search_dialog.tsx";
import { NotifySettings } from "../components/chat/notify_settings.tsx";
import { AddOffer } from "../components/chat/add_offer.tsx";
import {
  NotifyBanner,
  NotifySelect,
  UnreadPill,
} from "../components/chat/notify_controls.tsx";
import { useEssentials } from "../lib/chat/client/use_essentials.ts";
import { search as searchApi } from "../lib/chat/client/api_essentials.ts";
import type { ServerFrame } from "../lib/chat/protocol.ts";
import type { ChatState } from "../lib/chat/client/state.ts";

/** Props of the chat island (serialised from the page). */
export interface ChatAppProps {
  me: string;
  rooms: RoomSummary[];
  /** The open room's id, or null on /chat. */
  active: string | null;
  /** The first screen of the open room's history, ascending. */
  messages?: Message[];
  /** The open room's latest seq when `messages` was read; omit for older pages. */
  latestSeq?: number;
  /** Display names by username (the protocol's `author` stays the username). */
  names?: Record<string, string>;
}

const onServer = typeof document === "undefined";

/** Members to suggest in the DM and add-people dialogs (not me, not gone). */
function suggestions(
  names: Record<string, string> | undefined,
  me: string,
): Record<string, string> | undefined {
  if (!names) return undefined;
  return Object.fromEntries(
    Object.entries(names).filter(([u, n]) =>
      u !== me && n !== "deleted user" && !n.endsWith("(deactivated)")
    ),
  );
}

function loginNext(): string {
  return typeof location === "undefined" ? "/chat" : location.pathname;
}

function typingText(users: string[]): string {
  if (users.length === 0) return "";
  if (users.length === 1) return `${users[0]} is typing…`;
  if (users.length === 2) return `${users[0]} and ${users[1]} are typing…`;
  return "Several people are typing…";
}

function lastEditable(
  list: ShownMessage[],
  me: string,
): ShownMessage | undefined {
  for (let i = list.length - 1; i >= 0; i--) {
    const m = list[i];
    if (m.author === me && !m.status && !m.deleted) return m;
  }
}

/** The whole chat screen: sidebar, message pane, composer, dialogs. */
export function ChatApp(props: ChatAppProps) {
  const frameSink = useRef<((f: ServerFrame, s: ChatState) => void) | null>(
    null,
  );
  const { state, hydrated, loadingOlder, actions } = useChat({
    me: props.me,
    rooms: props.rooms,
    active: props.active,
    messages: props.messages,
    latestSeq: props.latestSeq,
    onFrame: (f, s) => frameSink.current?.(f, s),
  });
  const [dialog, setDialog] = useState<DialogKind>(null);
  const [editing, setEditing] = useState<string | null>(null);
  const [replying, setReplying] = useState<Message | null>(null);
  const [image, setImage] = useState<FileRef | null>(null);
  const [highlight, setHighlight] = useState<string | null>(null);
  const [showMembers, setShowMembers] = useState(false);
  const [settings, setSettings] = useState(false);
  const scroller = useRef<HTMLDivElement>(null);
  const ess = useEssentials({
    state,
    hydrated,
    scroller,
    openAt: actions.openAt,
    markAllRead: actions.markAllRead,
    frameSink,
  });
  const online = state.connection === "online";
  const active = state.rooms.find((r) => r.id === state.active) ?? null;
  const roomState = state.active ? state.byRoom[state.active] : undefined;
  const list = state.active ? shownMessages(state, state.active) : [];
  const now = Date.now();
  const typing = state.active ? typingUsers(state, state.active, now) : [];
  const last = list.at(-1);

  // Opening a room or sending shows the newest messages (the scroller is
  // column-reverse, so 0 is the bottom).
  useLayoutEffect(() => {
    if (scroller.current) scroller.current.scrollTop = 0;
  }, [state.active]);
  useLayoutEffect(() => {
    if (last?.author === state.me && scroller.current) {
      scroller.current.scrollTop = 0;
    }
  }, [last?.id]);
  // Fill the pane: keep loading older pages while nothing scrolls yet.
  useEffect(() => {
    const el = scroller.current;
    if (
      hydrated && el && roomState?.loaded && roomState.hasOlder &&
      !loadingOlder &&
      el.scrollHeight <= el.clientHeight + 8
    ) actions.loadOlder();
  }, [hydrated, roomState?.messages.length, roomState?.hasOlder, loadingOlder]);

  // Alt+ArrowUp / Alt+ArrowDown: previous / next room in the sidebar's order.
  const order = [
    ...state.rooms.filter((r) => r.visibility !== "direct"),
    ...state.rooms.filter((r) => r.visibility === "direct"),
  ].map((r) => r.id);
  // The handler reads the latest order and room through a ref, so a key
  // pressed right after a switch never acts on the previous room.
  const nav = useRef({ order, active: state.active, open: actions.open });
  nav.current = { order, active: state.active, open: actions.open };
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (!e.altKey || (e.key !== "ArrowUp" && e.key !== "ArrowDown")) return;
      const { order, active, open } = nav.current;
      if (document.querySelector("dialog[open]") || !order.length) return;
      e.preventDefault();
      const i = order.indexOf(active ?? "");
      const step = e.key === "ArrowUp" ? -1 : 1;
      const next = i < 0
        ? (step > 0 ? 0 : order.length - 1)
        : (i + step + order.length) % order.length;
      open(order[next]);
    };
    addEventListener("keydown", onKey);
    return () => removeEventListener("keydown", onKey);
  }, []);

  useEffect(() => setReplying(null), [state.active]);

  /** Shows a reply's original, loading history back to it first. */
  const jump = async (ref: ReplyRef) => {
    const find = () =>
      scroller.current?.querySelector<HTMLElement>(
        `[data-id="${CSS.escape(ref.id)}"]`,
      );
    if (!find()) await actions.loadBackTo(ref.seq);
    // Wait a frame for the loaded page to render.
    await new Promise((r) => requestAnimationFrame(() => r(null)));
    const el = find();
    if (!el) {
      return actions.notice("The original message is no longer available.");
    }
    el.scrollIntoView({ block: "center" });
    el.focus();
    setHighlight(ref.id);
    setTimeout(() => setHighlight((h) => (h === ref.id ? null : h)), 2500);
  };

  const onScroll = () => {
    ess.onScroll();
    const el = scroller.current;
    if (!el || !roomState?.hasOlder || loadingOlder) return;
    if (Math.abs(el.scrollTop) + el.clientHeight >= el.scrollHeight - 120) {
      actions.loadOlder();
    }
  };

  const oldest = roomState?.messages[0]?.seq;
  const olderHref = state.active && oldest !== undefined
    ? `/chat/${encodeURIComponent(state.active)}?before=${oldest}`
    : undefined;
  const peerOnline = active?.visibility === "direct"
    ? state.presence[active.name]
    : undefined;

  return (
    <div
      class={"chat" + (active ? " has-room" : "")}
      data-connection={state.connection}
    >
      <RoomSidebar
        rooms={state.rooms.filter((r) => !r.archived)}
        active={state.active}
        presence={state.presence}
        presenceKnown={!hydrated || online}
        onMarkAllRead={actions.markAllRead}
        footer={hydrated && (
          <NotifySettings
            onEnable={ess.enableNotifications}
            sound={ess.sound}
            onSound={ess.setSound}
          />
        )}
        interactive={hydrated}
        onOpen={(id, e) => {
          if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey) return;
          e.preventDefault();
          actions.open(id);
        }}
        onNewRoom={() => setDialog("room")}
        onBrowse={() => setDialog("browse")}
        onNewDm={() => setDialog("dm")}
      />
      <section
        class="chat-main"
        aria-label={active ? `Room ${active.name}` : "Chat"}
      >
        {(state.connection === "reconnecting" ||
          state.connection === "offline") && (
          <div class="chat-banner" role="status">
            {state.connection === "offline"
              ? "You are offline. Reconnecting…"
              : "Reconnecting…"}{" "}
            <button type="button" onClick={actions.reconnect}>Retry now</button>
          </div>
        )}
        {state.connection === "signed-out" && (
          <div class="chat-banner" role="alert">
            You are signed out.{" "}
            <a href={`/login?next=${encodeURIComponent(loginNext())}`}>
              Log in again
            </a>
          </div>
        )}
        {ess.banner && (
          <NotifyBanner
            onEnable={ess.enableNotifications}
            onDismiss={ess.dismissBanner}
            sound={ess.sound}
            onSound={ess.setSound}
          />
        )}
        {ess.offer && ess.offer.room === state.active && (
          <AddOffer
            names={ess.offer.names}
            onDismiss={ess.dismissOffer}
            onAdd={actions.addMember}
            onError={actions.notice}
          />
        )}
        {state.notice && (
          <div class="chat-notice" role="alert">
            {state.notice}{" "}
            <button type="button" onClick={actions.clearNotice}>Dismiss</button>
          </div>
        )}
        {active
          ? (
            <>
              <header class="chat-header">
                <a
                  class="chat-back"
                  href="/chat"
                  onClick={(e) => {
                    if (!hydrated) return;
                    e.preventDefault();
                    actions.open(null);
                  }}
                >
                  <span aria-hidden="true">←</span>{" "}
                  <span class="chat-back-label">Rooms</span>
                </a>
                <h1>
                  <span class="chat-room-icon" aria-hidden="true">
                    {active.visibility === "direct"
                      ? "@"
                      : active.visibility === "private"
                      ? <LockIcon />
                      : "#"}
                  </span>
                  {active.name}
                </h1>
                {peerOnline !== undefined && (
                  <span
                    class={"chat-peer" +
                      (!online && hydrated
                        ? " is-unknown"
                        : peerOnline
                        ? " is-online"
                        : "")}
                  >
                    {!online && hydrated
                      ? "status unknown"
                      : peerOnline
                      ? "online"
                      : "offline"}
                  </span>
                )}
                {active.topic && (
                  <p class="chat-topic" title={active.topic}>{active.topic}</p>
                )}
                {active.archived && <span class="chat-archived">archived</span>}
                {active.visibility !== "direct" && (
                  <button
                    type="button"
                    disabled={!hydrated}
                    aria-pressed={showMembers}
                    onClick={() => setShowMembers(!showMembers)}
                  >
                    Members
                  </button>
                )}
                <button
                  type="button"
                  disabled={!hydrated}
                  onClick={() => ess.setSearching(true)}
                  aria-keyshortcuts="Control+K /"
                  title="Search messages (Ctrl+K or /)"
                >
                  Search
                </button>
                {active.visibility !== "direct" && (
                  <NotifySelect
                    level={active.notify ?? "mentions"}
                    disabled={!hydrated}
                    onChange={(l) => actions.setNotify(active.id, l)}
                  />
                )}
                {active.visibility !== "direct" && (
                  <button
                    type="button"
                    disabled={!hydrated}
                    onClick={() => setDialog("member")}
                  >
                    Add people
                  </button>
                )}
                {active.visibility !== "direct" && (
                  <button
                    type="button"
                    disabled={!hydrated}
                    aria-haspopup="dialog"
                    onClick={() => setSettings(true)}
                  >
                    Room settings
                  </button>
                )}
                {active.visibility !== "direct" && (
                  <button
                    type="button"
                    disabled={!hydrated}
                    onClick={() => setDialog("leave")}
                  >
                    Leave
                  </button>
                )}
              </header>
              <div
                class="chat-scroll"
                ref={scroller}
                onScroll={onScroll}
                tabIndex={0}
                role="region"
                aria-label="Messages"
              >
                <div class="chat-scroll-inner">
                  <MessageList
                    messages={list}
                    me={state.me}
                    names={props.names}
                    now={now}
                    timeZone={onServer ? "UTC" : undefined}
                    hasOlder={roomState?.hasOlder ?? false}
                    loadingOlder={loadingOlder}
                    olderHref={olderHref}
                    onLoadOlder={(e) => {
                      if (!hydrated) return;
                      e.preventDefault();
                      actions.loadOlder();
                    }}
                    onRetry={actions.retry}
                    onDiscard={actions.discard}
                    onEdit={hydrated ? actions.edit : undefined}
                    onDelete={actions.remove}
                    editing={editing}
                    setEditing={setEditing}
                    onReact={hydrated && !active.archived
                      ? actions.react
                      : undefined}
                    onReply={hydrated && !active.archived
                      ? (m) => setReplying(m)
                      : undefined}
                    onJump={hydrated ? jump : undefined}
                    onOpenImage={hydrated ? setImage : undefined}
                    highlight={highlight}
                    unreadFrom={state.unreadFrom[active.id]}
                    flashSeq={state.flash?.room === active.id
                      ? state.flash.seq
                      : undefined}
                  />
                </div>
              </div>
              {ess.pillLabel && (
                <UnreadPill
                  label={ess.pillLabel}
                  below={ess.pillBelow}
                  onClick={ess.onPill}
                />
              )}
              <div class="chat-typing">{typingText(typing)}</div>
              <Composer
                key={active.id}
                roomName={active.visibility === "direct"
                  ? active.name
                  : "#" + active.name}
                roomId={active.id}
                interactive={hydrated}
                readOnly={!!active.archived}
                replying={replying
                  ? { author: replying.author, text: quoteText(replying) }
                  : null}
                onCancelReply={() => setReplying(null)}
                people={ess.people}
                me={state.me}
                disabledReason={state.connection === "signed-out"
                  ? "You were signed out (in this or another tab), so this tab cannot send. Log in again to continue."
                  : undefined}
                onSend={(text, files) => {
                  actions.sendText(
                    text,
                    files,
                    replying
                      ? { id: replying.id, seq: replying.seq }
                      : undefined,
                  );
                  ess.afterSend(text);
                  setReplying(null);
                }}
                onTyping={actions.typing}
                onEditLast={() => {
                  const m = lastEditable(list, state.me);
                  if (m) setEditing(m.id);
                }}
              />
            </>
          )
          : (
            <div class="chat-empty">
              <h1>Chat</h1>
              <p>
                Pick a room on the left, create one, or start a direct message.
              </p>
              <p>
                <button
                  type="button"
                  disabled={!hydrated}
                  onClick={() => ess.setSearching(true)}
                  aria-keyshortcuts="Control+K /"
                >
                  Search messages
                </button>{" "}
                <span class="chat-muted">Ctrl+K or /</span>
              </p>
            </div>
          )}
      </section>
      {showMembers && active && active.visibility !== "direct" && (
        <MemberPanel
          roomId={active.id}
          load={chatApi.roomPeople}
          presence={state.presence}
          me={state.me}
          onClose={() => setShowMembers(false)}
        />
      )}
      {image && <ImageOverlay file={image} onClose={() => setImage(null)} />}
      {settings && active && (
        <RoomSettingsDialog
          room={active}
          onSave={async (patch) => {
            await chatApi.patchRoom(active.id, patch);
          }}
          onMute={(muted) =>
            actions.setNotify(active.id, muted ? "none" : "mentions")}
          onBlock={async () => {
            await chatApi.blockRoom(active.id);
            actions.removeRoom(active.id);
          }}
          onClose={() => setSettings(false)}
        />
      )}
      <div class="sr-only" role="status" aria-live="polite" aria-atomic="true">
        {state.announcement.text}
      </div>
      {ess.searching && (
        <SearchDialog
          search={searchApi}
          onOpen={(room, seq) => actions.openAt(room, seq)}
          onClose={() => ess.setSearching(false)}
        />
      )}
      {dialog === "room" && (
        <NewRoomDialog
          onCreate={actions.createRoom}
          onClose={() => setDialog(null)}
        />
      )}
      {dialog === "dm" && (
        <NewDmDialog
          onStart={actions.startDm}
          people={suggestions(props.names, props.me)}
          onClose={() => setDialog(null)}
        />
      )}
      {dialog === "browse" && (
        <BrowseDialog
          load={actions.browse}
          onJoin={actions.join}
          onClose={() => setDialog(null)}
        />
      )}
      {dialog === "leave" && active && (
        <LeaveDialog
          roomName={active.name}
          isPrivate={active.visibility === "private"}
          onLeave={() => actions.leave(active.id)}
          onClose={() => setDialog(null)}
        />
      )}
      {dialog === "member" && active && (
        <AddMemberDialog
          roomName={active.name}
          onAdd={actions.addMember}
          people={suggestions(props.names, props.me)}
          onClose={() => setDialog(null)}
        />
      )}
    </div>
  );
}
