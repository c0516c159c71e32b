/** The byte layout of a search posting's value. */
import assert from "node:assert/strict";
import { encodePosting, readPosting } from "../lib/search/posting_value.ts";

Deno.test("search postings: a value reads back as written, for any date and 24-bit hashes", () => {
  for (
    const t of [0, Date.UTC(2026, 10, 30, 5, 0, 0, 123), 2 ** 47 + 12345]
  ) {
    const v = encodePosting(t, 0xabcdef, [0, 0xffffff, 42], [7]);
    assert.ok(v instanceof Uint8Array);
    assert.deepEqual(readPosting(v), {
      t,
      author: 0xabcdef,
      next: [0, 0xffffff, 42],
      prev: [7],
    });
  }
  assert.deepEqual(readPosting(encodePosting(5, 1, [], [])), {
    t: 5,
    author: 1,
    next: [],
    prev: [],
  });
});

Deno.test("search postings: too many neighbours to keep rule nothing out on that side", () => {
  const many = Array.from({ length: 300 }, (_, i) => i);
  const v = readPosting(encodePosting(9, 2, many, [3, 4]));
  assert.equal(v.next, undefined);
  assert.deepEqual(v.prev, [3, 4]);
  const w = readPosting(encodePosting(9, 2, [1], many));
  assert.deepEqual(w.next, [1]);
  assert.equal(w.prev, undefined);
});

Deno.test("search postings: values of the earlier layouts still read", () => {
  assert.deepEqual(readPosting(1234), { t: 1234 });
  assert.deepEqual(readPosting([1234, 9, 1, 2]), {
    t: 1234,
    author: 9,
    next: [1, 2],
  });
});
