import type { RoomSummary } from "../../lib/chat/protocol.ts";
import type { ChatActions } from "../../lib/chat/client/use_chat.ts";
import {
  AddMemberDialog,
  BrowseDialog,
  type DialogKind,
  LeaveDialog,
  NewDmDialog,
  NewRoomDialog,
} from "./dialogs.tsx";

/** Members to suggest in the DM and add-people dialogs (not me, not gone). */
export function suggestions(
  names: Record<string, string> | undefined,
  me: string,
): Record<string, string> | undefined {
  if (!names) return undefined;
  return Object.fromEntries(
    Object.entries(names).filter(([u, n]) =>
      u !== me && n !== "deleted user" && !n.endsWith("(deactivated)")
    ),
  );
}

/** Props of {@link ChatDialogs}. */
export interface ChatDialogsProps {
  /** Which dialog is open, or null for none. */
  dialog: DialogKind;
  /** The open room (the leave and add-people dialogs act on it). */
  active: RoomSummary | null;
  me: string;
  /** Display names by username, for suggestions. */
  names?: Record<string, string>;
  actions: Pick<
    ChatActions,
    "createRoom" | "startDm" | "browse" | "join" | "leave" | "addMember"
  >;
  onClose: () => void;
}

/** The sidebar's and header's modal dialogs: new room, DM, browse, leave, add people. */
export function ChatDialogs(
  { dialog, active, me, names, actions, onClose }: ChatDialogsProps,
) {
  return (
    <>
      {dialog === "room" && (
        <NewRoomDialog onCreate={actions.createRoom} onClose={onClose} />
      )}
      {dialog === "dm" && (
        <NewDmDialog
          onStart={actions.startDm}
          people={suggestions(names, me)}
          onClose={onClose}
        />
      )}
      {dialog === "browse" && (
        <BrowseDialog
          load={actions.browse}
          onJoin={actions.join}
          onClose={onClose}
        />
      )}
      {dialog === "leave" && active && (
        <LeaveDialog
          roomName={active.name}
          isPrivate={active.visibility === "private"}
          onLeave={() => actions.leave(active.id)}
          onClose={onClose}
        />
      )}
      {dialog === "member" && active && (
        <AddMemberDialog
          roomName={active.name}
          onAdd={actions.addMember}
          people={suggestions(names, me)}
          onClose={onClose}
        />
      )}
    </>
  );
}
