import { useEffect, useRef, useState } from "preact/hooks";
import type { ShownMessage } from "../../lib/chat/client/state.ts";

/** Inline editor of my message `m`: Enter saves, Escape cancels. */
export function EditForm(
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
