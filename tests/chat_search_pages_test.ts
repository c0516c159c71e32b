/** The search dialog's paging over budget-limited answers (pure). */
import assert from "node:assert/strict";
import { collectPages, searchStatus } from "../lib/chat/client/search_pages.ts";

/** A server whose answers are the given pages, in order, by cursor. */
function server(pages: number[][]) {
  const asked: string[] = [];
  const fetchPage = (cursor: string) => {
    asked.push(cursor);
    const i = cursor ? Number(cursor) : 0;
    return Promise.resolve({
      results: pages[i],
      cursor: i + 1 < pages.length ? String(i + 1) : "",
    });
  };
  return { asked, fetchPage };
}

Deno.test("search dialog: pages that stopped at the server's budget with nothing are followed until results come", async () => {
  const s = server([[], [], [1, 2], [3]]);
  const got = await collectPages(s.fetchPage, "", 2, 4);
  assert.deepEqual(got, { results: [1, 2], cursor: "3" });
  assert.deepEqual(s.asked, ["", "1", "2"]);
});

Deno.test("search dialog: at most a few requests per search, then the cursor is kept for More results", async () => {
  const s = server([[], [], [], [], [], [7]]);
  const got = await collectPages(s.fetchPage, "", 20, 4);
  assert.deepEqual(got, { results: [], cursor: "4" });
  assert.equal(s.asked.length, 4);
  const more = await collectPages(s.fetchPage, got.cursor, 20, 4);
  assert.deepEqual(more, { results: [7], cursor: "" });
});

Deno.test("search dialog: the status never says 'no match' while older messages remain", () => {
  assert.equal(searchStatus(0, false), "No messages match.");
  assert.match(searchStatus(0, true), /No match in the newest messages yet/);
  assert.equal(searchStatus(1, false), "1 result.");
  assert.equal(searchStatus(20, true), "20+ results.");
});
