import { useRef, useState } from "preact/hooks";
import { MERGE_TAG_HELP, MERGE_TAGS } from "../lib/mail/protocol.ts";
import { MailPreview } from "../components/mail_preview.tsx";
import { call } from "./mail/api.ts";
import { ContactPicker, type PickContact } from "./mail/contact_picker.tsx";
import {
  typedEntries,
  typedProblems,
  visible,
} from "./mail/typed_addresses.ts";

export type { PickContact };

/** A draft being edited (the composer then saves with PATCH). */
export interface EditDraft {
  id: string;
  subject: string;
  text: string;
  html?: string;
  total: number;
}

/** A group the user can send to. */
export interface PickGroup {
  id: string;
  name: string;
}

interface Preview {
  subject: string;
  text: string;
  html?: string;
}

type Field = "subject" | "text" | "html";

/**
 * The campaign composer: recipients (groups, contacts searched in the whole
 * book, typed addresses checked as you type), subject, bodies, merge tags,
 * preview. With `draft` it edits that draft instead of creating one.
 */
export function MailComposer(
  { groups, draft }: { groups: PickGroup[]; draft?: EditDraft },
) {
  const [subject, setSubject] = useState(draft?.subject ?? "");
  const [text, setText] = useState(draft?.text ?? "");
  const [html, setHtml] = useState(draft?.html ?? "");
  const [pickedGroups, setPickedGroups] = useState<string[]>([]);
  const [picked, setPicked] = useState<PickContact[]>([]);
  const [emails, setEmails] = useState("");
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
    // The field itself holds what was typed last (state may lag a render).
    const value = el?.value ?? values[field];
    const at = el?.selectionStart ?? value.length;
    const end = el?.selectionEnd ?? at;
    const snippet = `{{${tag}}}`;
    const next = value.slice(0, at) + snippet + value.slice(end);
    // Text and caret go into the field in this event, not a frame later,
    // so keys typed meanwhile land after the tag.
    if (el) {
      el.value = next;
      el.focus();
      el.setSelectionRange(at + snippet.length, at + snippet.length);
    }
    setters[field](next);
  };

  const content = () => ({ subject, text, html: html || undefined });
  const problems = typedProblems(emails);

  const doPreview = async () => {
    setError("");
    try {
      setPreview(await call("/api/campaigns/preview", "POST", content()));
    } catch (e) {
      setPreview(null);
      setError((e as Error).message);
    }
  };

  const save = async (e: Event) => {
    e.preventDefault();
    setError("");
    if (problems.length) {
      setError(
        `Fix or remove ${problems.length} invalid address${
          problems.length === 1 ? "" : "es"
        } first.`,
      );
      return;
    }
    const to = {
      groups: pickedGroups,
      contacts: picked.map((c) => c.id),
      emails: typedEntries(emails),
    };
    const changedTo = to.groups.length + to.contacts.length + to.emails.length;
    setBusy(true);
    try {
      const d = draft
        ? await call<{ id: string }>(`/api/campaigns/${draft.id}`, "PATCH", {
          ...content(),
          html: html || "",
          ...(changedTo ? { to } : {}),
        })
        : await call<{ id: string }>("/api/campaigns", "POST", {
          ...content(),
          to,
        });
      location.assign(`/campaigns/${draft?.id ?? d.id}`);
    } catch (err) {
      setError((err as Error).message);
      setBusy(false);
    }
  };

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
        <ContactPicker chosen={picked} onChange={setPicked} />
        <label>
          Other addresses{" "}
          <span class="muted">(one per line, or separated by commas)</span>
          <textarea
            rows={2}
            value={emails}
            aria-describedby="typed-problems"
            aria-invalid={problems.length > 0}
            onInput={(e) =>
              setEmails(e.currentTarget.value)}
          />
        </label>
        <div id="typed-problems" aria-live="polite">
          {problems.length > 0 && (
            <div class="typed-problems">
              <p class="form-error">
                {problems.length}{" "}
                address{problems.length === 1 ? " is" : "es are"}{" "}
                not valid and will not be saved:
              </p>
              <ul>
                {problems.map((p) => (
                  <li key={p.entry}>
                    <code>{visible(p.entry)}</code>: {p.reason}
                  </li>
                ))}
              </ul>
            </div>
          )}
        </div>
        {draft && (
          <p class="hint">
            The draft goes to {draft.total}{" "}
            recipient{draft.total === 1 ? "" : "s"}; choosing groups, contacts
            or addresses here replaces them.
          </p>
        )}
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
          {draft ? "Save changes" : "Save draft"}
        </button>
      </div>
      {preview && (
        <MailPreview preview={preview} title="Preview (sample recipient)" />
      )}
    </form>
  );
}
