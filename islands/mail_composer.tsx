import { useRef, useState } from "preact/hooks";
import { MERGE_TAG_HELP, MERGE_TAGS } from "../lib/mail/protocol.ts";
import { MailPreview } from "../components/mail_preview.tsx";

/** A group the user can send to. */
export interface PickGroup {
  id: string;
  name: string;
}

/** A contact the user can pick. */
export interface PickContact {
  id: string;
  name: string;
  email: string;
}

interface Preview {
  subject: string;
  text: string;
  html?: string;
}

type Field = "subject" | "text" | "html";

async function postJson(url: string, body: unknown) {
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  const data = await res.json().catch(() => ({}));
  if (!res.ok) throw new Error(data?.error?.message ?? `HTTP ${res.status}`);
  return data;
}

/** The campaign composer: recipients, subject, bodies, merge tags, preview. */
export function MailComposer(
  { groups, contacts }: { groups: PickGroup[]; contacts: PickContact[] },
) {
  const [subject, setSubject] = useState("");
  const [text, setText] = useState("");
  const [html, setHtml] = useState("");
  const [pickedGroups, setPickedGroups] = useState<string[]>([]);
  const [pickedContacts, setPickedContacts] = useState<string[]>([]);
  const [emails, setEmails] = useState("");
  const [filter, setFilter] = useState("");
  const [preview, setPreview] = useState<Preview | null>(null);
  const [error, setError] = useState("");
  const [busy, setBusy] = useState(false);
  const last = useRef<Field>("text");
  const refs = {
    subject: useRef<HTMLInputElement>(null),
    text: useRef<HTMLTextAreaElement>(null),
    html: useRef<HTMLTextAreaElement>(null),
  };
  const setters = { subject: setSubject, text: setText, html: setHtml };
  const values = { subject, text, html };

  const toggle = (list: string[], set: (v: string[]) => void, id: string) =>
    set(list.includes(id) ? list.filter((x) => x !== id) : [...list, id]);

  const insertTag = (tag: string) => {
    const field = last.current;
    const el = refs[field].current;
    const value = values[field];
    const at = el?.selectionStart ?? value.length;
    const end = el?.selectionEnd ?? at;
    const snippet = `{{${tag}}}`;
    setters[field](value.slice(0, at) + snippet + value.slice(end));
    requestAnimationFrame(() => {
      el?.focus();
      el?.setSelectionRange(at + snippet.length, at + snippet.length);
    });
  };

  const content = () => ({ subject, text, html: html || undefined });
  const typed = () =>
    emails.split(/[,;\n]+/).map((s) => s.trim()).filter(Boolean);

  const doPreview = async () => {
    setError("");
    try {
      setPreview(await postJson("/api/campaigns/preview", content()));
    } catch (e) {
      setPreview(null);
      setError((e as Error).message);
    }
  };

  const save = async (e: Event) => {
    e.preventDefault();
    setError("");
    setBusy(true);
    try {
      const d = await postJson("/api/campaigns", {
        ...content(),
        to: { groups: pickedGroups, contacts: pickedContacts, emails: typed() },
      });
      location.assign(`/campaigns/${d.id}`);
    } catch (err) {
      setError((err as Error).message);
      setBusy(false);
    }
  };

  const f = filter.trim().toLowerCase();
  const shown = contacts.filter((c) =>
    !f || c.name.toLowerCase().includes(f) || c.email.toLowerCase().includes(f)
  ).slice(0, 200);
  const track = (field: Field) => () => (last.current = field);

  return (
    <form class="composer" onSubmit={save} aria-describedby="composer-error">
      <fieldset>
        <legend>Recipients</legend>
        {groups.length > 0 && (
          <div class="pick-groups" role="group" aria-label="Groups">
            {groups.map((g) => (
              <label key={g.id} class="check">
                <input
                  type="checkbox"
                  name="group"
                  value={g.id}
                  checked={pickedGroups.includes(g.id)}
                  onChange={() => toggle(pickedGroups, setPickedGroups, g.id)}
                />
                {g.name}
              </label>
            ))}
          </div>
        )}
        {contacts.length > 0 && (
          <details>
            <summary>Pick contacts ({pickedContacts.length} chosen)</summary>
            <label>
              Filter contacts
              <input
                type="search"
                value={filter}
                onInput={(e) => setFilter(e.currentTarget.value)}
              />
            </label>
            <ul class="pick-contacts">
              {shown.map((c) => (
                <li key={c.id}>
                  <label class="check">
                    <input
                      type="checkbox"
                      checked={pickedContacts.includes(c.id)}
                      onChange={() =>
                        toggle(pickedContacts, setPickedContacts, c.id)}
                    />
                    {c.name || c.email} <span class="muted">{c.email}</span>
                  </label>
                </li>
              ))}
            </ul>
          </details>
        )}
        <label>
          Other addresses{" "}
          <span class="muted">(one per line, or separated by commas)</span>
          <textarea
            rows={2}
            value={emails}
            onInput={(e) =>
              setEmails(e.currentTarget.value)}
          />
        </label>
      </fieldset>
      <label>
        Subject
        <input
          ref={refs.subject}
          required
          maxLength={300}
          value={subject}
          onFocus={track("subject")}
          onInput={(e) =>
            setSubject(e.currentTarget.value)}
        />
      </label>
      <label>
        Message (plain text)
        <textarea
          ref={refs.text}
          required
          rows={10}
          value={text}
          onFocus={track("text")}
          onInput={(e) =>
            setText(e.currentTarget.value)}
        />
      </label>
      <details>
        <summary>HTML version (optional)</summary>
        <label>
          HTML
          <textarea
            ref={refs.html}
            rows={8}
            value={html}
            onFocus={track("html")}
            onInput={(e) => setHtml(e.currentTarget.value)}
          />
        </label>
      </details>
      <section class="merge-help" aria-labelledby="merge-help-title">
        <h2 id="merge-help-title">Merge tags</h2>
        <p class="hint">
          Insert into the field you last edited. Add a fallback for empty
          values: <code>{"{{first_name|there}}"}</code>.
        </p>
        <ul>
          {MERGE_TAGS.map((t) => (
            <li key={t}>
              <button
                type="button"
                class="tag"
                onClick={() => insertTag(t)}
              >
                {`{{${t}}}`}
              </button>
              <span class="muted">{MERGE_TAG_HELP[t]}</span>
            </li>
          ))}
        </ul>
      </section>
      <div id="composer-error" role="alert">
        {error && <p class="form-error">{error}</p>}
      </div>
      <div class="actions">
        <button type="button" onClick={doPreview}>Preview</button>
        <button type="submit" class="primary" disabled={busy}>
          Save draft
        </button>
      </div>
      {preview && (
        <MailPreview preview={preview} title="Preview (sample recipient)" />
      )}
    </form>
  );
}
