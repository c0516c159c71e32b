/** A rendered mail: subject, text body, and sanitised HTML in a sandbox. */
export interface MailPreviewData {
  subject: string;
  text: string;
  html?: string;
}

/** Shows a mail preview; the HTML part renders in a script-less sandboxed frame. */
export function MailPreview(
  { preview, title }: { preview: MailPreviewData; title?: string },
) {
  return (
    <section class="preview" aria-label="Preview">
      {title && <h2>{title}</h2>}
      <p>
        <strong>Subject:</strong> {preview.subject}
      </p>
      <pre class="mail-text">{preview.text}</pre>
      {preview.html && (
        <iframe
          title="HTML preview"
          sandbox=""
          srcdoc={preview.html}
          class="html-preview"
        />
      )}
    </section>
  );
}
