import assert from "node:assert/strict";
import {
  createContact,
  deleteContact,
  updateContact,
} from "../lib/contacts/contacts.ts";
import { importContacts } from "../lib/contacts/import.ts";
import { listContacts } from "../lib/contacts/search.ts";
import { withKv } from "./helpers/kv.ts";
import {
  addIdsWithPrefix,
  encodePartition,
  type Partition,
} from "../lib/contacts/search_index.ts";

/** The plain reading: every line, split, compared. */
function naive(text: string, word: string): Set<string> {
  const out = new Set<string>();
  for (const line of text.split("\n")) {
    const tab = line.indexOf("\t");
    if (tab < word.length || !line.startsWith(word)) continue;
    for (const id of line.slice(tab + 1).split(" ")) if (id) out.add(id);
  }
  return out;
}

Deno.test("contacts index: a piece yields exactly the ids of tokens starting with the word (first line, last line, split lines)", () => {
  let seed = 7;
  const rnd = (n: number) => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed % n;
  };
  const letters = "abcj";
  for (let round = 0; round < 200; round++) {
    const p: Partition = new Map();
    const tokens = 1 + rnd(12);
    for (let t = 0; t < tokens; t++) {
      let token = "jo";
      for (let k = rnd(4); k > 0; k--) token += letters[rnd(letters.length)];
      const ids = p.get(token) ?? new Set<string>();
      // Sometimes enough ids to split the token over several lines.
      for (let k = rnd(3) === 0 ? 600 : 1 + rnd(5); k > 0; k--) {
        ids.add(`ID${rnd(10_000)}`);
      }
      p.set(token, ids);
    }
    for (const piece of encodePartition(p)) {
      for (const word of ["j", "jo", "joa", "job", "joaa", "jocc", "jx"]) {
        const got = new Set<string>();
        addIdsWithPrefix(piece, word, got);
        assert.deepEqual(got, naive(piece, word), `${word} in ${piece}`);
      }
    }
  }
});

Deno.test("contacts search: pieces read for one search are not reused once the book changed (edit, import, delete)", async () => {
  await withKv(async (kv) => {
    const names = async (q: string) =>
      (await listContacts(kv, "u1", { q, limit: 50 })).contacts.map((c) =>
        c.name
      ).sort();
    const jose = await createContact(kv, "u1", { name: "José Álvarez" });
    assert.deepEqual(await names("jos"), ["José Álvarez"]);
    assert.deepEqual(await names("jos"), ["José Álvarez"]); // read again: same
    await updateContact(kv, "u1", jose.id, { name: "Josefa Álvarez" });
    assert.deepEqual(await names("jos"), ["Josefa Álvarez"]);
    await importContacts(
      kv,
      "u1",
      "name,email\nJoseph Roe,jr@x.example\n",
      "csv",
    );
    assert.deepEqual(await names("jos"), ["Josefa Álvarez", "Joseph Roe"]);
    await deleteContact(kv, "u1", jose.id);
    assert.deepEqual(await names("jos"), ["Joseph Roe"]);
    assert.deepEqual(await names("j"), ["Joseph Roe"]); // one-letter range too
  });
});

Deno.test("contacts search: two stores with the same owner id never share read pieces", async () => {
  await withKv(async (a) => {
    await withKv(async (b) => {
      await createContact(a, "u1", { name: "Anna In A" });
      await createContact(b, "u1", { name: "Anna In B" });
      const find = async (kv: Deno.Kv) =>
        (await listContacts(kv, "u1", { q: "anna" })).contacts.map((c) =>
          c.name
        );
      assert.deepEqual(await find(a), ["Anna In A"]);
      assert.deepEqual(await find(b), ["Anna In B"]);
      assert.deepEqual(await find(a), ["Anna In A"]);
    });
  });
});
