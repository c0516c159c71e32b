import type { CampaignSnapshot } from "../../lib/mail/protocol.ts";

/** The draft's content, for the merge-tag fallback edit. */
export interface DraftContent {
  subject: string;
  text: string;
  html?: string;
}

const BARE_FIRST_NAME = /\{\{\s*first_name\s*\}\}/g;

/** True when the content uses `{{first_name}}` without a fallback. */
export function usesBareFirstName(c: DraftContent): boolean {
  return [c.subject, c.text, c.html ?? ""].some((s) =>
    new RegExp(BARE_FIRST_NAME.source).test(s)
  );
}

/** The content with every bare `{{first_name}}` given the fallback "there". */
export function withFallback(c: DraftContent): DraftContent {
  const fix = (s: string) => s.replace(BARE_FIRST_NAME, "{{first_name|there}}");
  const out: DraftContent = { subject: fix(c.subject), text: fix(c.text) };
  if (c.html) out.html = fix(c.html);
  return out;
}

/**
 * The warning shown on a draft whose `{{first_name}}` would be empty for
 * some recipients, with a button that adds the fallback.
 */
export function MergeTagWarning(
  { c, content, onFix }: {
    c: CampaignSnapshot;
    content?: DraftContent;
    onFix: () => void;
  },
) {
  const n = c.noFirstName ?? 0;
  if (c.status !== "draft" || !content || !n || !usesBareFirstName(content)) {
    return null;
  }
  return (
    <div class="merge-warning" role="note">
      <p>
        <code>{"{{first_name}}"}</code> will be empty for{" "}
        <strong>{n} recipient{n === 1 ? "" : "s"}</strong>{" "}
        (no given name), so they would read “Hi ,”.
      </p>
      <button type="button" onClick={onFix}>
        Use <code>{"{{first_name|there}}"}</code> instead
      </button>
    </div>
  );
}
