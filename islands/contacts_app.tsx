import { useEffect, useLayoutEffect, useRef, useState } from "preact/hooks";
import type { Contact, Group } from "../lib/contacts/model.ts";
import { api } from "./contacts/api.ts";
import { BulkBar, type BulkChoice } from "./contacts/bulk_bar.tsx";
import { ContactEditor } from "./contacts/contact_editor.tsx";
import { ContactTable } from "./contacts/contact_table.tsx";
import { GroupBar } from "./contacts/group_bar.tsx";
import { ImportDialog } from "./contacts/import_dialog.tsx";

/** Props: the first page and the groups, rendered on the server. */
export interface ContactsAppProps {
  contacts: Contact[];
  cursor: string;
  groups: Group[];
}

const plural = (n: number, one: string) => `${n} ${one}${n === 1 ? "" : "s"}`;

/**
 * The contacts page: search as you type, group chips, the table with
 * multi-select and bulk actions, the contact editor (new and edit, every
 * field), delete with undo (one or many), import and export.
 */
export function ContactsApp(props: ContactsAppProps) {
  const [q, setQ] = useState("");
  const [group, setGroup] = useState("");
  const [contacts, setContacts] = useState(props.contacts);
  const [cursor, setCursor] = useState(props.cursor);
  const [groups, setGroups] = useState(props.groups);
  const [editor, setEditor] = useState<{ contact: Contact | null } | null>(
    null,
  );
  const [importing, setImporting] = useState(false);
  const [status, setStatus] = useState("");
  const [undo, setUndo] = useState<Contact[] | null>(null);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [busy, setBusy] = useState(false);
  const seq = useRef(0);
  const first = useRef(true);
  /** The next filter change keeps the status line (it says why). */
  const quiet = useRef(false);
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
    const announce = !quiet.current;
    quiet.current = false;
    const t = setTimeout(() => load(true, announce), 150);
    return () => clearTimeout(t);
  }, [q, group]);

  // Only contacts on screen stay selected (a search hides the others).
  useEffect(() => {
    const shown = new Set(contacts.map((c) => c.id));
    if ([...selected].some((id) => !shown.has(id))) {
      setSelected(new Set([...selected].filter((id) => shown.has(id))));
    }
  }, [contacts]);

  // In the same commit as the status text: the deleted rows' buttons are
  // gone, so focus must not wait for a later frame (it would sit on <body>).
  useLayoutEffect(() => {
    if (undo) undoRef.current?.focus();
  }, [undo]);

  useEffect(() => {
    if (!undo) return;
    const t = setTimeout(() => setUndo(null), 10_000);
    return () => clearTimeout(t);
  }, [undo]);

  function deleted(list: Contact[]) {
    const ids = new Set(list.map((c) => c.id));
    setContacts((cs) => cs.filter((x) => !ids.has(x.id)));
    setUndo(list);
    setStatus(
      list.length === 1
        ? `Deleted ${list[0].name}.`
        : `Deleted ${plural(list.length, "contact")}.`,
    );
  }

  async function remove(c: Contact) {
    try {
      await api.remove(c.id);
      deleted([c]);
    } catch (err) {
      setStatus((err as Error).message);
    }
  }

  async function restore() {
    if (!undo) return;
    try {
      const r = await api.bulk({ action: "restore", contacts: undo });
      setUndo(null);
      const what = undo.length === 1 ? undo[0].name : plural(r.done, "contact");
      setStatus(
        r.errors.length
          ? `Restored ${plural(r.done, "contact")}; ${r.errors[0].message}`
          : `Restored ${what}.`,
      );
      await load(true, false);
    } catch (err) {
      setStatus((err as Error).message);
    }
  }

  async function bulk(action: BulkChoice, groupId?: string) {
    const ids = [...selected];
    setBusy(true);
    try {
      const r = await api.bulk({ action, ids, groupId });
      if (action === "delete") {
        setSelected(new Set());
        deleted(r.contacts);
        return;
      }
      const name = groups.find((g) => g.id === groupId)?.name ?? "";
      const problems = r.errors.length
        ? ` ${plural(r.errors.length, "contact")} not changed: ${
          r.errors[0].message
        }`
        : "";
      setStatus(
        (action === "add_to_group"
          ? `Added ${plural(r.done, "contact")} to ${name}.`
          : `Removed ${plural(r.done, "contact")} from ${name}.`) + problems,
      );
      await load(true, false);
    } catch (err) {
      setStatus((err as Error).message);
    } finally {
      setBusy(false);
    }
  }

  function select(ids: string[], on: boolean) {
    const next = new Set(selected);
    for (const id of ids) on ? next.add(id) : next.delete(id);
    setSelected(next);
  }

  const filtering = q.trim() !== "" || group !== "";
  return (
    <div class="contacts-app">
      <div class="toolbar">
        <div class="search">
          <label for="contact-search" class="sr-only">Search contacts</label>
          <input
            id="contact-search"
            type="search"
            placeholder="Search name, nickname, email, company, phone"
            value={q}
            onInput={(e) => setQ((e.target as HTMLInputElement).value)}
          />
        </div>
        <div class="toolbar-actions">
          <button
            type="button"
            class="primary"
            onClick={() => setEditor({ contact: null })}
          >
            New contact
          </button>
          <button
            type="button"
            onClick={() => {
              setStatus(""); // an older message would read as the import's
              setImporting(true);
            }}
          >
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
      <GroupBar
        groups={groups}
        group={group}
        onGroup={(id, keepStatus) => {
          quiet.current = !!keepStatus && id !== group;
          setGroup(id);
        }}
        onGroups={setGroups}
        onStatus={setStatus}
      />
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
      {selected.size > 0 && (
        <BulkBar
          count={selected.size}
          groups={groups}
          busy={busy}
          onAction={bulk}
          onClear={() => setSelected(new Set())}
        />
      )}
      {contacts.length > 0 && (
        <ContactTable
          contacts={contacts}
          groups={groups}
          selected={selected}
          onSelect={select}
          onEdit={(c) => setEditor({ contact: c })}
          onDelete={remove}
        />
      )}
      {contacts.length === 0 && !filtering && (
        <p class="empty">No contacts yet. Add one or import a file.</p>
      )}
      {cursor && (
        <button type="button" class="more" onClick={() => load(false)}>
          Load more
        </button>
      )}
      {editor && (
        <ContactEditor
          contact={editor.contact}
          groups={groups}
          onClose={() => setEditor(null)}
          onSaved={(c, created) => {
            setEditor(null);
            if (created) {
              setStatus(`Added ${c.name}.`);
              load(true, false);
            } else {
              setContacts((cs) => cs.map((x) => (x.id === c.id ? c : x)));
              setStatus(`Saved ${c.name}.`);
            }
          }}
        />
      )}
      <ImportDialog
        open={importing}
        onClose={async (report) => {
          setImporting(false);
          if (!report) return;
          setStatus(
            `Import done: ${report.imported} imported, ${report.updated} updated, ${report.skipped} skipped${
              report.errors.length
                ? `, ${plural(report.errors.length, "row")} with errors`
                : ""
            }.`,
          );
          if (report.imported + report.updated > 0) {
            setGroups(await api.groups());
            await load(true, false);
          }
        }}
      />
    </div>
  );
}
