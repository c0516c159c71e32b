import { useEffect, useRef, useState } from "preact/hooks";
import { type FileRef, MAX_TEXT_CHARS } from "../../lib/chat/protocol.ts";
import type { Person } from "../../lib/chat/client/api_essentials.ts";
import {
  applySuggestion,
  suggestions,
} from "../../lib/chat/client/mention_complete.ts";
import { WRAP_KEYS, wrapSelection } from "../../lib/chat/client/wrap.ts";
import { MentionPopup } from "./mention_popup.tsx";
import { UploadList, useUploads } from "./composer_files.tsx";

/** Props of {@link Composer}. */
export interface ComposerProps {
  roomName: string;
  /** The room's id (uploads go there). */
  roomId?: string;
  /** False until the island is interactive. */
  interactive: boolean;
  /** Read-only (archived) room: no composer input. */
  readOnly?: boolean;
  onSend: (text: string, files: FileRef[]) => void;
  onTyping: () => void;
  /** ArrowUp in an empty composer: edit my last message. */
  onEditLast?: () => void;
  /** The message being replied to, shown above the box. */
  replying?: { author: string; text: string } | null;
  onCancelReply?: () => void;
  /** The room's members, for `@` autocomplete. */
  people?: Person[];
  /** My username (not suggested). */
  me?: string;
  /** Why sending is impossible right now (shown, and the box is disabled). */
  disabledReason?: string;
}

/**
 * The message box: Enter sends, Shift+Enter adds a line, ArrowUp in an
 * empty box edits your last message, Ctrl+B / Ctrl+I / Ctrl+E wrap the
 * selection in bold / italic / code. Files attach by the button, drag and
 * drop or paste, each with a progress bar and a cancel button.
 */
export function Composer(p: ComposerProps) {
  const [text, setText] = useState("");
  const [caret, setCaret] = useState(0);
  const [pick, setPick] = useState(0);
  const [closedAt, setClosedAt] = useState(-1);
  const box = useRef<HTMLTextAreaElement>(null);
  const fileInput = useRef<HTMLInputElement>(null);
  const [dragging, setDragging] = useState(false);
  const uploads = useUploads(p.roomId ?? "");
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
  const canSend = !tooLong && !uploads.busy &&
    (length > 0 || uploads.done.length > 0);
  useEffect(() => {
    if (p.replying) box.current?.focus();
  }, [p.replying]);
  const send = () => {
    const t = text.trim();
    if (!canSend) return;
    p.onSend(t, uploads.done);
    setText("");
    uploads.clear();
    box.current?.focus();
  };
  const canAttach = p.interactive && !!p.roomId;
  if (p.readOnly) {
    return (
      <p class="chat-composer chat-readonly" role="status">
        This room is archived: it is read-only.
      </p>
    );
  }
  return (
    <form
      class={"chat-composer" + (dragging ? " is-dragging" : "")}
      onSubmit={(e) => {
        e.preventDefault();
        send();
      }}
      onDragOver={(e) => {
        if (!canAttach || !e.dataTransfer?.types.includes("Files")) return;
        e.preventDefault();
        setDragging(true);
      }}
      onDragLeave={() => setDragging(false)}
      onDrop={(e) => {
        setDragging(false);
        if (!canAttach || !e.dataTransfer?.files.length) return;
        e.preventDefault();
        uploads.add(e.dataTransfer.files);
      }}
    >
      {p.replying && (
        <div class="chat-replying">
          <span>
            Replying to <strong>{p.replying.author}</strong>:{" "}
            <span class="chat-muted">{p.replying.text}</span>
          </span>
          <button
            type="button"
            onClick={p.onCancelReply}
            aria-label="Cancel the reply"
          >
            ✕
          </button>
        </div>
      )}
      <UploadList list={uploads.list} onRemove={uploads.remove} />
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
        onPaste={(e) => {
          const files = [...(e.clipboardData?.files ?? [])];
          if (!canAttach || !files.length) return;
          e.preventDefault();
          uploads.add(files);
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
          const marker = (e.ctrlKey || e.metaKey) && !e.altKey && !e.shiftKey
            ? WRAP_KEYS[e.key.toLowerCase()]
            : undefined;
          if (marker) {
            e.preventDefault();
            const el = e.currentTarget;
            const w = wrapSelection(
              el.value,
              el.selectionStart,
              el.selectionEnd,
              marker,
            );
            el.value = w.text;
            el.setSelectionRange(w.start, w.end);
            setText(w.text);
            setCaret(w.end);
          } else if (e.key === "Enter" && !e.shiftKey && !e.isComposing) {
            e.preventDefault();
            send();
          } else if (e.key === "Escape" && p.replying) {
            p.onCancelReply?.();
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
      <input
        ref={fileInput}
        type="file"
        multiple
        hidden
        onChange={(e) => {
          const files = e.currentTarget.files;
          if (files?.length) uploads.add(files);
          e.currentTarget.value = "";
        }}
      />
      <button
        type="button"
        class="chat-attach"
        disabled={!canAttach || disabled}
        onClick={() => fileInput.current?.click()}
        aria-label="Attach files"
        title="Attach files (or drop or paste them)"
      >
        <svg
          viewBox="0 0 24 24"
          width="18"
          height="18"
          aria-hidden="true"
          fill="none"
          stroke="currentColor"
          stroke-width="2"
          stroke-linecap="round"
          stroke-linejoin="round"
        >
          <path d="M21 12.5l-8.5 8.5a6 6 0 0 1-8.5-8.5l9-9a4 4 0 0 1 5.7 5.7l-9 9a2 2 0 0 1-2.8-2.8l8.3-8.3" />
        </svg>
      </button>
      <button type="submit" disabled={disabled || !canSend}>
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
