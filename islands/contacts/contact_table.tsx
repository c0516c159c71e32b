import { useState } from "preact/hooks";
import type { Contact, Group } from "../../lib/contacts/model.ts";
import { api, ApiError } from "./api.ts";
import { Field, fieldErrors } from "./field.tsx";

type Draft = { name: string; email: string; phone: string; company: string };

function EditRow(props: {
  contact: Contact;
  onSaved: (c: Contact) => void;
  onCancel: () => void;
}) {
  const c = props.contact;
  const [d, setD] = useState<Draft>({
    name: c.name,
    email: c.email,
    phone: c.phone ?? "",
    company: c.company ?? "",
  });
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);
  const set = (k: keyof Draft) => (v: string) => setD({ ...d, [k]: v });
  async function save() {
    setBusy(true);
    try {
      props.onSaved(await api.update(c.id, d));
    } catch (err) {
      const e = err as ApiError;
      const f = fieldErrors(e.fields);
      setErrors(Object.keys(f).length ? f : { name: e.message });
    } finally {
      setBusy(false);
    }
  }
  const keys = (e: KeyboardEvent) => {
    if (e.key === "Enter") {
      e.preventDefault();
      save();
    } else if (e.key === "Escape") props.onCancel();
  };
  const cell = (
    k: keyof Draft,
    label: string,
    type = "text",
    first = false,
  ) => (
    <td data-label={label}>
      <Field
        id={`edit-${k}-${c.id}`}
        label={`${label} of ${c.name}`}
        hideLabel
        type={type}
        value={d[k]}
        error={errors[k]}
        autoFocus={first}
        onInput={set(k)}
        onKeyDown={keys}
      />
    </td>
  );
  return (
    <tr class="editing">
      {cell("name", "Name", "text", true)}
      {cell("email", "Email", "email")}
      {cell("phone", "Phone", "tel")}
      {cell("company", "Company")}
      <td data-label="Groups"></td>
      <td class="row-actions">
        <button type="button" class="primary" onClick={save} disabled={busy}>
          Save
        </button>
        <button type="button" onClick={props.onCancel}>Cancel</button>
      </td>
    </tr>
  );
}

/** The contacts table: inline edit (Enter saves, Escape cancels) and delete. */
export function ContactTable(props: {
  contacts: Contact[];
  groups: Group[];
  onSaved: (c: Contact) => void;
  onDelete: (c: Contact) => void;
}) {
  const [editing, setEditing] = useState<string | null>(null);
  const names = new Map(props.groups.map((g) => [g.id, g.name]));
  return (
    <table class="contacts-table">
      <caption class="sr-only">Contacts</caption>
      <thead>
        <tr>
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
        {props.contacts.map((c) =>
          editing === c.id
            ? (
              <EditRow
                key={c.id}
                contact={c}
                onCancel={() => setEditing(null)}
                onSaved={(saved) => {
                  setEditing(null);
                  props.onSaved(saved);
                }}
              />
            )
            : (
              <tr key={c.id}>
                <th scope="row" data-label="Name">{c.name}</th>
                <td data-label="Email">
                  {c.email && <a href={`mailto:${c.email}`}>{c.email}</a>}
                </td>
                <td data-label="Phone">{c.phone}</td>
                <td data-label="Company">{c.company}</td>
                <td data-label="Groups">
                  {c.groups.map((g) => names.get(g)).filter(Boolean).map((
                    n,
                  ) => <span key={n} class="chip small">{n}</span>)}
                </td>
                <td class="row-actions">
                  <button
                    type="button"
                    onClick={() => setEditing(c.id)}
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
            )
        )}
      </tbody>
    </table>
  );
}
