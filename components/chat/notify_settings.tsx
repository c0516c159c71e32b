import { useEffect, useState } from "preact/hooks";
import { call } from "../../lib/chat/client/api.ts";

/** Props of {@link NotifySettings}. */
export interface NotifySettingsProps {
  /** Asks for the desktop-notification permission (from this button only). */
  onEnable: () => void;
  sound: boolean;
  onSound: (on: boolean) => void;
}

type Digest = "default" | "off" | "15m" | "1h" | "daily";

/**
 * The sidebar's notification settings: desktop notifications (asked from
 * a button, never on load), the sound, and the missed-mention mail.
 */
export function NotifySettings(p: NotifySettingsProps) {
  const [digest, setDigest] = useState<Digest | null>(null);
  const [defaultMinutes, setDefaultMinutes] = useState(15);
  const [status, setStatus] = useState("");
  const [perm, setPerm] = useState<string>("unsupported");
  useEffect(() => {
    if (typeof Notification !== "undefined") setPerm(Notification.permission);
    call<{ digest: Digest; defaultMinutes: number }>("/api/me/digest").then(
      (r) => {
        setDigest(r.digest);
        setDefaultMinutes(r.defaultMinutes);
      },
      () => setStatus("Could not load the mail setting."),
    );
  }, []);
  const change = async (value: Digest) => {
    const before = digest;
    setDigest(value);
    try {
      await call("/api/me/digest", {
        method: "PATCH",
        body: { digest: value },
      });
      setStatus("Saved.");
    } catch (e) {
      setDigest(before);
      setStatus((e as Error).message);
    }
  };
  return (
    <details class="chat-notify-settings">
      <summary>Notification settings</summary>
      <div class="chat-notify-settings-body">
        <p>
          Desktop notifications: {perm === "granted"
            ? "on"
            : perm === "denied"
            ? "blocked in the browser"
            : perm === "unsupported"
            ? "not available"
            : (
              <button
                type="button"
                onClick={() => {
                  p.onEnable();
                  setTimeout(() => setPerm(Notification.permission), 500);
                }}
              >
                Enable
              </button>
            )}
        </p>
        <label>
          <input
            type="checkbox"
            checked={p.sound}
            onChange={(e) => p.onSound(e.currentTarget.checked)}
          />{" "}
          Play a sound
        </label>
        <label class="chat-digest">
          Email me about unread mentions and DMs
          <select
            value={digest === "default" || digest === null ? "" : digest}
            disabled={digest === null}
            onChange={(e) => change((e.currentTarget.value || "15m") as Digest)}
          >
            {digest === "default" && (
              <option value="">after {defaultMinutes} min (default)</option>
            )}
            <option value="15m">after 15 minutes</option>
            <option value="1h">after 1 hour</option>
            <option value="daily">after a day</option>
            <option value="off">never</option>
          </select>
        </label>
        <p class="chat-muted" role="status">{status}</p>
      </div>
    </details>
  );
}
