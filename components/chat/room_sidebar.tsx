import type { ComponentChildren } from "preact";
import type { RoomSummary } from "../../lib/chat/protocol.ts";

/** A sidebar heading with its "+" button. */
function SectionHead(
  p: {
    id: string;
    title: string;
    action: string;
    onAction?: () => void;
    disabled: boolean;
  },
) {
  return (
    <div class="chat-sidebar-head">
      <h2 id={p.id}>{p.title}</h2>
      <button
        type="button"
        class="chat-icon-btn"
        onClick={p.onAction}
        disabled={p.disabled}
        aria-label={p.action}
        title={p.action}
      >
        +
      </button>
    </div>
  );
}

/** Props of {@link RoomSidebar}. */
export interface RoomSidebarProps {
  rooms: RoomSummary[];
  active: string | null;
  presence: Record<string, boolean>;
  /** Client-side navigation; without it links load the page. */
  onOpen?: (id: string, e: MouseEvent) => void;
  onNewRoom?: () => void;
  onBrowse?: () => void;
  onNewDm?: () => void;
  /** False until the island is interactive (buttons need JavaScript). */
  interactive?: boolean;
  /** False while my own socket is disconnected: others' presence is unknown (grey). */
  presenceKnown?: boolean;
  /** "Mark all as read" (Shift+Esc). */
  onMarkAllRead?: () => void;
  /** Shown at the end of the sidebar (notification settings). */
  footer?: ComponentChildren;
}

/** A small padlock for private rooms (no emoji font needed). */
export function LockIcon() {
  return (
    <svg class="chat-lock" viewBox="0 0 16 16" aria-hidden="true">
      <path
        fill="currentColor"
        d="M4 7V5a4 4 0 1 1 8 0v2h1v8H3V7h1zm2 0h4V5a2 2 0 1 0-4 0v2z"
      />
    </svg>
  );
}

function RoomLink(
  { room, active, online, onOpen, known = true }: {
    room: RoomSummary;
    active: boolean;
    online?: boolean;
    known?: boolean;
    onOpen?: RoomSidebarProps["onOpen"];
  },
) {
  const direct = room.visibility === "direct";
  return (
    <li>
      <a
        class={"chat-room" + (active ? " is-active" : "") +
          (room.unread ? " has-unread" : "") +
          (room.notify === "none" ? " is-muted" : "")}
        href={`/chat/${encodeURIComponent(room.id)}`}
        aria-current={active ? "page" : undefined}
        onClick={onOpen ? (e) => onOpen(room.id, e) : undefined}
        data-room={room.id}
      >
        {direct
          ? (
            <span
              class={"chat-presence" +
                (!known ? " is-unknown" : online ? " is-online" : "")}
              title={!known
                ? "Status unknown (you are offline)"
                : online
                ? "Online"
                : "Offline"}
            >
              <span class="sr-only">
                {!known ? "status unknown" : online ? "online" : "offline"}
              </span>
            </span>
          )
          : (
            <span class="chat-room-icon" aria-hidden="true">
              {room.visibility === "private" ? <LockIcon /> : "#"}
            </span>
          )}
        <span class="chat-room-name">{room.name}</span>
        {room.unread > 0 && (
          <span class="chat-badge">
            {room.unread > 99 ? "99+" : room.unread}
            <span class="sr-only">unread</span>
          </span>
        )}
        {(room.mentions ?? 0) > 0 && (
          <span class="chat-badge is-mention">
            @{room.mentions! > 99 ? "99+" : room.mentions}
            <span class="sr-only">
              {room.mentions === 1 ? "mention" : "mentions"}
            </span>
          </span>
        )}
        {room.notify === "none" && <span class="sr-only">(muted)</span>}
      </a>
    </li>
  );
}

/** The list of my rooms and direct messages, with unread badges and presence. */
export function RoomSidebar(p: RoomSidebarProps) {
  const rooms = p.rooms.filter((r) => r.visibility !== "direct");
  const dms = p.rooms.filter((r) => r.visibility === "direct");
  const off = !p.interactive;
  return (
    <nav class="chat-sidebar" aria-label="Rooms and direct messages">
      <SectionHead
        id="chat-rooms-h"
        title="Rooms"
        action="Create a room"
        onAction={p.onNewRoom}
        disabled={off}
      />
      <ul class="chat-room-list" aria-labelledby="chat-rooms-h">
        {rooms.map((r) => (
          <RoomLink
            key={r.id}
            room={r}
            active={r.id === p.active}
            onOpen={p.onOpen}
          />
        ))}
      </ul>
      <button
        type="button"
        class="chat-link-btn"
        onClick={p.onBrowse}
        disabled={off}
      >
        Browse public rooms
      </button>
      <SectionHead
        id="chat-dms-h"
        title="Direct messages"
        action="Start a direct message"
        onAction={p.onNewDm}
        disabled={off}
      />
      <ul class="chat-room-list" aria-labelledby="chat-dms-h">
        {dms.map((r) => (
          <RoomLink
            key={r.id}
            room={r}
            active={r.id === p.active}
            online={p.presence[r.name]}
            known={p.presenceKnown ?? true}
            onOpen={p.onOpen}
          />
        ))}
      </ul>
      {p.onMarkAllRead && p.rooms.some((r) => r.unread > 0) && (
        <button
          type="button"
          class="chat-link-btn"
          onClick={p.onMarkAllRead}
          disabled={off}
          aria-keyshortcuts="Shift+Escape"
          title="Shift+Esc"
        >
          Mark all as read
        </button>
      )}
      {rooms.length === 0 && dms.length === 0 && (
        <p class="chat-muted">
          No rooms yet. Create one or browse public rooms.
        </p>
      )}
      {p.footer}
    </nav>
  );
}
