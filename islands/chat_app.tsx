import { useEffect, useRef, useState } from "preact/hooks";
import type {
  FileRef,
  Message,
  RoomSummary,
  ServerFrame,
} from "../lib/chat/protocol.ts";
import * as chatApi from "../lib/chat/client/api.ts";
import { ImageOverlay } from "../components/chat/attachments.tsx";
import {
  MemberPanel,
  RoomSettingsDialog,
} from "../components/chat/room_panels.tsx";
import {
  type ChatState,
  shownMessages,
  typingUsers,
} from "../lib/chat/client/state.ts";
import { useChat } from "../lib/chat/client/use_chat.ts";
import { useRoomScroll } from "../lib/chat/client/use_room_scroll.ts";
import { useRoomKeys } from "../lib/chat/client/use_room_keys.ts";
import { RoomSidebar } from "../components/chat/room_sidebar.tsx";
import { RoomHeader } from "../components/chat/room_header.tsx";
import { RoomPane } from "../components/chat/room_pane.tsx";
import {
  ChatEmpty,
  ChatNotice,
  ConnectionBanner,
} from "../components/chat/chat_status.tsx";
import { ChatDialogs } from "../components/chat/chat_dialogs.tsx";
import type { DialogKind } from "../components/chat/dialogs.tsx";
import { SearchDialog } from "../components/chat/search_dialog.tsx";
import { NotifySettings } from "../components/chat/notify_settings.tsx";
import { AddOffer } from "../components/chat/add_offer.tsx";
import { NotifyBanner } from "../components/chat/notify_controls.tsx";
import { useEssentials } from "../lib/chat/client/use_essentials.ts";
import { search as searchApi } from "../lib/chat/client/api_essentials.ts";

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

  const { highlight, jump, onScroll } = useRoomScroll({
    scroller,
    active: state.active,
    me: state.me,
    last: list.at(-1),
    hydrated,
    roomState,
    loadingOlder,
    loadOlder: actions.loadOlder,
    loadBackTo: actions.loadBackTo,
    notice: actions.notice,
    onScroll: ess.onScroll,
  });
  useRoomKeys(state.rooms, state.active, actions.open);
  useEffect(() => setReplying(null), [state.active]);

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
        <ConnectionBanner
          connection={state.connection}
          onReconnect={actions.reconnect}
        />
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
          <ChatNotice notice={state.notice} onDismiss={actions.clearNotice} />
        )}
        {active
          ? (
            <>
              <RoomHeader
                room={active}
                hydrated={hydrated}
                online={online}
                peerOnline={peerOnline}
                showMembers={showMembers}
                onToggleMembers={() => setShowMembers(!showMembers)}
                onBack={() => actions.open(null)}
                onSearch={() => ess.setSearching(true)}
                onNotify={(l) => actions.setNotify(active.id, l)}
                onAddPeople={() => setDialog("member")}
                onSettings={() => setSettings(true)}
                onLeave={() => setDialog("leave")}
              />
              <RoomPane
                room={active}
                state={state}
                list={list}
                typing={typing}
                now={now}
                names={props.names}
                hydrated={hydrated}
                loadingOlder={loadingOlder}
                scroller={scroller}
                onScroll={onScroll}
                actions={actions}
                essentials={ess}
                editing={editing}
                setEditing={setEditing}
                replying={replying}
                setReplying={setReplying}
                highlight={highlight}
                onJump={jump}
                onOpenImage={setImage}
              />
            </>
          )
          : (
            <ChatEmpty
              hydrated={hydrated}
              onSearch={() => ess.setSearching(true)}
            />
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
      <ChatDialogs
        dialog={dialog}
        active={active}
        me={props.me}
        names={props.names}
        actions={actions}
        onClose={() => setDialog(null)}
      />
    </div>
  );
}
