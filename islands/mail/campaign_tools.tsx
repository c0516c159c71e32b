import { useState } from "preact/hooks";
import { MailPreview } from "../../components/mail_preview.tsx";
import { call } from "./api.ts";

/** A campaign's test send and per-recipient preview forms. */
export function CampaignTools(
  { id, firstRecipient, run, onNote }: {
    id: string;
    firstRecipient?: string;
    /** Runs an action, showing its error in the campaign view. */
    run: (fn: () => Promise<void>) => Promise<void>;
    onNote: (note: string) => void;
  },
) {
  const [testTo, setTestTo] = useState("");
  const [previewFor, setPreviewFor] = useState(firstRecipient ?? "");
  const [preview, setPreview] = useState<
    { subject: string; text: string; html?: string } | null
  >(null);
  const sendTest = (e: Event) => {
    e.preventDefault();
    run(async () => {
      const r = await call<{ email: string }>(
        `/api/campaigns/${id}/test`,
        "POST",
        { email: testTo },
      );
      onNote(`Test mail sent to ${r.email}.`);
    });
  };
  const showPreview = (e: Event) => {
    e.preventDefault();
    run(async () =>
      setPreview(
        await call(
          `/api/campaigns/${id}/preview?email=${
            encodeURIComponent(previewFor)
          }`,
        ),
      )
    );
  };
  return (
    <>
      <div class="tools">
        <form onSubmit={sendTest} class="inline-form">
          <label>
            Send a test to
            <input
              type="email"
              required
              value={testTo}
              onInput={(e) => setTestTo(e.currentTarget.value)}
            />
          </label>
          <button type="submit">Send test</button>
        </form>
        <form onSubmit={showPreview} class="inline-form">
          <label>
            Preview for recipient
            <input
              type="email"
              value={previewFor}
              onInput={(e) => setPreviewFor(e.currentTarget.value)}
            />
          </label>
          <button type="submit">Preview</button>
        </form>
      </div>
      {preview && <MailPreview preview={preview} />}
    </>
  );
}
