import assert from "node:assert/strict";
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
