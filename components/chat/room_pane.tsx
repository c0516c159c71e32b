import type { RefObject } from "preact";
import type { FileRef, Message, RoomSummary } from "../../lib/chat/protocol.ts";
import {
  type ChatState,
  lastEditable,
  type ShownMessage,
} from "../../lib/chat/client/state.ts";
import type { ChatActions } from "../../lib/chat/client/use_chat.ts";
import type { useEssentials } from "../../lib/chat/client/use_essentials.ts";
import { MessageList, type MessageListProps } from "./message_list.tsx";
import { Composer } from "./composer.tsx";
import { UnreadPill } from "./notify_controls.tsx";
import { quoteText } from "./reply_quote.tsx";

const onServer = typeof document === "undefined";

/** "alice is typing…", "alice and bob are typing…", or "" for nobody. */
export function typingText(users: string[]): string {
  if (users.length === 0) return "";
  if (users.length === 1) return `${users[0]} is typing…`;
  if (users.length === 2) return `${users[0]} and ${users[1]} are typing…`;
  return "Several people are typing…";
}

/** Props of {@link RoomPane}. */
export interface RoomPaneProps {
  /** The open room. */
  room: RoomSummary;
  state: ChatState;
  /** The open room's messages as shown (pending ones included). */
  list: ShownMessage[];
  /** Who is typing in the open room. */
  typing: string[];
  /** The render's clock (ms), for relative dates. */
  now: number;
  /** Display names by username. */
  names?: Record<string, string>;
  hydrated: boolean;
  loadingOlder: boolean;
  /** The column-reverse scroller (scrollTop 0 is the bottom). */
  scroller: RefObject<HTMLDivElement>;
  onScroll: () => void;
  actions: Pick<
    ChatActions,
    | "loadOlder"
    | "retry"
    | "discard"
    | "edit"
    | "remove"
    | "react"
    | "sendText"
    | "typing"
  >;
  essentials: Pick<
    ReturnType<typeof useEssentials>,
    "pillLabel" | "pillBelow" | "onPill" | "people" | "afterSend"
  >;
  /** The id of the message being edited, or null. */
  editing: string | null;
  setEditing: (id: string | null) => void;
  /** The message being replied to, or null. */
  replying: Message | null;
  setReplying: (m: Message | null) => void;
  /** The message id flashed after a jump, or null. */
  highlight: string | null;
  onJump: MessageListProps["onJump"];
  onOpenImage: (f: FileRef) => void;
}

/** The open room's messages, unread pill, typing line and composer. */
export function RoomPane(p: RoomPaneProps) {
  const { room: active, state, list, hydrated, actions, replying } = p;
  const ess = p.essentials;
  const roomState = state.active ? state.byRoom[state.active] : undefined;
  const oldest = roomState?.messages[0]?.seq;
  const olderHref = state.active && oldest !== undefined
    ? `/chat/${encodeURIComponent(state.active)}?before=${oldest}`
    : undefined;
  return (
    <>
      <div
        class="chat-scroll"
        ref={p.scroller}
        onScroll={p.onScroll}
        tabIndex={0}
        role="region"
        aria-label="Messages"
      >
        <div class="chat-scroll-inner">
          <MessageList
            messages={list}
            me={state.me}
            names={p.names}
            now={p.now}
            timeZone={onServer ? "UTC" : undefined}
            hasOlder={roomState?.hasOlder ?? false}
            loadingOlder={p.loadingOlder}
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
            editing={p.editing}
            setEditing={p.setEditing}
            onReact={hydrated && !active.archived ? actions.react : undefined}
            onReply={hydrated && !active.archived
              ? (m) => p.setReplying(m)
              : undefined}
            onJump={hydrated ? p.onJump : undefined}
            onOpenImage={hydrated ? p.onOpenImage : undefined}
            highlight={p.highlight}
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
      <div class="chat-typing">{typingText(p.typing)}</div>
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
        onCancelReply={() => p.setReplying(null)}
        people={ess.people}
        me={state.me}
        disabledReason={state.connection === "signed-out"
          ? "You were signed out (in this or another tab), so this tab cannot send. Log in again to continue."
          : undefined}
        onSend={(text, files) => {
          actions.sendText(
            text,
            files,
            replying ? { id: replying.id, seq: replying.seq } : undefined,
          );
          ess.afterSend(text);
          p.setReplying(null);
        }}
        onTyping={actions.typing}
        onEditLast={() => {
          const m = lastEditable(list, state.me);
          if (m) p.setEditing(m.id);
        }}
      />
    </>
  );
}
