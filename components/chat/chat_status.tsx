import type { ChatState } from "../../lib/chat/client/state.ts";

/** Where "Log in again" returns to: this page (or /chat on the server). */
function loginNext(): string {
  return typeof location === "undefined" ? "/chat" : location.pathname;
}

/** The socket's state when it is not online: reconnecting/offline or signed out. */
export function ConnectionBanner(
  { connection, onReconnect }: {
    connection: ChatState["connection"];
    onReconnect: () => void;
  },
) {
  return (
    <>
      {(connection === "reconnecting" || connection === "offline") && (
        <div class="chat-banner" role="status">
          {connection === "offline"
            ? "You are offline. Reconnecting…"
            : "Reconnecting…"}{" "}
          <button type="button" onClick={onReconnect}>Retry now</button>
        </div>
      )}
      {connection === "signed-out" && (
        <div class="chat-banner" role="alert">
          You are signed out.{" "}
          <a href={`/login?next=${encodeURIComponent(loginNext())}`}>
            Log in again
          </a>
        </div>
      )}
    </>
  );
}

/** A dismissable error notice (a failed action, a missing original…). */
export function ChatNotice(
  { notice, onDismiss }: { notice: string; onDismiss: () => void },
) {
  return (
    <div class="chat-notice" role="alert">
      {notice} <button type="button" onClick={onDismiss}>Dismiss</button>
    </div>
  );
}

/** The pane shown on /chat before a room is picked. */
export function ChatEmpty(
  { hydrated, onSearch }: { hydrated: boolean; onSearch: () => void },
) {
  return (
    <div class="chat-empty">
      <h1>Chat</h1>
      <p>
        Pick a room on the left, create one, or start a direct message.
      </p>
      <p>
        <button
          type="button"
          disabled={!hydrated}
          onClick={onSearch}
          aria-keyshortcuts="Control+K /"
        >
          Search messages
        </button>{" "}
        <span class="chat-muted">Ctrl+K or /</span>
      </p>
    </div>
  );
}
