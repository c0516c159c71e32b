import { useState } from "preact/hooks";
import type { ShownMessage } from "../../lib/chat/client/state.ts";
import { fullDateTime, timeOfDay } from "../../lib/chat/client/format.ts";
import type { Message } from "../../lib/chat/protocol.ts";
import type { MessageListProps } from "./message_list.tsx";
import { MessageText } from "./message_text.tsx";
import { EmojiPicker, ReactionBar } from "./reactions.tsx";
import { ReplyQuote } from "./reply_quote.tsx";
import { Attachments } from "./attachments.tsx";
import { EditForm } from "./message_edit_form.tsx";

/**
 * One message of the list: author and time (hidden when `continued`), reply
 * quote, text or editor, attachments, reactions, send state and the actions
 * on it (reply with Alt+R, react, edit, delete).
 */
export function MessageItem(
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
