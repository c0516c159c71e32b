import { useEffect, useRef, useState } from "preact/hooks";
import type { ImportRow } from "../../lib/contacts/csv.ts";
import { importFile, type Report } from "./api.ts";

interface Preview {
  format: "csv" | "vcard";
  layout: string;
  mapping: Array<[string, string]>;
  rows: ImportRow[];
}

const LAYOUTS: Record<string, string> = {
  generic: "Generic columns",
  google: "Google Contacts (Given Name / Group Membership)",
  "google-labels": "Google Contacts (First Name / Labels)",
  vcard: "vCard",
};

/** Human name of a mapped field: "emails.2.value" → "Email 2". */
function fieldName(f: string): string {
  if (!f) return "not imported";
  const m = /^(emails|phones)\.(\d+)\.(value|label)$/.exec(f);
  if (m) {
    return `${m[1] === "emails" ? "Email" : "Phone"} ${m[2]}${
      m[3] === "label" ? " label" : ""
    }`;
  }
  return ({
    givenName: "Given name",
    familyName: "Family name",
    middleName: "Middle name",
  } as Record<string, string>)[f] ??
    f[0].toUpperCase() + f.slice(1);
}

/**
 * Only the start of the file is parsed for the preview. The parsers (and
 * their libraries) load on first use, not with the page.
 */
async function preview(text: string, name: string): Promise<Preview> {
  const head = text.slice(0, 65536);
  const isVcard = /\.vcf$|\.vcard$/i.test(name) ||
    /^\uFEFF?\s*BEGIN:VCARD/i.test(head);
  if (isVcard) {
    const end = head.toUpperCase().lastIndexOf("END:VCARD");
    const { parseVcards } = await import("../../lib/contacts/vcard.ts");
    const r = parseVcards(end > 0 ? head.slice(0, end + 9) : head);
    return {
      format: "vcard",
      layout: "vcard",
      mapping: [],
      rows: r.rows.slice(0, 5),
    };
  }
  const cut = text.length > head.length
    ? head.slice(0, head.lastIndexOf("\n") + 1)
    : head;
  const { parseContactsCsv } = await import("../../lib/contacts/csv.ts");
  const r = parseContactsCsv(cut);
  return {
    format: "csv",
    layout: r.layout,
    mapping: r.headers.map((h, i) =>
      [h, fieldName(r.mapping[i])] as [string, string]
    )
      .filter(([h]) => h),
    rows: r.rows.slice(0, 5),
  };
}

