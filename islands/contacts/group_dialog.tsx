import { useLayoutEffect, useRef, useState } from "preact/hooks";
import type { Group } from "../../lib/contacts/model.ts";
import { api, ApiError } from "./api.ts";
import { Field } from "./field.tsx";

/**
 * Renaming a group in a modal dialog (instead of the browser's prompt()):
 * the name field has focus, errors such as a taken name show under it,
 * Escape or Cancel closes without a change.
 */
export function GroupRenameDialog(props: {
  group: Group;
  onRenamed: (g: Group) => void;
  onClose: () => void;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const input = useRef<HTMLInputElement>(null);
  const [name, setName] = useState(props.group.name);
  const [error, setError] = useState("");
  const [busy, setBusy] = useState(false);

  // Open and focus in the commit that renders the dialog (no frame where
  // it exists but is closed and focus is still outside).
  useLayoutEffect(() => {
    const opener = document.activeElement as HTMLElement | null;
    ref.current?.showModal();
    input.current?.select();
    const dialog = ref.current;
    return () => {
      // Close before the node goes: removing an open modal moves focus to
      // <body>; then give focus back to what opened the dialog.
      if (dialog?.open) dialog.close();
      if (opener?.isConnected) opener.focus();
    };
  }, []);

  async function submit(e: Event) {
    e.preventDefault();
    if (name.trim() === props.group.name) return ref.current?.close();
    setBusy(true);
    try {
      props.onRenamed(await api.renameGroup(props.group.id, name));
      ref.current?.close();
    } catch (err) {
      const e = err as ApiError;
      setError(e.fields?.name ?? e.message);
    } finally {
      setBusy(false);
    }
  }

  return (
    <dialog
      ref={ref}
      class="small-dialog"
      aria-labelledby="group-rename-title"
      onClose={props.onClose}
    >
      <form onSubmit={submit} noValidate>
        <h2 id="group-rename-title">Rename the group {props.group.name}</h2>
        <Field
          id="group-rename-name"
          label="New group name"
          value={name}
          error={error}
          inputRef={input}
          onInput={setName}
        />
        <div class="actions">
          <button type="submit" class="primary" disabled={busy}>
            Rename
          </button>
          <button type="button" onClick={() => ref.current?.close()}>
            Cancel
          </button>
        </div>
      </form>
    </dialog>
  );
}
