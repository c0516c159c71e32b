import { TableScroll } from "../components/table_scroll.tsx";
import { useEffect, useState } from "preact/hooks";
import { RECIPIENT_STATUSES } from "../lib/mail/protocol.ts";

interface Row {
  email: string;
  name?: string;
  status: string;
  attempts?: number;
  error?: string;
  sentAt?: string;
}

/** A campaign's recipients, filterable by status, with failure reasons. */
export function RecipientList({ id }: { id: string }) {
  const [status, setStatus] = useState("");
  const [rows, setRows] = useState<Row[] | null>(null);
  const [error, setError] = useState("");
  const [tick, setTick] = useState(0);

  // Refresh when the campaign view reports progress, at most every 2 s.
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const onProgress = () => {
      if (timer) return;
      timer = setTimeout(() => {
        timer = undefined;
        setTick((t) => t + 1);
      }, 2000);
    };
    globalThis.addEventListener("rt:campaign", onProgress);
    return () => {
      globalThis.removeEventListener("rt:campaign", onProgress);
      clearTimeout(timer);
    };
  }, []);

  useEffect(() => {
    let live = true;
    const q = status ? `?status=${status}` : "";
    fetch(`/api/campaigns/${id}/recipients${q}`)
      .then(async (r) => {
        const data = await r.json();
        if (!r.ok) throw new Error(data?.error?.message ?? `HTTP ${r.status}`);
        if (live) {
          setRows(data.recipients);
          setError("");
        }
      })
      .catch((e) => live && setError(String(e.message ?? e)));
    return () => {
      live = false;
    };
  }, [id, status, tick]);

  return (
    <section class="recipients" aria-labelledby="recipients-title">
      <h2 id="recipients-title">Recipients</h2>
      <div class="filter-row">
        <label>
          Show
          <select
            value={status}
            onChange={(e) => setStatus(e.currentTarget.value)}
          >
            <option value="">all</option>
            {RECIPIENT_STATUSES.map((s) => (
              <option key={s} value={s}>{s}</option>
            ))}
          </select>
        </label>
        <button type="button" onClick={() => setTick((t) => t + 1)}>
          Refresh
        </button>
      </div>
      <div role="alert">{error && <p class="form-error">{error}</p>}</div>
      {rows === null
        ? <p>Loading…</p>
        : rows.length === 0
        ? <p>No recipients{status ? ` ${status}` : ""}.</p>
        : (
          <TableScroll label="Recipients">
            <table>
              <thead>
                <tr>
                  <th scope="col">Recipient</th>
                  <th scope="col">Status</th>
                  <th scope="col">Attempts</th>
                  <th scope="col">Reason / sent at</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((r) => (
                  <tr key={r.email}>
                    <td>
                      {r.name && <span>{r.name}</span>}{" "}
                      <span class="muted">{r.email}</span>
                    </td>
                    <td>
                      <span class={`status status-${r.status}`}>
                        {r.status}
                      </span>
                    </td>
                    <td>{r.attempts ?? ""}</td>
                    <td>
                      {r.error ??
                        (r.sentAt
                          ? r.sentAt.replace("T", " ").slice(0, 19)
                          : "")}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableScroll>
        )}
    </section>
  );
}
