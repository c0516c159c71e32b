import { useRef, useState } from "preact/hooks";
import { MAX_TEXT_CHARS } from "../../lib/chat/protocol.ts";
import type { Person } from "../../lib/chat/client/api_essentials.ts";
import {
  applySuggestion,
  suggestions,
} from "../../lib/chat/client/mention_complete.ts";
import { MentionPopup } from "./mention_popup.tsx";

/** Props of {@link Composer}. */
export interface ComposerProps {
  roomName: string;
  /** False until the island is interactive. */
  interactive: boolean;
  onSend: (text: string) => void;
  onTyping: () => void;
  /** ArrowUp in an empty composer: edit my last message. */
  onEditLast?: () => void;
  /** The room's members, for `@` autocomplete. */
  people?: Person[];
  /** My username (not suggested). */
  me?: string;
  /** Why sending is impossible right now (shown, and the box is disabled). */
  disabledReason?: string;
}

/**
 * The message box: Enter sends, Shift+Enter adds a line, ArrowUp in an
 * empty box edits your last message.
 */
export function Composer(p: ComposerProps) {
  const [text, setText] = useState("");
  const [caret, setCaret] = useState(0);
  const [pick, setPick] = useState(0);
  const [closedAt, setClosedAt] = useState(-1);
  const box = useRef<HTMLTextAreaElement>(null);
  const found = p.people
    ? suggestions(text, caret, p.people, p.me ?? "")
    : null;
  const popup = found && found.start !== closedAt ? found : null;
  const active = popup ? Math.min(pick, popup.items.length - 1) : 0;
  const choose = (username: string) => {
    if (!popup) return;
    const next = applySuggestion(text, popup.start, caret, username);
    // Put the text and caret into the box now, in this event: a caret set
    // later (after a frame) would move it back under keys typed meanwhile.
    const el = box.current;
    if (el) {
      el.value = next.text;
      el.focus();
      el.setSelectionRange(next.caret, next.caret);
    }
    setText(next.text);
    setCaret(next.caret);
    setPick(0);
  };
  const disabled = !p.interactive || !!p.disabledReason;
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
        disabled={disabled}
        aria-describedby="chat-input-help"
        role="combobox"
        aria-autocomplete="list"
        aria-expanded={!!popup}
        aria-controls={popup ? "chat-mention-list" : undefined}
        aria-activedescendant={popup
          ? `chat-mention-list-${active}`
          : undefined}
        onInput={(e) => {
          setText(e.currentTarget.value);
          setCaret(
            e.currentTarget.selectionStart ?? e.currentTarget.value.length,
          );
          setPick(0);
          if (e.currentTarget.value.trim()) p.onTyping();
        }}
        onKeyUp={(e) => {
          if (e.key === "ArrowLeft" || e.key === "ArrowRight") {
            setCaret(e.currentTarget.selectionStart ?? 0);
          }
        }}
        onClick={(e) => setCaret(e.currentTarget.selectionStart ?? 0)}
        onKeyDown={(e) => {
          if (popup && !e.isComposing) {
            const n = popup.items.length;
            if (e.key === "ArrowDown" || e.key === "ArrowUp") {
              e.preventDefault();
              setPick((active + (e.key === "ArrowDown" ? 1 : n - 1)) % n);
              return;
            }
            if (e.key === "Enter" || e.key === "Tab") {
              e.preventDefault();
              choose(popup.items[active].username);
              return;
            }
            if (e.key === "Escape") {
              e.preventDefault();
              e.stopPropagation();
              setClosedAt(popup.start);
              return;
            }
          }
          if (e.key === "Enter" && !e.shiftKey && !e.isComposing) {
            e.preventDefault();
            send();
          } else if (e.key === "ArrowUp" && text === "" && p.onEditLast) {
            e.preventDefault();
            p.onEditLast();
          }
        }}
      />
      {popup && (
        <MentionPopup
          id="chat-mention-list"
          items={popup.items}
          active={active}
          onPick={choose}
        />
      )}
      <button type="submit" disabled={disabled || !length || tooLong}>
        Send
      </button>
      <p id="chat-input-help" class="chat-help">
        {p.disabledReason
          ? <span class="is-error">{p.disabledReason}</span>
          : tooLong
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