/** The import dialog: pick a file, preview, import with progress, report. */
export function ImportDialog(
  props: { open: boolean; onClose: (report: Report | null) => void },
) {
  const ref = useRef<HTMLDialogElement>(null);
  const [file, setFile] = useState<{ name: string; text: string } | null>(null);
  const [pv, setPv] = useState<Preview | null>(null);
  const [progress, setProgress] = useState<
    { done: number; total: number } | null
  >(null);
  const [report, setReport] = useState<Report | null>(null);
  const [error, setError] = useState("");
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    const d = ref.current!;
    if (props.open && !d.open) d.showModal();
    if (!props.open && d.open) d.close();
  }, [props.open]);

  function reset() {
    setFile(null);
    setPv(null);
    setProgress(null);
    setReport(null);
    setError("");
  }

  async function pick(e: Event) {
    reset();
    const f = (e.target as HTMLInputElement).files?.[0];
    if (!f) return;
    const text = await f.text();
    setFile({ name: f.name, text });
    try {
      setPv(await preview(text, f.name));
    } catch (err) {
      setError(`Could not read the file: ${(err as Error).message}`);
    }
  }

  async function run() {
    if (!file || !pv) return;
    setBusy(true);
    setError("");
    setProgress({ done: 0, total: 0 });
    try {
      setReport(
        await importFile(
          file.text,
          pv.format,
          (done, total) => setProgress({ done, total }),
        ),
      );
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  }

  const close = () => {
    const done = report;
    reset();
    props.onClose(done);
  };
  const warnings = report?.warnings ?? [];

  return (
    <dialog
      ref={ref}
      class="import-dialog"
      aria-labelledby="import-title"
      onClose={() => props.open && close()}
      onCancel={(e) => busy && e.preventDefault()}
    >
      <h2 id="import-title">Import contacts</h2>
      <label for="import-file">File (CSV or vCard)</label>
      <input
        id="import-file"
        type="file"
        accept=".csv,.vcf,.vcard,text/csv,text/vcard"
        onChange={pick}
        disabled={busy}
      />
      <p class="hint">
        Generic columns (name, email, phone, company, notes, groups), Google
        Contacts exports, or vCard 3.0/4.0.
      </p>
      {pv && !report && (
        <section aria-label="Preview">
          <h3>Preview</h3>
          <p>
            Detected: <strong>{LAYOUTS[pv.layout]}</strong>
          </p>
          {pv.mapping.length > 0 && (
            <details open={pv.mapping.length <= 10}>
              <summary>Column mapping</summary>
              <table class="mapping">
                <thead>
                  <tr>
                    <th scope="col">Column</th>
                    <th scope="col">Imported as</th>
                  </tr>
                </thead>
                <tbody>
                  {pv.mapping.map(([h, f]) => (
                    <tr
                      key={h}
                      class={f === "not imported" ? "ignored" : undefined}
                    >
                      <td>{h}</td>
                      <td>{f}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </details>
          )}
          <table class="preview">
            <caption>First rows</caption>
            <thead>
              <tr>
                <th scope="col">Line</th>
                <th scope="col">Name</th>
                <th scope="col">Email</th>
                <th scope="col">Phone</th>
                <th scope="col">Groups</th>
              </tr>
            </thead>
            <tbody>
              {pv.rows.map((r) => {
                const c = r.contact;
                const name = c.name ||
                  [c.givenName, c.familyName].filter(Boolean).join(" ");
                const first = (l?: Array<{ value?: string } | string>) => {
                  const x = l?.[0];
                  return typeof x === "string" ? x : x?.value ?? "";
                };
                return (
                  <tr key={r.line}>
                    <td>{r.line}</td>
                    <td>{name}</td>
                    <td>{c.email ?? first(c.emails)}</td>
                    <td>{c.phone ?? first(c.phones)}</td>
                    <td>{r.groupNames.join(", ")}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </section>
      )}
      {progress && (
        <div class="import-progress">
          <label for="import-progress">Import progress</label>
          <progress
            id="import-progress"
            max={progress.total || 1}
            value={progress.done}
          />
        </div>
      )}
      <p class="status" role="status" aria-live="polite">
        {busy && progress
          ? `Importing… ${progress.done} of ${progress.total || "?"} rows`
          : report
          ? `Done: ${report.imported} imported, ${report.updated} updated, ${report.skipped} skipped, ${report.errors.length} with errors.${
            warnings.length ? ` ${warnings.length} fields not imported.` : ""
          }`
          : ""}
      </p>
      {error && <p class="form-error" role="alert">{error}</p>}
      {report && report.errors.length > 0 && (
        <table class="import-errors">
          <caption>Rows not imported</caption>
          <thead>
            <tr>
              <th scope="col">Line</th>
              <th scope="col">Problem</th>
            </tr>
          </thead>
          <tbody>
            {report.errors.map((e, i) => (
              <tr key={i}>
                <td>{e.line}</td>
                <td>{e.message}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {warnings.length > 0 && (
        <table class="import-errors import-warnings">
          <caption>Imported without these fields</caption>
          <thead>
            <tr>
              <th scope="col">Line</th>
              <th scope="col">Field not imported</th>
            </tr>
          </thead>
          <tbody>
            {warnings.map((w, i) => (
              <tr key={i}>
                <td>{w.line}</td>
                <td>{w.message}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <div class="actions">
        {!report && (
          <button
            type="button"
            class="primary"
            onClick={run}
            disabled={!pv || busy}
          >
            Import
          </button>
        )}
        <button type="button" onClick={close} disabled={busy}>
          {report ? "Close" : "Cancel"}
        </button>
      </div>
    </dialog>
  );
}
