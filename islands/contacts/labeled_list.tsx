import type { LabeledValue } from "../../lib/contacts/model.ts";

/**
 * Editable rows of labelled values (emails or phones): a label and a value
 * per row, "Remove" per row and "Add" at the end. Errors are keyed by the
 * row index (`emails.1` → row 1).
 */
export function LabeledList(props: {
  /** "email" or "phone": ids, labels and the input type follow it. */
  kind: "email" | "phone";
  items: LabeledValue[];
  errors: Record<string, string>;
  max: number;
  onChange: (items: LabeledValue[]) => void;
}) {
  const { kind, items } = props;
  const title = kind === "email" ? "Email" : "Phone";
  const set = (i: number, patch: Partial<LabeledValue>) =>
    props.onChange(items.map((x, j) => (j === i ? { ...x, ...patch } : x)));
  return (
    <fieldset class="labeled-list">
      <legend>{title === "Email" ? "Emails" : "Phones"}</legend>
      <datalist id={`${kind}-labels`}>
        {(kind === "email"
          ? ["Home", "Work", "Other"]
          : ["Mobile", "Home", "Work", "Other"]).map((l) => (
            <option key={l} value={l} />
          ))}
      </datalist>
      {items.map((item, i) => {
        const error = props.errors[`${kind}s.${i}`] ??
          (i === 0 ? props.errors[kind] : undefined);
        const id = `ce-${kind}-${i}`;
        return (
          <div class="labeled-row" key={i}>
            <div class="field label-field">
              <label for={`${id}-label`} class="sr-only">
                {`Label of ${kind} ${i + 1}`}
              </label>
              <input
                id={`${id}-label`}
                list={`${kind}-labels`}
                placeholder="Label"
                value={item.label}
                maxLength={40}
                onInput={(e) =>
                  set(i, { label: (e.target as HTMLInputElement).value })}
              />
            </div>
            <div class="field value-field">
              <label for={id} class="sr-only">{`${title} ${i + 1}`}</label>
              <input
                id={id}
                type={kind === "email" ? "email" : "tel"}
                autoComplete="off"
                value={item.value}
                aria-invalid={error ? "true" : undefined}
                aria-describedby={error ? `${id}-error` : undefined}
                onInput={(e) =>
                  set(i, { value: (e.target as HTMLInputElement).value })}
              />
              {error && <p id={`${id}-error`} class="field-error">{error}</p>}
            </div>
            <button
              type="button"
              class="link"
              aria-label={`Remove ${kind} ${i + 1}`}
              onClick={() => props.onChange(items.filter((_, j) => j !== i))}
            >
              Remove
            </button>
          </div>
        );
      })}
      {items.length < props.max && (
        <button
          type="button"
          class="link"
          onClick={() => props.onChange([...items, { label: "", value: "" }])}
        >
          {`Add ${kind}`}
        </button>
      )}
    </fieldset>
  );
}
