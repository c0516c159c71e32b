import { useEffect, useState } from "preact/hooks";
import type { RoomSummary } from "../../lib/chat/protocol.ts";
import type { Person } from "../../lib/chat/client/api.ts";
import { Modal } from "./dialogs.tsx";

/**
 * The member list beside the messages: display name, presence (live from
 * the socket when known) and role in the room.
 */
export function MemberPanel(
  { roomId, load, presence, me, onClose }: {
    roomId: string;
    load: (id: string) => Promise<Person[]>;
    presence: Record<string, boolean>;
    me: string;
    onClose: () => void;
  },
) {
  const [people, setPeople] = useState<Person[] | null>(null);
  const [error, setError] = useState("");
  useEffect(() => {
    setPeople(null);
    load(roomId).then(setPeople, (e: Error) => setError(e.message));
  }, [roomId]);
  return (
    <aside class="chat-members" aria-labelledby="chat-members-title">
      <header>
        <h2 id="chat-members-title">
          Members{people ? ` (${people.length})` : ""}
        </h2>
        <button type="button" onClick={onClose} aria-label="Close members">
          ✕
        </button>
      </header>
      {error && <p class="is-error" role="alert">{error}</p>}
      {!people && !error && <p class="chat-muted">Loading…</p>}
      {people && (
        <ul>
          {people.map((p) => {
            const online = presence[p.username] ?? p.online;
            return (
              <li key={p.username}>
                <span
                  class={"chat-presence" + (online ? " is-online" : "")}
                  aria-hidden="true"
                />
                <span class="chat-member-name">
                  {p.displayName ?? p.username}
                  {p.username === me ? " (you)" : ""}
                </span>
                <span class="sr-only">{online ? ", online" : ", offline"}</span>
                {p.role === "creator" && <span class="chat-role">creator</span>}
              </li>
            );
          })}
        </ul>
      )}
    </aside>
  );
}

/**
 * Room settings: rename, topic (≤ 250), archive or unarchive (creator or
 * admin; the server says no otherwise), mute (notification level `none`)
 * and leave-and-block.
 */
export function RoomSettingsDialog(
  { room, onSave, onMute, onBlock, onClose }: {
    room: RoomSummary;
    onSave: (
      patch: { name?: string; topic?: string; archived?: boolean },
    ) => Promise<void>;
    /** Absent until the notification settings endpoint exists (issue 11). */
    onMute?: (muted: boolean) => Promise<void>;
    onBlock: () => Promise<void>;
    onClose: () => void;
  },
) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState("");
  const [done, setDone] = useState("");
  const [name, setName] = useState(room.name);
  const [topic, setTopic] = useState(room.topic ?? "");
  const run = async (fn: () => Promise<void>, ok: string, close = false) => {
    setBusy(true);
    setError("");
    setDone("");
    try {
      await fn();
      if (close) onClose();
      else setDone(ok);
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal title={`Room settings: ${room.name}`} onClose={onClose}>
      <form
        method="dialog"
        onSubmit={(e) => {
          e.preventDefault();
          const patch: { name?: string; topic?: string } = {};
          if (name.trim() !== room.name) patch.name = name.trim();
          if (topic.trim() !== (room.topic ?? "")) patch.topic = topic.trim();
          if (!Object.keys(patch).length) return onClose();
          run(() => onSave(patch), "", true);
        }}
      >
        <label>
          Name
          <input
            name="name"
            required
            maxLength={80}
            value={name}
            onInput={(e) => setName(e.currentTarget.value)}
          />
        </label>
        <label>
          Topic
          <input
            name="topic"
            maxLength={250}
            value={topic}
            onInput={(e) => setTopic(e.currentTarget.value)}
            aria-describedby="chat-topic-hint"
          />
        </label>
        <p id="chat-topic-hint" class="chat-help">
          Up to 250 characters, shown under the room name.
        </p>
        {error && <p class="is-error" role="alert">{error}</p>}
        {done && <p role="status">{done}</p>}
        <div class="chat-dialog-actions">
          <button type="submit" disabled={busy}>Save</button>
          <button type="button" onClick={onClose}>Cancel</button>
        </div>
        <fieldset class="chat-dialog-more">
          <legend>More</legend>
          {onMute && (
            <>
              <button
                type="button"
                disabled={busy}
                onClick={() =>
                  run(() => onMute!(true), "Muted: no notifications.")}
              >
                Mute notifications
              </button>{" "}
              <button
                type="button"
                disabled={busy}
                onClick={() =>
                  run(() => onMute!(false), "Notifications back on.")}
              >
                Unmute
              </button>
              {" "}
            </>
          )}
          <button
            type="button"
            disabled={busy}
            onClick={() =>
              run(
                () => onSave({ archived: !room.archived }),
                room.archived ? "Unarchived." : "Archived: read-only.",
              )}
          >
            {room.archived ? "Unarchive room" : "Archive room"}
          </button>{" "}
          <button
            type="button"
            disabled={busy}
            class="is-danger"
            onClick={() => run(onBlock, "", true)}
          >
            Leave and block
          </button>
        </fieldset>
      </form>
    </Modal>
  );
}
