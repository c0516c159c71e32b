import { useRef, useState } from "preact/hooks";
import { MAX_TEXT_CHARS } from "../../lib/chat/protocol.ts";

/** Props of {@link Composer}. */
export interface ComposerProps {
  roomName: string;
  /** False until the island is interactive. */
  interactive: boolean;
  onSend: (text: string) => void;
  onTyping: () => void;
  /** ArrowUp in an empty composer: edit my last message. */
  onEditLast?: () => void;
}

/**
 * The message box: Enter sends, Shift+Enter adds a line, ArrowUp in an
 * empty box edits your last message.
 */
export function Composer(p: ComposerProps) {
  const [text, setText] = useState("");
  const box = useRef<HTMLTextAreaElement>(null);
  const length = [...text.trim()].length;
  const tooLong = length > MAX_TEXT_CHARS;
  const send = () => {
    const t = text.trim();
    if (!t || tooLong) return;
    p.onSend(t);
    setText("");
    box.current?.focus();
  };
  return (
    <form
      class="chat-composer"
      onSubmit={(e) => {
        e.preventDefault();
        send();
      }}
    >
      <label for="chat-input" class="sr-only">
        Message {p.roomName}
      </label>
      <textarea
        id="chat-input"
        ref={box}
        name="text"
        rows={1}
        value={text}
        placeholder={`Message ${p.roomName}`}
        disabled={!p.interactive}
        aria-describedby="chat-input-help"
        onInput={(e) => {
          setText(e.currentTarget.value);
          if (e.currentTarget.value.trim()) p.onTyping();
        }}
        onKeyDown={(e) => {
          if (e.key === "Enter" && !e.shiftKey && !e.isComposing) {
            e.preventDefault();
            send();
          } else if (e.key === "ArrowUp" && text === "" && p.onEditLast) {
            e.preventDefault();
            p.onEditLast();
          }
        }}
      />
      <button type="submit" disabled={!p.interactive || !length || tooLong}>
        Send
      </button>
      <p id="chat-input-help" class="chat-help">
        {tooLong
          ? (
            <span class="is-error">
              {length} / {MAX_TEXT_CHARS} characters: too long to send.
            </span>
          )
          : length > MAX_TEXT_CHARS - 500
          ? `${length} / ${MAX_TEXT_CHARS} characters.`
          : "Enter to send, Shift+Enter for a new line."}
      </p>
    </form>
  );
}
