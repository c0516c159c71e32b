import { useEffect, useRef, useState } from "preact/hooks";
import type { Contact, Group } from "../lib/contacts/model.ts";
import { api, ApiError } from "./contacts/api.ts";
import { ContactForm } from "./contacts/contact_form.tsx";
import { ContactTable } from "./contacts/contact_table.tsx";
import { ImportDialog } from "./contacts/import_dialog.tsx";

/** Props: the first page and the groups, rendered on the server. */
export interface ContactsAppProps {
  contacts: Contact[];
  cursor: string;
  groups: Group[];
}

/**
 * The contacts page: search as you type, group chips, the table with inline
 * edit and delete (with undo), the new-contact form, import and export.
 */
export function ContactsApp(props: ContactsAppProps) {
  const [q, setQ] = useState("");
  const [group, setGroup] = useState("");
  const [contacts, setContacts] = useState(props.contacts);
  const [cursor, setCursor] = useState(props.cursor);
  const [groups, setGroups] = useState(props.groups);
  const [showForm, setShowForm] = useState(false);
  const [importing, setImporting] = useState(false);
  const [status, setStatus] = useState("");
  const [undo, setUndo] = useState<Contact | null>(null);
  const [newGroup, setNewGroup] = useState("");
  const [groupError, setGroupError] = useState("");
  const seq = useRef(0);
  const first = useRef(true);
  const undoRef = useRef<HTMLButtonElement>(null);

  /** Reloads the list; `announce` says the count in the status line. */
  async function load(reset = true, announce = reset) {
    const mine = ++seq.current;
    try {
      const page = await api.list(q, group, reset ? "" : cursor);
      if (mine !== seq.current) return; // a newer search answered first
      setContacts(reset ? page.contacts : [...contacts, ...page.contacts]);
      setCursor(page.cursor);
      if (announce) {
        const n = page.contacts.length;
        setStatus(
          n === 0
            ? "No contacts match."
            : `${n}${page.cursor ? "+" : ""} contact${
              n === 1 && !page.cursor ? "" : "s"
            } shown.`,
        );
      }
    } catch (err) {
      setStatus((err as Error).message);
    }
  }

  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    const t = setTimeout(() => load(), 150);
    return () => clearTimeout(t);
  }, [q, group]);

  useEffect(() => {
    if (!undo) return;
    undoRef.current?.focus(); // the deleted row's button is gone
    const t = setTimeout(() => setUndo(null), 10_000);
    return () => clearTimeout(t);
  }, [undo]);

  async function remove(c: Contact) {
    try {
      await api.remove(c.id);
      setContacts((cs) => cs.filter((x) => x.id !== c.id));
      setUndo(c);
      setStatus(`Deleted ${c.name}.`);
    } catch (err) {
      setStatus((err as Error).message);
    }
  }

  async function restore() {
    if (!undo) return;
    const {
      id: _i,
      createdAt: _c,
      updatedAt: _u,
      email: _e,
      phone: _p,
      ...input
    } = undo;
    try {
      const c = await api.create(input);
      setUndo(null);
      setStatus(`Restored ${c.name}.`);
      await load(true, false);
    } catch (err) {
      setStatus((err as Error).message);
    }
  }

  async function addGroup(e: Event) {
    e.preventDefault();
    try {
      const g = await api.createGroup(newGroup);
      setGroups(await api.groups());
      setNewGroup("");
      setGroupError("");
      setStatus(`Group ${g.name} created.`);
    } catch (err) {
      setGroupError((err as ApiError).message);
    }
  }

  async function renameGroup() {
    const g = groups.find((x) => x.id === group);
    const name = g && prompt(`New name for the group "${g.name}":`, g.name);
    if (!g || !name || name === g.name) return;
    try {
      await api.renameGroup(g.id, name);
      setGroups(await api.groups());
      setStatus(`Group renamed to ${name.trim()}.`);
    } catch (err) {
      setStatus((err as Error).message);
    }
  }

  async function dropGroup() {
    const g = groups.find((x) => x.id === group);
    if (!g || !confirm(`Delete the group "${g.name}"? Its contacts stay.`)) {
      return;
    }
    await api.deleteGroup(g.id);
    setGroups(await api.groups());
    setGroup("");
    setStatus(`Group ${g.name} deleted; its contacts stay.`);
  }

  return (
    <div class="contacts-app">
      <div class="toolbar">
        <div class="search">
          <label for="contact-search" class="sr-only">Search contacts</label>
          <input
            id="contact-search"
            type="search"
            placeholder="Search name, email, company, phone"
            value={q}
            onInput={(e) => setQ((e.target as HTMLInputElement).value)}
          />
        </div>
        <div class="toolbar-actions">
          <button
            type="button"
            class="primary"
            onClick={() => setShowForm(!showForm)}
            aria-expanded={showForm}
          >
            New contact
          </button>
          <button type="button" onClick={() => setImporting(true)}>
            Import…
          </button>
          <a class="button" href="/api/contacts/export?format=csv" download>
            Export CSV
          </a>
          <a class="button" href="/api/contacts/export?format=vcard" download>
            Export vCard
          </a>
        </div>
      </div>
      <div class="chips" role="group" aria-label="Filter by group">
        <button
          type="button"
          class="chip"
          aria-pressed={group === ""}
          onClick={() => setGroup("")}
        >
          All
        </button>
        {groups.map((g) => (
          <button
            key={g.id}
            type="button"
            class="chip"
            aria-pressed={group === g.id}
            onClick={() => setGroup(g.id)}
          >
            {g.name}
          </button>
        ))}
        {group && (
          <>
            <button type="button" class="link" onClick={renameGroup}>
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
      </div>
      {showForm && (
        <ContactForm
          groups={groups}
          onCancel={() => setShowForm(false)}
          onCreated={(c) => {
            setShowForm(false);
            setStatus(`Added ${c.name}.`);
            load(true, false);
          }}
        />
      )}
      <p class="status" role="status" aria-live="polite">
        {status}
        {undo && (
          <button
            ref={undoRef}
            type="button"
            class="link undo"
            onClick={restore}
          >
            Undo
          </button>
        )}
      </p>
      <ContactTable
        contacts={contacts}
        groups={groups}
        onDelete={remove}
        onSaved={(c) => {
          setContacts((cs) => cs.map((x) => (x.id === c.id ? c : x)));
          setStatus(`Saved ${c.name}.`);
        }}
      />
      {contacts.length === 0 && (
        <p class="empty">No contacts yet. Add one or import a file.</p>
      )}
      {cursor && (
        <button type="button" class="more" onClick={() => load(false)}>
          Load more
        </button>
      )}
      <ImportDialog
        open={importing}
        onClose={async (changed) => {
          setImporting(false);
          if (changed) {
            setGroups(await api.groups());
            await load(true, false);
          }
        }}
      />
    </div>
  );
}
