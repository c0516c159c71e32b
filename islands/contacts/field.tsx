import type { Ref } from "preact";

/** A labelled input with its error message wired for screen readers. */
export function Field(props: {
  id: string;
  label: string;
  value: string;
  error?: string;
  /** A short help text under the field (also read by screen readers). */
  hint?: string;
  type?: string;
  multiline?: boolean;
  autoFocus?: boolean;
  hideLabel?: boolean;
  placeholder?: string;
  autoComplete?: string;
  list?: string;
  inputRef?: Ref<HTMLInputElement>;
  onInput: (v: string) => void;
  onKeyDown?: (e: KeyboardEvent) => void;
}) {
  const errId = `${props.id}-error`;
  const hintId = `${props.id}-hint`;
  const describedBy = [props.error && errId, props.hint && hintId].filter(
    Boolean,
  ).join(" ");
  const common = {
    id: props.id,
    name: props.id,
    value: props.value,
    autoFocus: props.autoFocus,
    placeholder: props.placeholder,
    "aria-invalid": props.error ? "true" as const : undefined,
    "aria-describedby": describedBy || undefined,
    onInput: (e: Event) => props.onInput((e.target as HTMLInputElement).value),
    onKeyDown: props.onKeyDown,
  };
  return (
    <div class="field">
      <label for={props.id} class={props.hideLabel ? "sr-only" : undefined}>
        {props.label}
      </label>
      {props.multiline ? <textarea rows={3} {...common} /> : (
        <input
          ref={props.inputRef}
          type={props.type ?? "text"}
          autoComplete={props.autoComplete}
          list={props.list}
          {...common}
        />
      )}
      {props.hint && <p id={hintId} class="hint">{props.hint}</p>}
      {props.error && <p id={errId} class="field-error">{props.error}</p>}
    </div>
  );
}

/** Maps API/validation field keys to the form's fields. */
export function fieldErrors(
  fields: Record<string, string> | undefined,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(fields ?? {})) {
    const key = k.startsWith("emails")
      ? "email"
      : k.startsWith("phones")
      ? "phone"
      : k;
    out[key] ??= v;
  }
  return out;
}
