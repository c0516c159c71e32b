import { useState } from "preact/hooks";
import type { Group } from "../../lib/contacts/model.ts";
import { api, ApiError } from "./api.ts";
import { GroupRenameDialog } from "./group_dialog.tsx";

/**
 * The group chips (filter), "Rename this group" (a dialog), "Delete this
 * group" and the new-group form.
 */
export function GroupBar(props: {
  groups: Group[];
  group: string;
  /** Picks a group filter; `keepStatus` keeps the status line as it is. */
  onGroup: (id: string, keepStatus?: boolean) => void;
  onGroups: (groups: Group[]) => void;
  onStatus: (text: string) => void;
}) {
  const [newGroup, setNewGroup] = useState("");
  const [groupError, setGroupError] = useState("");
  const [renaming, setRenaming] = useState<Group | null>(null);
  const current = props.groups.find((x) => x.id === props.group);

  async function addGroup(e: Event) {
    e.preventDefault();
    try {
      const g = await api.createGroup(newGroup);
      props.onGroups(await api.groups());
      setNewGroup("");
      setGroupError("");
      props.onStatus(`Group ${g.name} created.`);
    } catch (err) {
      setGroupError((err as ApiError).message);
    }
  }

  async function dropGroup() {
    const g = current;
    if (!g || !confirm(`Delete the group "${g.name}"? Its contacts stay.`)) {
      return;
    }
    try {
      await api.deleteGroup(g.id);
      props.onGroups(await api.groups());
      props.onGroup("", true);
      props.onStatus(`Group ${g.name} deleted; its contacts stay.`);
    } catch (err) {
      props.onStatus((err as Error).message);
    }
  }

  return (
    <div class="chips" role="group" aria-label="Filter by group">
      <button
        type="button"
        class="chip"
        aria-pressed={props.group === ""}
        onClick={() => props.onGroup("")}
      >
        All
      </button>
      {props.groups.map((g) => (
        <button
          key={g.id}
          type="button"
          class="chip"
          aria-pressed={props.group === g.id}
          onClick={() => props.onGroup(g.id)}
        >
          {g.name}
        </button>
      ))}
      {current && (
        <>
          <button
            type="button"
            class="link"
            onClick={() => setRenaming(current)}
          >
            Rename this group
          </button>
          <button type="button" class="link danger" onClick={dropGroup}>
            Delete this group
          </button>
        </>
      )}
      <form class="new-group" onSubmit={addGroup}>
        <label for="new-group" class="sr-only">New group name</label>
        <input
          id="new-group"
          placeholder="New group"
          value={newGroup}
          aria-invalid={groupError ? "true" : undefined}
          aria-describedby={groupError ? "new-group-error" : undefined}
          onInput={(e) => setNewGroup((e.target as HTMLInputElement).value)}
        />
        <button type="submit">Add group</button>
        {groupError && (
          <p id="new-group-error" class="field-error">{groupError}</p>
        )}
      </form>
      {renaming && (
        <GroupRenameDialog
          group={renaming}
          onClose={() => setRenaming(null)}
          onRenamed={async (g) => {
            props.onGroups(await api.groups());
            props.onStatus(`Group renamed to ${g.name}.`);
          }}
        />
      )}
    </div>
  );
}
