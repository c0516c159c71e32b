import { useState } from "preact/hooks";
import type { Contact, ContactInput, Group } from "../../lib/contacts/model.ts";
import { validateContact } from "../../lib/contacts/model.ts";
import { api, ApiError } from "./api.ts";
import { Field, fieldErrors } from "./field.tsx";

const EMPTY = {
  name: "",
  email: "",
  phone: "",
  company: "",
  title: "",
  notes: "",
};

/** The "new contact" form with per-field errors. */
export function ContactForm(props: {
  groups: Group[];
  onCreated: (c: Contact) => void;
  onCancel: () => void;
}) {
  const [v, setV] = useState({ ...EMPTY });
  const [groups, setGroups] = useState<string[]>([]);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);
  const [formError, setFormError] = useState("");
  const set = (k: keyof typeof EMPTY) => (value: string) =>
    setV({ ...v, [k]: value });

  async function submit(e: Event) {
    e.preventDefault();
    const input: ContactInput = { ...v, groups };
    try {
      validateContact(input); // same rules as the server, before sending
    } catch (err) {
      setErrors(fieldErrors((err as ApiError).fields));
      setFormError("Please correct the marked fields.");
      return;
    }
    setBusy(true);
    try {
      const c = await api.create(input);
      setV({ ...EMPTY });
      setGroups([]);
      setErrors({});
      setFormError("");
      props.onCreated(c);
    } catch (err) {
      const e = err as ApiError;
      setErrors(fieldErrors(e.fields));
      setFormError(e.message);
    } finally {
      setBusy(false);
    }
  }

  return (
    <form
      class="contact-form card"
      onSubmit={submit}
      noValidate
      aria-labelledby="new-contact-title"
    >
      <h2 id="new-contact-title">New contact</h2>
      {formError && <p class="form-error" role="alert">{formError}</p>}
      <div class="form-grid">
        <Field
          id="cf-name"
          label="Name"
          value={v.name}
          error={errors.name}
          onInput={set("name")}
          autoFocus
        />
        <Field
          id="cf-email"
          label="Email"
          type="email"
          value={v.email}
          error={errors.email}
          onInput={set("email")}
        />
        <Field
          id="cf-phone"
          label="Phone"
          type="tel"
          value={v.phone}
          error={errors.phone}
          onInput={set("phone")}
        />
        <Field
          id="cf-company"
          label="Company"
          value={v.company}
          error={errors.company}
          onInput={set("company")}
        />
        <Field
          id="cf-title"
          label="Job title"
          value={v.title}
          error={errors.title}
          onInput={set("title")}
        />
      </div>
      <Field
        id="cf-notes"
        label="Notes"
        multiline
        value={v.notes}
        error={errors.notes}
        onInput={set("notes")}
      />
      {props.groups.length > 0 && (
        <fieldset class="group-picks">
          <legend>Groups</legend>
          {props.groups.map((g) => (
            <label key={g.id} class="check">
              <input
                type="checkbox"
                checked={groups.includes(g.id)}
                onChange={(e) =>
                  setGroups(
                    (e.target as HTMLInputElement).checked
                      ? [...groups, g.id]
                      : groups.filter((x) => x !== g.id),
                  )}
              />
              {g.name}
            </label>
          ))}
          {errors.groups && <p class="field-error">{errors.groups}</p>}
        </fieldset>
      )}
      <div class="actions">
        <button type="submit" class="primary" disabled={busy}>
          Save contact
        </button>
        <button type="button" onClick={props.onCancel}>Cancel</button>
      </div>
    </form>
  );
}
