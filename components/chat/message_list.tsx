import type { ShownMessage } from "../../lib/chat/client/state.ts";
import { withDaySeparators } from "../../lib/chat/client/format.ts";
import type { FileRef, Message, ReplyRef } from "../../lib/chat/protocol.ts";
import { MessageItem } from "./message_item.tsx";

/** Props of {@link MessageList}. */
export interface MessageListProps {
  messages: ShownMessage[];
  me: string;
  /** Reference instant for "Today"/"Yesterday" (ms since the epoch). */
  now: number;
  /** Undefined in the browser (local zone); "UTC" on the server. */
  timeZone?: string;
  hasOlder: boolean;
  loadingOlder?: boolean;
  /** No-JavaScript link to the previous page of history. */
  olderHref?: string;
  onLoadOlder?: (e: MouseEvent) => void;
  onRetry?: (cid: string) => void;
  onDiscard?: (cid: string) => void;
  onEdit?: (id: string, text: string) => void;
  onDelete?: (id: string) => void;
  /** The message being edited (controlled by the parent), or null. */
  editing?: string | null;
  setEditing?: (id: string | null) => void;
  /** Toggle my reaction (absent: read-only). */
  onReact?: (id: string, emoji: string) => void;
  /** Start a reply to `m` (absent: read-only). */
  onReply?: (m: Message) => void;
  /** Jump to a reply's original. */
  onJump?: (ref: ReplyRef) => void;
  /** Open an image full size. */
  onOpenImage?: (f: FileRef) => void;
  /** The message to highlight (after a jump). */
  highlight?: string | null;
  /** Display names by username ("deleted user" for deleted accounts). */
  names?: Record<string, string>;
  /** Seq of the first unread message: a "New messages" divider goes above it. */
  unreadFrom?: number;
  /** Seq of a message to flash (opened from search or a notification). */
  flashSeq?: number;
}

/** The message pane's list: day separators, author runs, marks and states. */
export function MessageList(p: MessageListProps) {
  const rows = withDaySeparators(p.messages, new Date(p.now), p.timeZone);
  // Originals of replies, when loaded.
  const byId = new Map<string, Message>(
    p.messages.some((m) => m.replyTo) ? p.messages.map((m) => [m.id, m]) : [],
  );
  const dividerAt = p.unreadFrom === undefined
    ? undefined
    : p.messages.find((m) => m.seq >= p.unreadFrom! && m.author !== p.me)?.id;
  return (
    <>
      {p.hasOlder && (
        <div class="chat-older">
          {p.loadingOlder
            ? <span class="chat-muted">Loading older messages…</span>
            : (
              <a href={p.olderHref ?? "#"} onClick={p.onLoadOlder}>
                Load older messages
              </a>
            )}
        </div>
      )}
      {!p.hasOlder && p.messages.length > 0 && (
        <p class="chat-muted chat-start">This is the start of the room.</p>
      )}
      {p.messages.length === 0 && (
        <p class="chat-muted chat-start">No messages yet. Say hello!</p>
      )}
      <ol class="chat-messages">
        {rows.map((r) =>
          r.kind === "day"
            ? (
              <li key={"d" + r.key} class="chat-day">
                <span>{r.label}</span>
              </li>
            )
            : r.message.id === dividerAt
            ? [
              <li
                key="new-divider"
                class="chat-new-divider"
                id="chat-new-divider"
                role="separator"
                aria-label="New messages"
              >
                <span>New messages</span>
              </li>,
              <MessageItem
                key={r.message.id}
                m={r.message}
                continued={false}
                p={p}
              />,
            ]
            : (
              <MessageItem
                key={r.message.id}
                m={r.message}
                continued={r.continued}
                p={p}
                original={r.message.replyTo
                  ? byId.get(r.message.replyTo.id)
                  : undefined}
              />
            )
        )}
      </ol>
    </>
  );
}
