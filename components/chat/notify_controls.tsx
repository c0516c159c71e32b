import type { NotifyLevel } from "../../lib/chat/protocol.ts";

/** The room header's notification level picker. */
export function NotifySelect(
  { level, disabled, onChange }: {
    level: NotifyLevel;
    disabled?: boolean;
    onChange: (level: NotifyLevel) => void;
  },
) {
  return (
    <label class="chat-notify">
      <span class="sr-only">Notifications for this room</span>
      <select
        value={level}
        disabled={disabled}
        title="Notifications for this room"
        onChange={(e) => onChange(e.currentTarget.value as NotifyLevel)}
      >
        <option value="all">🔔 All messages</option>
        <option value="mentions">@ Mentions only</option>
        <option value="none">🔕 Muted</option>
      </select>
    </label>
  );
}

/** The one-time offer to turn on desktop notifications (never asked on load). */
export function NotifyBanner(
  { onEnable, onDismiss, sound, onSound }: {
    onEnable: () => void;
    onDismiss: () => void;
    sound: boolean;
    onSound: (on: boolean) => void;
  },
) {
  return (
    <div
      class="chat-banner chat-notify-banner"
      role="region"
      aria-label="Desktop notifications"
    >
      <span>
        Get a desktop notification when someone mentions you or sends you a
        direct message?
      </span>{" "}
      <button type="button" onClick={onEnable}>Enable notifications</button>
      {" "}
      <label>
        <input
          type="checkbox"
          checked={sound}
          onChange={(e) => onSound(e.currentTarget.checked)}
        />{" "}
        with a sound
      </label>{" "}
      <button type="button" onClick={onDismiss}>Not now</button>
    </div>
  );
}

/** "Jump to first unread" / "N new messages below" over the message pane. */
export function UnreadPill(
  { label, below, onClick }: {
    label: string;
    below?: boolean;
    onClick: () => void;
  },
) {
  return (
    <button
      type="button"
      class={"chat-pill" + (below ? " is-below" : "")}
      onClick={onClick}
    >
      {label}
    </button>
  );
}
