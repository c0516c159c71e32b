import { useEffect, useRef, useState } from "preact/hooks";
import type { ShownMessage } from "../../lib/chat/client/state.ts";
import {
  fullDateTime,
  timeOfDay,
  withDaySeparators,
} from "../../lib/chat/client/format.ts";
import { MessageText } from "./message_text.tsx";
import type { FileRef, Message, ReplyRef } from "../../lib/chat/protocol.ts";
import { EmojiPicker, ReactionBar } from "./reactions.tsx";
import { ReplyQuote } from "./reply_quote.tsx";
import { Attachments } from "./attachments.tsx";

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

function EditForm(
  { m, onSave, onCancel }: {
    m: ShownMessage;
    onSave: (text: string) => void;
    onCancel: () => void;
  },
) {
  const [text, setText] = useState(m.text);
  const box = useRef<HTMLTextAreaElement>(null);
  useEffect(() => box.current?.focus(), []);
  const save = () => {
    const t = text.trim();
    if (t && t !== m.text) onSave(t);
    else onCancel();
  };
  return (
    <form
      class="chat-edit"
      onSubmit={(e) => {
        e.preventDefault();
        save();
      }}
    >
      <label class="sr-only" for={`edit-${m.id}`}>Edit message</label>
      <textarea
        id={`edit-${m.id}`}
        value={text}
        rows={2}
        maxLength={4000}
        ref={box}
        onInput={(e) => setText(e.currentTarget.value)}
        onKeyDown={(e) => {
          if (e.key === "Escape") onCancel();
          if (e.key === "Enter" && !e.shiftKey && !e.isComposing) {
            e.preventDefault();
            save();
          }
        }}
      />
      <div class="chat-edit-actions">
        <button type="submit">Save</button>
        <button type="button" onClick={onCancel}>Cancel</button>
      </div>
    </form>
  );
}

function Item(
  { m, continued, p, original }: {
    m: ShownMessage;
    continued: boolean;
    p: MessageListProps;
    original?: Message;
  },
) {
  const [confirming, setConfirming] = useState(false);
  const [picking, setPicking] = useState(false);
  const canRespond = !m.status && !m.deleted;
  const mine = m.author === p.me;
  const canChange = mine && !m.status && !m.deleted && !!p.onEdit;
  const editing = p.editing === m.id;
  const cls = ["chat-msg"];
  if (continued) cls.push("is-continued");
  if (mine) cls.push("is-mine");
  if (m.status) cls.push("is-" + m.status);
  if (m.deleted) cls.push("is-deleted");
  if (p.highlight === m.id) cls.push("is-highlight");
  if (!mine && !m.deleted && (m.mentionsRoom || m.mentions?.includes(p.me))) {
    cls.push("is-mention");
  }
  if (p.flashSeq !== undefined && m.seq === p.flashSeq) cls.push("is-flash");
  return (
    <li
      class={cls.join(" ")}
      data-seq={m.seq}
      data-id={m.id}
      tabIndex={canRespond ? -1 : undefined}
      aria-keyshortcuts={canRespond && p.onReply ? "Alt+R" : undefined}
      onKeyDown={(e) => {
        // Alt+R on a focused message (or a control inside it): reply.
        if (
          e.altKey && !e.ctrlKey && !e.metaKey &&
          (e.key === "r" || e.key === "R" || e.code === "KeyR") &&
          canRespond && p.onReply
        ) {
          e.preventDefault();
          e.stopPropagation();
          p.onReply(m);
        }
      }}
    >
      <div class={"chat-msg-meta" + (continued ? " sr-only" : "")}>
        <span class="chat-author" data-username={m.author}>
          {p.names?.[m.author] ?? m.author}
        </span>{" "}
        <time
          dateTime={m.createdAt}
          title={fullDateTime(m.createdAt, p.timeZone)}
        >
          {timeOfDay(m.createdAt, p.timeZone)}
        </time>
      </div>
      {m.replyTo && (
        <ReplyQuote reply={m.replyTo} original={original} onJump={p.onJump} />
      )}
      {editing && p.onEdit
        ? (
          <EditForm
            m={m}
            onSave={(t) => {
              p.onEdit!(m.id, t);
              p.setEditing?.(null);
            }}
            onCancel={() => p.setEditing?.(null)}
          />
        )
        : (
          <div class="chat-msg-body">
            {m.deleted
              ? <em class="chat-muted">This message was deleted.</em>
              : <MessageText text={m.text} />}
            {m.editedAt && !m.deleted && (
              <span
                class="chat-edited"
                title={"Edited " + fullDateTime(m.editedAt, p.timeZone)}
              >
                {" "}(edited)
              </span>
            )}
          </div>
        )}
      {!m.deleted && m.files?.length
        ? <Attachments files={m.files} onOpenImage={p.onOpenImage} />
        : null}
      {!m.deleted && (
        <ReactionBar
          reactions={m.reactions ?? []}
          me={p.me}
          onToggle={p.onReact && canRespond
            ? (e) => p.onReact!(m.id, e)
            : undefined}
        />
      )}
      {m.status === "pending" && (
        <div class="chat-msg-status" aria-live="off">Sending…</div>
      )}
      {m.status === "failed" && (
        <div class="chat-msg-status is-error" role="alert">
          Not sent{m.error ? `: ${m.error}` : "."}{" "}
          <button
            type="button"
            onClick={() =>
              p.onRetry?.(m.cid!)}
          >
            Retry
          </button>{" "}
          <button
            type="button"
            onClick={() =>
              p.onDiscard?.(m.cid!)}
          >
            Discard
          </button>
        </div>
      )}
      {canRespond && !editing && (p.onReact || p.onReply) && (
        <div class="chat-msg-actions chat-msg-respond">
          {p.onReply && (
            <button
              type="button"
              onClick={() => p.onReply!(m)}
              aria-label={`Reply to ${m.author} (Alt+R)`}
              title="Reply (Alt+R)"
            >
              Reply
            </button>
          )} {p.onReact && (
            <button
              type="button"
              aria-expanded={picking}
              aria-label={`Add a reaction to the message from ${m.author}`}
              title="Add a reaction"
              onClick={() => setPicking(!picking)}
            >
              React
            </button>
          )}
          {picking && p.onReact && (
            <EmojiPicker
              onPick={(e) => p.onReact!(m.id, e)}
              onClose={() => setPicking(false)}
            />
          )}
        </div>
      )}
      {canChange && !editing && (
        <div class="chat-msg-actions">
          {confirming
            ? (
              <>
                <span>Delete this message?</span>{" "}
                <button
                  type="button"
                  onClick={() => {
                    setConfirming(false);
                    p.onDelete?.(m.id);
                  }}
                >
                  Delete
                </button>{" "}
                <button type="button" onClick={() => setConfirming(false)}>
                  Keep
                </button>
              </>
            )
            : (
              <>
                <button
                  type="button"
                  onClick={() => p.setEditing?.(m.id)}
                  aria-label={`Edit message from ${timeOfDay(m.createdAt)}`}
                >
                  Edit
                </button>{" "}
                <button
                  type="button"
                  onClick={() => setConfirming(true)}
                  aria-label={`Delete message from ${timeOfDay(m.createdAt)}`}
                >
                  Delete
                </button>
              </>
            )}
        </div>
      )}
    </li>
  );
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
              <Item
                key={r.message.id}
                m={r.message}
                continued={false}
                p={p}
              />,
            ]
            : (
              <Item
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
