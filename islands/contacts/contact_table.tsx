import { Fragment } from "preact";
import type { Contact, Group } from "../../lib/contacts/model.ts";

/**
 * An email with break opportunities after `@` and dots, so a narrow cell
 * wraps it at those points instead of in the middle of a word.
 */
export function BreakableEmail(props: { value: string }) {
  const parts = props.value.split(/(?<=[@.])/);
  return (
    <>
      {parts.map((p, i) => (
        <Fragment key={i}>
          {i > 0 && <wbr />}
          {p}
        </Fragment>
      ))}
    </>
  );
}

/**
 * The contacts table: a checkbox per row for bulk actions (and one for all
 * shown rows), the main fields, and Edit / Delete per row.
 */
export function ContactTable(props: {
  contacts: Contact[];
  groups: Group[];
  selected: Set<string>;
  onSelect: (ids: string[], on: boolean) => void;
  onEdit: (c: Contact) => void;
  onDelete: (c: Contact) => void;
}) {
  const names = new Map(props.groups.map((g) => [g.id, g.name]));
  const all = props.contacts.length > 0 &&
    props.contacts.every((c) => props.selected.has(c.id));
  const some = props.contacts.some((c) => props.selected.has(c.id));
  return (
    <div class="table-wrap">
      <table class="contacts-table">
        <caption class="sr-only">Contacts</caption>
        <thead>
          <tr>
            <th scope="col" class="select-col">
              <input
                type="checkbox"
                aria-label="Select all shown contacts"
                checked={all}
                ref={(el) => {
                  if (el) el.indeterminate = some && !all;
                }}
                onChange={(e) =>
                  props.onSelect(
                    props.contacts.map((c) => c.id),
                    (e.target as HTMLInputElement).checked,
                  )}
              />
            </th>
            <th scope="col">Name</th>
            <th scope="col">Email</th>
            <th scope="col">Phone</th>
            <th scope="col">Company</th>
            <th scope="col">Groups</th>
            <th scope="col">
              <span class="sr-only">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {props.contacts.map((c) => (
            <tr
              key={c.id}
              class={props.selected.has(c.id) ? "selected" : undefined}
            >
              <td class="select-col">
                <input
                  type="checkbox"
                  aria-label={`Select ${c.name}`}
                  checked={props.selected.has(c.id)}
                  onChange={(e) =>
                    props.onSelect(
                      [c.id],
                      (e.target as HTMLInputElement).checked,
                    )}
                />
              </td>
              <th scope="row" data-label="Name">
                {c.name}
                {c.nickname && <span class="nickname">({c.nickname})</span>}
              </th>
              <td data-label="Email" class="email-cell">
                {c.email && (
                  <a href={`mailto:${c.email}`} title={c.email}>
                    <BreakableEmail value={c.email} />
                  </a>
                )}
              </td>
              <td data-label="Phone" class="phone-cell">{c.phone}</td>
              <td data-label="Company">{c.company}</td>
              <td data-label="Groups">
                {c.groups.map((g) => names.get(g)).filter(Boolean).map((
                  n,
                ) => <span key={n} class="chip small">{n}</span>)}
              </td>
              <td class="row-actions">
                <button
                  type="button"
                  onClick={() => props.onEdit(c)}
                  aria-label={`Edit ${c.name}`}
                >
                  Edit
                </button>
                <button
                  type="button"
                  class="danger"
                  onClick={() => props.onDelete(c)}
                  aria-label={`Delete ${c.name}`}
                >
                  Delete
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
