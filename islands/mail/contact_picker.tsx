import { useEffect, useState } from "preact/hooks";

/** A contact the user can pick. */
export interface PickContact {
  id: string;
  name: string;
  email: string;
}

/**
 * Picks contacts from the whole address book: each query goes to the
 * contacts search API (`GET /api/contacts?q=`), with a "no match" message.
 * Chosen contacts stay listed whatever the query.
 */
export function ContactPicker(
  { chosen, onChange }: {
    chosen: PickContact[];
    onChange: (next: PickContact[]) => void;
  },
) {
  const [q, setQ] = useState("");
  const [found, setFound] = useState<PickContact[] | null>(null);
  const [failed, setFailed] = useState("");
  useEffect(() => {
    let stale = false;
    const t = setTimeout(async () => {
      try {
        const res = await fetch(
          `/api/contacts?limit=50&q=${encodeURIComponent(q.trim())}`,
        );
        const data = await res.json();
        if (!res.ok) throw new Error(data?.error?.message ?? "Search failed.");
        if (!stale) {
          setFailed("");
          setFound(
            (data.contacts as PickContact[]).filter((c) => c.email).map((
              c,
            ) => ({ id: c.id, name: c.name, email: c.email })),
          );
        }
      } catch (e) {
        if (!stale) setFailed((e as Error).message);
      }
    }, q ? 200 : 0);
    return () => {
      stale = true;
      clearTimeout(t);
    };
  }, [q]);
  const has = (id: string) => chosen.some((c) => c.id === id);
  const toggle = (c: PickContact) =>
    onChange(has(c.id) ? chosen.filter((x) => x.id !== c.id) : [...chosen, c]);
  const rows = [
    ...chosen,
    ...(found ?? []).filter((c) => !has(c.id)),
  ];
  return (
    <details class="contact-picker">
      <summary>Pick contacts ({chosen.length} chosen)</summary>
      <label>
        Search contacts
        <input
          type="search"
          name="contact-search"
          value={q}
          onInput={(e) => setQ(e.currentTarget.value)}
        />
      </label>
      <p class="muted" role="status">
        {failed
          ? failed
          : found && found.length === 0 && q.trim()
          ? `No contacts match “${q.trim()}”.`
          : ""}
      </p>
      <ul class="pick-contacts">
        {rows.map((c) => (
          <li key={c.id}>
            <label class="check">
              <input
                type="checkbox"
                checked={has(c.id)}
                onChange={() => toggle(c)}
              />
              {c.name || c.email} <span class="muted">{c.email}</span>
            </label>
          </li>
        ))}
      </ul>
    </details>
  );
}
