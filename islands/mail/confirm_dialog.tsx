import { useEffect, useRef } from "preact/hooks";
import type { ComponentChildren } from "preact";

/**
 * A modal confirmation (native `<dialog>`: focus trapped, Escape cancels).
 * The confirm button gets the focus when it opens.
 */
export function ConfirmDialog(
  { open, title, children, confirmLabel, danger, onConfirm, onCancel }: {
    open: boolean;
    title: string;
    children: ComponentChildren;
    confirmLabel: string;
    danger?: boolean;
    onConfirm: () => void;
    onCancel: () => void;
  },
) {
  const ref = useRef<HTMLDialogElement>(null);
  const ok = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (open && !d.open) {
      d.showModal();
      ok.current?.focus();
    } else if (!open && d.open) d.close();
  }, [open]);
  return (
    <dialog
      ref={ref}
      class="confirm-dialog"
      aria-labelledby="confirm-title"
      onCancel={(e) => {
        e.preventDefault();
        onCancel();
      }}
    >
      <h2 id="confirm-title">{title}</h2>
      <div class="confirm-body">{children}</div>
      <div class="actions">
        <button type="button" onClick={onCancel}>Cancel</button>
        <button
          ref={ok}
          type="button"
          class={danger ? "danger" : "primary"}
          onClick={onConfirm}
        >
          {confirmLabel}
        </button>
      </div>
    </dialog>
  );
}
