import type { Message, ReplyRef } from "../../lib/chat/protocol.ts";
import { parseMarkdown, plainText } from "../../lib/chat/client/markdown.ts";

/** First 100 characters of a message's text without Markdown syntax. */
export function quoteText(m: Message): string {
  const t = plainText(parseMarkdown(m.text));
  const chars = [...t];
  return chars.length > 100 ? chars.slice(0, 100).join("") + "…" : t;
}

/**
 * The one-line quote above a reply: the original's author and first 100
 * characters ("deleted message" when it was deleted); activating it jumps
 * to the original (loading history around it when needed).
 */
export function ReplyQuote(
  { reply, original, onJump }: {
    reply: ReplyRef;
    /** The original when it is loaded; undefined otherwise. */
    original?: Message;
    onJump?: (ref: ReplyRef) => void;
  },
) {
  const body = !original
    ? <span class="chat-muted">Earlier message</span>
    : original.deleted
    ? <em class="chat-muted">deleted message</em>
    : (
      <>
        <span class="chat-reply-author">{original.author}</span>{" "}
        <span class="chat-reply-text">{quoteText(original)}</span>
      </>
    );
  return (
    <button
      type="button"
      class="chat-reply-quote"
      disabled={!onJump}
      onClick={() => onJump?.(reply)}
      aria-label={original && !original.deleted
        ? `Reply to ${original.author}: ${
          quoteText(original)
        }. Show the original.`
        : "Reply to a message. Show the original."}
    >
      <span aria-hidden="true">↩</span> {body}
    </button>
  );
}
