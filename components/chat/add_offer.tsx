/** After sending: "@x is not in this room… Add to room?" for mentioned non-members. */
export function AddOffer(
  { names, onAdd, onDismiss, onError }: {
    names: string[];
    onAdd: (username: string) => Promise<unknown>;
    onDismiss: () => void;
    onError: (text: string) => void;
  },
) {
  const one = names.length === 1;
  return (
    <div class="chat-notice" role="status">
      <span>
        {names.map((n) => "@" + n).join(", ")} {one ? "is" : "are"}{" "}
        not in this room, so they were not notified. Add{" "}
        {one ? "them" : "them all"}?
      </span>{" "}
      <button
        type="button"
        onClick={async () => {
          onDismiss();
          for (const n of names) {
            try {
              await onAdd(n);
            } catch (e) {
              onError(`@${n}: ${(e as Error).message}`);
            }
          }
        }}
      >
        Add to room
      </button>{" "}
      <button type="button" onClick={onDismiss}>Dismiss</button>
    </div>
  );
}
