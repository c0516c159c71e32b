import type { NotifyLevel, RoomSummary } from "../../lib/chat/protocol.ts";
import { LockIcon } from "./room_sidebar.tsx";
import { NotifySelect } from "./notify_controls.tsx";

/** Props of {@link RoomHeader}. */
export interface RoomHeaderProps {
  /** The open room. */
  room: RoomSummary;
  /** Whether the island has hydrated (buttons are disabled before). */
  hydrated: boolean;
  /** Whether the socket is online (presence is unknown otherwise). */
  online: boolean;
  /** The DM peer's presence, or undefined for rooms. */
  peerOnline: boolean | undefined;
  /** Whether the member panel is shown. */
  showMembers: boolean;
  onToggleMembers: () => void;
  /** Back to the room list (phone width). */
  onBack: () => void;
  onSearch: () => void;
  onNotify: (level: NotifyLevel) => void;
  onAddPeople: () => void;
  onSettings: () => void;
  onLeave: () => void;
}

/** The DM peer's presence badge: online, offline or unknown while offline. */
function PeerStatus(
  { peerOnline, unknown }: { peerOnline: boolean; unknown: boolean },
) {
  return (
    <span
      class={"chat-peer" +
        (unknown ? " is-unknown" : peerOnline ? " is-online" : "")}
    >
      {unknown ? "status unknown" : peerOnline ? "online" : "offline"}
    </span>
  );
}

/** The open room's header: back link, name, topic and the room's actions. */
export function RoomHeader(props: RoomHeaderProps) {
  const { room: active, hydrated } = props;
  const isRoom = active.visibility !== "direct";
  return (
    <header class="chat-header">
      <a
        class="chat-back"
        href="/chat"
        onClick={(e) => {
          if (!hydrated) return;
          e.preventDefault();
          props.onBack();
        }}
      >
        <span aria-hidden="true">←</span>{" "}
        <span class="chat-back-label">Rooms</span>
      </a>
      <h1>
        <span class="chat-room-icon" aria-hidden="true">
          {active.visibility === "direct"
            ? "@"
            : active.visibility === "private"
            ? <LockIcon />
            : "#"}
        </span>
        {active.name}
      </h1>
      {props.peerOnline !== undefined && (
        <PeerStatus
          peerOnline={props.peerOnline}
          unknown={!props.online && hydrated}
        />
      )}
      {active.topic && (
        <p class="chat-topic" title={active.topic}>{active.topic}</p>
      )}
      {active.archived && <span class="chat-archived">archived</span>}
      {isRoom && (
        <button
          type="button"
          disabled={!hydrated}
          aria-pressed={props.showMembers}
          onClick={props.onToggleMembers}
        >
          Members
        </button>
      )}
      <button
        type="button"
        disabled={!hydrated}
        onClick={props.onSearch}
        aria-keyshortcuts="Control+K /"
        title="Search messages (Ctrl+K or /)"
      >
        Search
      </button>
      {isRoom && (
        <NotifySelect
          level={active.notify ?? "mentions"}
          disabled={!hydrated}
          onChange={props.onNotify}
        />
      )}
      {isRoom && (
        <button type="button" disabled={!hydrated} onClick={props.onAddPeople}>
          Add people
        </button>
      )}
      {isRoom && (
        <button
          type="button"
          disabled={!hydrated}
          aria-haspopup="dialog"
          onClick={props.onSettings}
        >
          Room settings
        </button>
      )}
      {isRoom && (
        <button type="button" disabled={!hydrated} onClick={props.onLeave}>
          Leave
        </button>
      )}
    </header>
  );
}
