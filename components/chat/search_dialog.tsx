import { useEffect, useRef, useState } from "preact/hooks";
import type { SearchResult } from "../../lib/chat/client/api_essentials.ts";
import { timeOfDay } from "../../lib/chat/client/format.ts";
import {
  collectPages,
  searchStatus,
} from "../../lib/chat/client/search_pages.ts";

/** Props of {@link SearchDialog}. */
export interface SearchDialogProps {
  search: (
    q: string,
    cursor?: string,
  ) => Promise<{ results: SearchResult[]; cursor: string }>;
  onOpen: (room: string, seq: number) => void;
  onClose: () => void;
}

/** Message text with the highlighted ranges in `<mark>` (text nodes only). */
export function Highlighted(
  { text, ranges }: { text: string; ranges: { start: number; end: number }[] },
) {
  const out = [];
  let at = 0;
  for (const [i, r] of ranges.entries()) {
    if (r.start < at || r.end > text.length) continue;
    out.push(text.slice(at, r.start));
    out.push(<mark key={i}>{text.slice(r.start, r.end)}</mark>);
    at = r.end;
  }
  out.push(text.slice(at));
  return <>{out}</>;
}

/** Groups results by room, keeping the newest-first order of rooms' first hits. */
function byRoom(results: SearchResult[]) {
  const groups = new Map<string, { name: string; items: SearchResult[] }>();
  for (const r of results) {
    const g = groups.get(r.room.id) ??
      {
        name: r.room.visibility === "direct"
          ? `@${r.room.name}`
          : `#${r.room.name}`,
        items: [],
      };
    g.items.push(r);
    groups.set(r.room.id, g);
  }
  return [...groups.entries()];
}

/**
 * Message search (Ctrl+K or /): results grouped by room with the matched
 * words marked; choosing one opens the room at that message.
 */
export function SearchDialog(p: SearchDialogProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const input = useRef<HTMLInputElement>(null);
  const [q, setQ] = useState("");
  const [results, setResults] = useState<SearchResult[]>([]);
  const [cursor, setCursor] = useState("");
  const [status, setStatus] = useState("");
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    const d = ref.current;
    if (d && !d.open) d.showModal();
    input.current?.focus();
    return () => d?.open && d.close();
  }, []);
  const run = async (more = false) => {
    const text = q.trim();
    if (!text) return;
    setBusy(true);
    try {
      const page = await collectPages(
        (c) => p.search(text, c),
        more ? cursor : "",
      );
      const all = more ? [...results, ...page.results] : page.results;
      setResults(all);
      setCursor(page.cursor);
      setStatus(searchStatus(all.length, !!page.cursor));
    } catch (e) {
      setStatus((e as Error).message);
    } finally {
      setBusy(false);
    }
  };
  return (
    <dialog
      ref={ref}
      class="chat-dialog chat-search"
      aria-labelledby="chat-search-title"
      onClose={p.onClose}
      onCancel={p.onClose}
    >
      <h2 id="chat-search-title">Search messages</h2>
      <form
        role="search"
        onSubmit={(e) => {
          e.preventDefault();
          run();
        }}
      >
        <label for="chat-search-q" class="sr-only">Search messages</label>
        <input
          id="chat-search-q"
          ref={input}
          type="search"
          value={q}
          maxLength={200}
          autoComplete="off"
          placeholder='Words, "a phrase", from:name, in:#room'
          aria-describedby="chat-search-status"
          onInput={(e) => setQ(e.currentTarget.value)}
          onKeyDown={(e) => {
            if (e.key === "ArrowDown") {
              e.preventDefault();
              ref.current?.querySelector<HTMLButtonElement>(
                ".chat-search-hit",
              )?.focus();
            }
          }}
        />
        <button type="submit" disabled={busy}>Search</button>
      </form>
      <p id="chat-search-status" class="chat-muted" role="status">
        {busy ? "Searching…" : status}
      </p>
      <div
        class="chat-search-results"
        onKeyDown={(e) => {
          if (e.key !== "ArrowDown" && e.key !== "ArrowUp") return;
          const hits = [
            ...ref.current!.querySelectorAll<HTMLButtonElement>(
              ".chat-search-hit",
            ),
          ];
          const i = hits.indexOf(document.activeElement as HTMLButtonElement);
          if (i < 0) return;
          e.preventDefault();
          const next = i + (e.key === "ArrowDown" ? 1 : -1);
          if (next < 0) input.current?.focus();
          else hits[Math.min(next, hits.length - 1)].focus();
        }}
      >
        {byRoom(results).map(([id, g]) => (
          <section key={id} aria-label={`Results in ${g.name}`}>
            <h3>{g.name}</h3>
            <ul>
              {g.items.map((r) => (
                <li key={r.message.id}>
                  <button
                    type="button"
                    class="chat-search-hit"
                    onClick={() => {
                      p.onOpen(r.room.id, r.message.seq);
                      p.onClose();
                    }}
                  >
                    <span class="chat-search-meta">
                      <strong>{r.message.author}</strong>{" "}
                      <time dateTime={r.message.createdAt}>
                        {new Date(r.message.createdAt).toLocaleDateString()}
                        {" "}
                        {timeOfDay(r.message.createdAt)}
                      </time>
                    </span>
                    <span class="chat-search-text">
                      <Highlighted
                        text={r.message.text}
                        ranges={r.highlights}
                      />
                    </span>
                  </button>
                </li>
              ))}
            </ul>
          </section>
        ))}
      </div>
      <div class="chat-dialog-actions">
        {cursor && (
          <button
            type="button"
            disabled={busy}
            onClick={() => run(true)}
          >
            More results
          </button>
        )}
        <button type="button" onClick={p.onClose}>Close</button>
      </div>
    </dialog>
  );
}
