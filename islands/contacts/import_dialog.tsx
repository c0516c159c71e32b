import { useEffect, useRef, useState } from "preact/hooks";
import { ImportPreview } from "../../components/contacts/import_preview.tsx";
import {
  type Preview,
  preview,
} from "../../lib/contacts/client/import_preview.ts";
import { importFile, type Report } from "./api.ts";

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
      {pv && !report && <ImportPreview pv={pv} />}
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
