import { useState } from "preact/hooks";
import type { Group } from "../../lib/contacts/model.ts";

/** The bulk actions on the selected contacts. */
export type BulkChoice = "add_to_group" | "remove_from_group" | "delete";

/**
 * Shown while contacts are selected: how many, a group picker with "Add to
 * group" and "Remove from group", "Delete selected" and "Clear selection".
 */
export function BulkBar(props: {
  count: number;
  groups: Group[];
  busy: boolean;
  onAction: (action: BulkChoice, groupId?: string) => void;
  onClear: () => void;
}) {
  const [groupId, setGroupId] = useState("");
  const group = props.groups.some((g) => g.id === groupId) ? groupId : "";
  return (
    <div class="bulk-bar" role="region" aria-label="Bulk actions">
      <strong>{props.count} selected</strong>
      {props.groups.length > 0 && (
        <>
          <label for="bulk-group" class="sr-only">Group</label>
          <select
            id="bulk-group"
            value={group}
            onChange={(e) => setGroupId((e.target as HTMLSelectElement).value)}
          >
            <option value="">Choose a group…</option>
            {props.groups.map((g) => (
              <option key={g.id} value={g.id}>{g.name}</option>
            ))}
          </select>
          <button
            type="button"
            disabled={!group || props.busy}
            onClick={() => props.onAction("add_to_group", group)}
          >
            Add to group
          </button>
          <button
            type="button"
            disabled={!group || props.busy}
            onClick={() => props.onAction("remove_from_group", group)}
          >
            Remove from group
          </button>
        </>
      )}
      <button
        type="button"
        class="danger"
        disabled={props.busy}
        onClick={() => props.onAction("delete")}
      >
        Delete selected
      </button>
      <button type="button" class="link" onClick={props.onClear}>
        Clear selection
      </button>
    </div>
  );
}
