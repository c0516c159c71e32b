/**
 * Browser-side calls to the contacts API (same origin, session cookie).
 * Pure fetch helpers: no KV, safe for islands.
 * @module
 */
import type { Contact, ContactInput, Group } from "../../lib/contacts/model.ts";

/** An API error with its code and per-field messages. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly fields: Record<string, string> = {},
  ) {
    super(message);
  }
}

async function call<T>(path: string, init: RequestInit = {}): Promise<T> {
  const res = await fetch(path, {
    ...init,
    headers: { accept: "application/json", ...init.headers },
  });
  if (res.status === 204) return undefined as T;
  const body = await res.json().catch(() => ({}));
  if (!res.ok) {
    const e = body.error ?? {};
    throw new ApiError(
      res.status,
      e.code ?? "error",
      e.message ?? `Request failed (${res.status}).`,
      e.fields,
    );
  }
  return body as T;
}

const jsonInit = (method: string, body: unknown): RequestInit => ({
  method,
  headers: { "content-type": "application/json" },
  body: JSON.stringify(body),
});

/** One page of contacts. */
export interface Page {
  contacts: Contact[];
  cursor: string;
}

export const api = {
  list(q: string, group: string, cursor = "", limit = 50): Promise<Page> {
    const p = new URLSearchParams({ q, group, cursor, limit: String(limit) });
    return call(`/api/contacts?${p}`);
  },
  create: (c: ContactInput) =>
    call<Contact>("/api/contacts", jsonInit("POST", c)),
  update: (id: string, patch: ContactInput) =>
    call<Contact>(`/api/contacts/${id}`, jsonInit("PATCH", patch)),
  remove: (id: string) =>
    call<void>(`/api/contacts/${id}`, { method: "DELETE" }),
  groups: async () => (await call<{ groups: Group[] }>("/api/groups")).groups,
  createGroup: (name: string) =>
    call<Group>("/api/groups", jsonInit("POST", { name })),
  renameGroup: (id: string, name: string) =>
    call<Group>(`/api/groups/${id}`, jsonInit("PATCH", { name })),
  deleteGroup: (id: string) =>
    call<void>(`/api/groups/${id}`, { method: "DELETE" }),
  bulk: (body: {
    action: "add_to_group" | "remove_from_group" | "delete" | "restore";
    ids?: string[];
    groupId?: string;
    contacts?: Contact[];
  }) => call<BulkResult>("/api/contacts/bulk", jsonInit("POST", body)),
};

/** The answer of `POST /api/contacts/bulk`. */
export interface BulkResult {
  action: string;
  done: number;
  notFound: string[];
  errors: { id: string; message: string }[];
  contacts: Contact[];
}

/** Import report (DESIGN.md §9). */
export interface Report {
  imported: number;
  updated: number;
  skipped: number;
  errors: { line: number; message: string }[];
  /** Rows imported without a field that was invalid. */
  warnings?: { line: number; message: string }[];
}

/**
 * Uploads a file for import and reads the streamed progress lines;
 * `onProgress(done, total)` runs after each stored batch.
 */
export async function importFile(
  text: string,
  format: "csv" | "vcard",
  onProgress: (done: number, total: number) => void,
): Promise<Report> {
  const res = await fetch("/api/contacts/import", {
    method: "POST",
    headers: {
      "content-type": format === "csv" ? "text/csv" : "text/vcard",
      accept: "application/x-ndjson",
    },
    body: text,
  });
  if (!res.ok || !res.body) {
    const body = await res.json().catch(() => ({}));
    const e = body.error ?? {};
    throw new ApiError(
      res.status,
      e.code ?? "error",
      e.message ?? `Import failed (${res.status}).`,
    );
  }
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  for (;;) {
    const { done, value } = await reader.read();
    if (value) buffer += value;
    let nl;
    while ((nl = buffer.indexOf("\n")) >= 0) {
      const msg = JSON.parse(buffer.slice(0, nl));
      buffer = buffer.slice(nl + 1);
      if (msg.type === "progress") onProgress(msg.done, msg.total);
      else if (msg.type === "report") {
        const { type: _t, ...report } = msg;
        return report as Report;
      } else if (msg.type === "error") {
        throw new ApiError(500, msg.error.code, msg.error.message);
      }
    }
    if (done) {
      throw new ApiError(
        500,
        "incomplete",
        "The import stopped without a report.",
      );
    }
  }
}
