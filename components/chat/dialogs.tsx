import type { ComponentChildren } from "preact";
import { useEffect, useRef, useState } from "preact/hooks";
import type { RoomSummary } from "../../lib/chat/protocol.ts";

/** Which dialog is open. */
export type DialogKind =
  | "room"
  | "browse"
  | "dm"
  | "member"
  | "leave"
  | null;

/** A modal `<dialog>` (focus trap and Escape come from the browser). */
export function Modal(
  { title, onClose, children }: {
    title: string;
    onClose: () => void;
    children: ComponentChildren;
  },
) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const d = ref.current;
    if (d && !d.open) d.showModal();
    return () => d?.open && d.close();
  }, []);
  return (
    <dialog
      ref={ref}
      class="chat-dialog"
      aria-labelledby="chat-dialog-title"
      onClose={onClose}
      onCancel={onClose}
    >
      <h2 id="chat-dialog-title">{title}</h2>
      {children}
    </dialog>
  );
}

/** A one-field (plus options) form with busy and error states. */
function FormBody(
  { submit, label, onClose, children, field }: {
    submit: (value: string, form: FormData) => Promise<void>;
    label: string;
    field: {
      name: string;
      label: string;
      hint?: string;
      max?: number;
      /** Autocomplete choices: value → label (members by display name). */
      options?: Record<string, string>;
    };
    onClose: () => void;
    children?: ComponentChildren;
  },
) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState("");
  return (
    <form
      method="dialog"
      onSubmit={async (e) => {
        e.preventDefault();
        const fd = new FormData(e.currentTarget);
        const v = String(fd.get(field.name) ?? "").trim();
        if (!v) return setError(`${field.label} is required.`);
        setBusy(true);
        setError("");
        try {
          await submit(v, fd);
          onClose();
        } catch (err) {
          setError((err as Error).message);
          setBusy(false);
        }
      }}
    >
      <label>
        {field.label}
        <input
          name={field.name}
          required
          maxLength={field.max}
          autoComplete="off"
          list={field.options ? "chat-dialog-options" : undefined}
          aria-invalid={error ? "true" : undefined}
          aria-describedby="chat-dialog-error"
        />
      </label>
      {field.options && (
        <datalist id="chat-dialog-options">
          {Object.entries(field.options).map(([value, label]) => (
            <option value={value} label={label}>{label}</option>
          ))}
        </datalist>
      )}
      {field.hint && <p class="chat-help">{field.hint}</p>}
      {children}
      <p id="chat-dialog-error" class="is-error" role="alert">{error}</p>
      <div class="chat-dialog-actions">
        <button type="button" onClick={onClose}>Cancel</button>
        <button type="submit" class="primary" disabled={busy}>
          {busy ? "Working…" : label}
        </button>
      </div>
    </form>
  );
}

/** Create a room: name and visibility. */
export function NewRoomDialog(
  { onCreate, onClose }: {
    onCreate: (name: string, visibility: "public" | "private") => Promise<void>;
    onClose: () => void;
  },
) {
  return (
    <Modal title="Create a room" onClose={onClose}>
      <FormBody
        label="Create"
        field={{ name: "name", label: "Room name", max: 80 }}
        onClose={onClose}
        submit={(name, fd) =>
          onCreate(
            name,
            fd.get("visibility") === "private" ? "private" : "public",
          )}
      >
        <fieldset>
          <legend>Who can join</legend>
          <label class="chat-radio">
            <input type="radio" name="visibility" value="public" checked />{" "}
            Public: anyone can find and join it
          </label>
          <label class="chat-radio">
            <input type="radio" name="visibility" value="private" />{" "}
            Private: only people a member adds
          </label>
        </fieldset>
      </FormBody>
    </Modal>
  );
}

/** Start (or reopen) a direct message with a username. */
export function NewDmDialog(
  { onStart, onClose, people }: {
    onStart: (username: string) => Promise<void>;
    onClose: () => void;
    /** Members to suggest: username → display name. */
    people?: Record<string, string>;
  },
) {
  return (
    <Modal title="Start a direct message" onClose={onClose}>
      <FormBody
        label="Open"
        field={{
          name: "username",
          label: "Username",
          max: 32,
          options: people,
        }}
        onClose={onClose}
        submit={(u) => onStart(u)}
      />
    </Modal>
  );
}

/** Add a member to the open room. */
export function AddMemberDialog(
  { roomName, onAdd, onClose, people }: {
    roomName: string;
    onAdd: (username: string) => Promise<void>;
    onClose: () => void;
    /** Members to suggest: username → display name. */
    people?: Record<string, string>;
  },
) {
  return (
    <Modal title={`Add someone to ${roomName}`} onClose={onClose}>
      <FormBody
        label="Add"
        field={{
          name: "username",
          label: "Username",
          max: 32,
          options: people,
        }}
        onClose={onClose}
        submit={(u) => onAdd(u)}
      />
    </Modal>
  );
}

/** Lists joinable public rooms with a Join button each. */
export function BrowseDialog(
  { load, onJoin, onClose }: {
    load: () => Promise<RoomSummary[]>;
    onJoin: (room: RoomSummary) => Promise<void>;
    onClose: () => void;
  },
) {
  const [rooms, setRooms] = useState<RoomSummary[] | null>(null);
  const [error, setError] = useState("");
  useEffect(() => {
    load().then(setRooms, (e) => setError((e as Error).message));
  }, []);
  return (
    <Modal title="Public rooms" onClose={onClose}>
      {rooms === null && !error && <p class="chat-muted">Loading…</p>}
      {rooms?.length === 0 && (
        <p class="chat-muted">No public rooms to join. Create one!</p>
      )}
      {rooms && rooms.length > 0 && (
        <ul class="chat-browse">
          {rooms.map((r) => (
            <li key={r.id}>
              <span># {r.name}</span>
              <button
                type="button"
                onClick={() =>
                  onJoin(r).then(
                    onClose,
                    (e) => setError((e as Error).message),
                  )}
              >
                Join
              </button>
            </li>
          ))}
        </ul>
      )}
      <p class="is-error" role="alert">{error}</p>
      <div class="chat-dialog-actions">
        <button type="button" onClick={onClose}>Close</button>
      </div>
    </Modal>
  );
}

/** Confirms leaving the open room. */
export function LeaveDialog(
  { roomName, isPrivate, onLeave, onClose }: {
    roomName: string;
    isPrivate: boolean;
    onLeave: () => Promise<void>;
    onClose: () => void;
  },
) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState("");
  return (
    <Modal title={`Leave ${roomName}?`} onClose={onClose}>
      <p>
        {isPrivate
          ? "It is a private room: to come back, a member has to add you again."
          : "It is a public room: you can join it again at any time."}
      </p>
      <p class="is-error" role="alert">{error}</p>
      <div class="chat-dialog-actions">
        <button type="button" onClick={onClose}>Cancel</button>
        <button
          type="button"
          class="primary"
          disabled={busy}
          onClick={async () => {
            setBusy(true);
            try {
              await onLeave();
              onClose();
            } catch (e) {
              setError((e as Error).message);
              setBusy(false);
            }
          }}
        >
          Leave
        </button>
      </div>
    </Modal>
  );
}
