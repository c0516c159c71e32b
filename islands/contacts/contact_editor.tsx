import { useLayoutEffect, useRef, useState } from "preact/hooks";
import { LIMITS } from "../../lib/contacts/limits.ts";
import type {
  Contact,
  ContactInput,
  Group,
  LabeledValue,
} from "../../lib/contacts/model.ts";
import { validateContact } from "../../lib/contacts/validate.ts";
import { api, ApiError } from "./api.ts";
import { Field } from "./field.tsx";
import { LabeledList } from "./labeled_list.tsx";

const TEXTS = [
  "name",
  "givenName",
  "familyName",
  "nickname",
  "company",
  "title",
  "birthday",
  "address",
  "website",
  "notes",
] as const;
type TextKey = typeof TEXTS[number];
type Draft = Record<TextKey, string> & {
  emails: LabeledValue[];
  phones: LabeledValue[];
  groups: string[];
};

/** The form's starting values; a derived display name starts empty. */
function toDraft(c: Contact | null): Draft {
  const d = Object.fromEntries(
    TEXTS.map((k) => [k, (c?.[k] as string | undefined) ?? ""]),
  ) as unknown as Draft;
  const derived = [c?.givenName, c?.familyName].filter(Boolean).join(" ");
  if (c && derived && c.name === derived) d.name = "";
  d.emails = c?.emails.length
    ? c.emails.map((e) => ({ ...e }))
    : [{ label: "", value: "" }];
  d.phones = c?.phones.length
    ? c.phones.map((p) => ({ ...p }))
    : [{ label: "", value: "" }];
  d.groups = [...(c?.groups ?? [])];
  return d;
}

/** What is sent: every field, "" clears one; empty rows are left out. */
function toInput(d: Draft): ContactInput {
  const rows = (l: LabeledValue[]) =>
    l.filter((x) => x.value.trim()).map((x) => ({
      label: x.label.trim(),
      value: x.value.trim(),
    }));
  const input: ContactInput = {
    emails: rows(d.emails),
    phones: rows(d.phones),
    groups: d.groups,
  };
  for (const k of TEXTS) input[k] = d[k].trim();
  return input;
}

/**
 * The contact detail and edit view, in a modal dialog: every field (given
 * and family name, display name, nickname, labelled emails and phones,
 * company, title, birthday, address, website, notes) and the groups. Used
 * for "New contact" (`contact` null) and for editing. Escape or Cancel
 * closes it; focus starts in the first field and returns to the opener.
 */
export function ContactEditor(props: {
  contact: Contact | null;
  groups: Group[];
  onSaved: (c: Contact, created: boolean) => void;
  onClose: () => void;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const first = useRef<HTMLInputElement>(null);
  const [d, setD] = useState<Draft>(() => toDraft(props.contact));
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState("");
  const [busy, setBusy] = useState(false);
  const c = props.contact;

  // Open and focus in the commit that renders the dialog (no frame where
  // it exists but is closed and focus is still outside).
  useLayoutEffect(() => {
    const opener = document.activeElement as HTMLElement | null;
    ref.current?.showModal();
    first.current?.focus();
    const dialog = ref.current;
    return () => {
      // Close before the node goes: removing an open modal moves focus to
      // <body>; then give focus back to what opened the dialog.
      if (dialog?.open) dialog.close();
      if (opener?.isConnected) opener.focus();
    };
  }, []);

  const set = (k: TextKey) => (v: string) => setD({ ...d, [k]: v });
  const field = (
    k: TextKey,
    label: string,
    extra: Partial<Parameters<typeof Field>[0]> = {},
  ) => (
    <Field
      id={`ce-${k}`}
      label={label}
      value={d[k]}
      error={errors[k]}
      onInput={set(k)}
      {...extra}
    />
  );

  async function submit(e: Event) {
    e.preventDefault();
    const input = toInput(d);
    try {
      validateContact(input); // the server's rules, before sending
    } catch (err) {
      setErrors((err as ApiError).fields ?? {});
      setFormError("Please correct the marked fields.");
      return;
    }
    setBusy(true);
    try {
      const saved = c ? await api.update(c.id, input) : await api.create(input);
      props.onSaved(saved, !c);
    } catch (err) {
      const e = err as ApiError;
      setErrors(e.fields ?? {});
      setFormError(e.message);
    } finally {
      setBusy(false);
    }
  }

  const derived = [d.givenName.trim(), d.familyName.trim()].filter(Boolean)
    .join(" ");
  const title = c ? `Edit ${c.name}` : "New contact";
  return (
    <dialog
      ref={ref}
      class="contact-editor"
      aria-labelledby="contact-editor-title"
      onClose={props.onClose}
    >
      <form onSubmit={submit} noValidate>
        <h2 id="contact-editor-title">{title}</h2>
        {formError && <p class="form-error" role="alert">{formError}</p>}
        <div class="form-grid">
          {field("givenName", "Given name", {
            inputRef: first,
            autoComplete: "off",
          })}
          {field("familyName", "Family name", { autoComplete: "off" })}
          {field("name", "Display name", {
            placeholder: derived,
            hint: "Leave empty to use the given and family name.",
          })}
          {field("nickname", "Nickname")}
        </div>
        <LabeledList
          kind="email"
          items={d.emails}
          errors={errors}
          max={LIMITS.emails}
          onChange={(emails) => setD({ ...d, emails })}
        />
        <LabeledList
          kind="phone"
          items={d.phones}
          errors={errors}
          max={LIMITS.phones}
          onChange={(phones) => setD({ ...d, phones })}
        />
        <div class="form-grid">
          {field("company", "Company")}
          {field("title", "Job title")}
          {field("birthday", "Birthday", {
            hint: "YYYY-MM-DD, or --MM-DD without the year.",
          })}
          {field("website", "Website", { type: "url" })}
        </div>
        {field("address", "Address", { multiline: true })}
        {field("notes", "Notes", { multiline: true })}
        {props.groups.length > 0 && (
          <fieldset class="group-picks">
            <legend>Groups</legend>
            {props.groups.map((g) => (
              <label key={g.id} class="check">
                <input
                  type="checkbox"
                  checked={d.groups.includes(g.id)}
                  onChange={(e) =>
                    setD({
                      ...d,
                      groups: (e.target as HTMLInputElement).checked
                        ? [...d.groups, g.id]
                        : d.groups.filter((x) => x !== g.id),
                    })}
                />
                {g.name}
              </label>
            ))}
            {errors.groups && <p class="field-error">{errors.groups}</p>}
          </fieldset>
        )}
        <div class="actions">
          <button type="submit" class="primary" disabled={busy}>
            {c ? "Save" : "Save contact"}
          </button>
          <button type="button" onClick={() => ref.current?.close()}>
            Cancel
          </button>
        </div>
      </form>
    </dialog>
  );
}
