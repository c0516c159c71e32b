/**
 * The import dialog's preview section: detected layout, column mapping and
 * the first rows of the file.
 * @module
 */
import { TableScroll } from "../table_scroll.tsx";
import type { Preview } from "../../lib/contacts/client/import_preview.ts";

const LAYOUTS: Record<string, string> = {
  generic: "Generic columns",
  google: "Google Contacts (Given Name / Group Membership)",
  "google-labels": "Google Contacts (First Name / Labels)",
  vcard: "vCard",
};

/** The preview of a picked file, shown until it is imported. */
export function ImportPreview({ pv }: { pv: Preview }) {
  return (
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
      <TableScroll label="First rows of the file">
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
      </TableScroll>
    </section>
  );
}
