/** The search index against a full scan on the same data (lib level, real KV). */
import assert from "node:assert/strict";
import { GroupCommitter } from "../lib/chat/group_commit.ts";
import { messageIndexHook } from "../lib/chat/message_indexes.ts";
import { editMessage } from "../lib/chat/messages.ts";
import { memberKey, roomKey, userRoomKey } from "../lib/chat/keys.ts";
import { type PostingValue, readPosting } from "../lib/search/posting_value.ts";
import { parseSearch } from "../lib/search/query.ts";
import { fullScanSearch } from "../lib/search/full_scan.ts";
import { searchMessages } from "../lib/search/search.ts";
import { withKv } from "./helpers/kv.ts";

Deno.test("search index: every query answers exactly what a full scan answers, across rooms, far-apart words and pages", async () => {
  await withKv(async (kv) => {
    const words = ["alpha", "alpine", "beta", "gamma", "Ωmega", "délta"];
    const texts = Array.from({ length: 900 }, (_, i) =>
      [
        words[i % 3],
        i % 5 === 0 ? "gamma" : "x",
        i === 17 || i === 801 ? "Ωmega rare" : "y",
        i % 97 === 0 ? "délta" : "z",
      ].join(" "));
    await writeMessages(kv, ["ra", "rb", "rc"], texts, 3);
    const queries = [
      "alp",
      "alpha gamma",
      "al omega",
      "ωmega rare",
      '"omega rare"',
      "delta",
      "gam from:ann",
      "beta delta",
      "nothing",
    ];
    for (const text of queries) await assertSameAsScan(kv, text, "50");
  });
});

Deno.test("search index: long messages (64 indexed words each) sent at once stay within KV's 1,000 mutations per atomic", async () => {
  await withKv(async (kv) => {
    let commits = 0;
    const writer = new GroupCommitter(kv, {
      hooks: [messageIndexHook],
      onCommit: () => commits++,
    });
    const words = Array.from({ length: 80 }, (_, i) => `word${i}x`);
    const sends = Array.from({ length: 120 }, (_, i) =>
      writer.send({
        room: `room${i % 5}`,
        author: "ann",
        text: `${words.join(" ")} n${i}`,
        cid: `c${i}`,
      }));
    const results = await Promise.all(sends);
    await writer.close();
    assert.equal(results.length, 120);
    assert.ok(commits >= 120 * 68 / 1000, `${commits} commits`);
    let postings = 0;
    for await (const _ of kv.list({ prefix: ["chat_sx", "room0"] })) {
      postings++;
    }
    assert.equal(postings, 24 * 64);
  });
});

/**
 * Writes `texts` (one message each, round-robin over `rooms`) through the
 * group commit; the searching user "u" is in the first `readable` rooms.
 */
async function writeMessages(
  kv: Deno.Kv,
  rooms: string[],
  texts: string[],
  readable = rooms.length - 1,
) {
  const op = kv.atomic();
  for (const [i, r] of rooms.entries()) {
    op.set(roomKey(r), {
      id: r,
      name: r,
      visibility: "private",
      createdBy: "u",
      createdAt: "2026-01-01T00:00:00.000Z",
    });
    if (i < readable) {
      op.set(memberKey(r, "u"), {}).set(userRoomKey("u", r), {});
    }
  }
  await op.commit();
  const writer = new GroupCommitter(kv, { hooks: [messageIndexHook] });
  await Promise.all(texts.map((text, i) =>
    writer.send({
      room: rooms[i % rooms.length],
      author: i % 2 ? "ann" : "bob",
      text,
      cid: `c${i}`,
    })
  ));
  await writer.close();
}

/** Every page of `text` joined, against the full scan; returns the count. */
async function assertSameAsScan(
  kv: Deno.Kv,
  text: string,
  limit = "20",
  budget?: number,
): Promise<number> {
  const q = parseSearch({ q: text, limit });
  const scan = (await fullScanSearch(kv, "u", { ...q, limit: 100_000 }))
    .map((h) => `${h.room.id}:${h.message.seq}`);
  const paged: string[] = [];
  let cursor = "";
  for (let n = 0; n < 1000; n++) {
    const page = await searchMessages(
      kv,
      "u",
      parseSearch({ q: text, limit, cursor }),
      budget,
    );
    paged.push(...page.results.map((h) => `${h.room.id}:${h.message.seq}`));
    cursor = page.cursor;
    if (!cursor) break;
  }
  assert.deepEqual(paged, scan, `${text} (budget ${budget ?? "default"})`);
  return scan.length;
}

Deno.test("search index: dense and sparse words together, prefixes of many words and phrases page exactly like a full scan", async () => {
  await withKv(async (kv) => {
    let seed = 7;
    const rnd = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    // "common" is in ~80 % of messages, "rare" in ~2 %, "mid" in ~15 %;
    // "pre…" expands to 30 tokens; "tail" words are unique.
    const texts = Array.from({ length: 2400 }, (_, i) => {
      const w: string[] = [];
      if (rnd() < 0.8) w.push("common");
      if (rnd() < 0.02) w.push("rare");
      if (rnd() < 0.15) w.push("mid");
      if (rnd() < 0.3) w.push(`pre${Math.floor(rnd() * 30)}`);
      if (rnd() < 0.1) w.push("common rare");
      w.push(`tail${i}`);
      return w.sort(() => rnd() - 0.5).join(" ");
    });
    await writeMessages(kv, ["r1", "r2", "r3", "r4"], texts);
    const counts: Record<string, number> = {};
    for (
      const q of [
        "common rare",
        "rare common",
        "common mid",
        "mid rare",
        '"common rare"',
        "pre",
        "pre1 common",
        "common from:bob",
        "rare from:ann",
        "tail239",
        "tail2398",
        "common nothing",
        '"common rare" mid',
        'mid "rare common"',
        '"pre1 common"',
        'pre1 "common rare"',
        '"common rare common"',
        '"rare common" from:ann',
      ]
    ) {
      counts[q] = await assertSameAsScan(kv, q);
      // A request that runs out of its scan budget answers what it has
      // (maybe nothing) and a cursor; following it misses nothing.
      await assertSameAsScan(kv, q, "20", 37);
    }
    // The data exercise what the test is about.
    assert.ok(counts["common rare"] > 150, JSON.stringify(counts));
    assert.ok(counts["mid rare"] > 20, JSON.stringify(counts));
    assert.ok(counts["pre"] > 500, JSON.stringify(counts));
    assert.equal(counts["common nothing"], 0);
    assert.equal(counts["tail2398"], 1);
  });
});

Deno.test("search index: a word prefixing more than 50 tokens still finds the word itself", async () => {
  await withKv(async (kv) => {
    // About 67 "pre…" tokens per readable room; the two exact ones go to
    // r1 and r2 (the user is not in r3).
    const texts = Array.from({ length: 201 }, (_, i) => `pre${i} filler`);
    texts.push("pre exact", "pre exact again");
    await writeMessages(kv, ["r1", "r2", "r3"], texts);
    const page = await searchMessages(
      kv,
      "u",
      parseSearch({ q: "pre exact" }),
    );
    assert.deepEqual(
      page.results.map((h) => h.message.text),
      ["pre exact again", "pre exact"],
    );
  });
});

for (
  const [layout, rewrite] of [
    ["createdAt only", (v: PostingValue) => v.t],
    ["without the tokens before a word", (v: PostingValue) => [
      v.t,
      v.author!,
      ...v.next!,
    ]],
  ] as const
) {
  Deno.test(`search index: postings of an earlier layout (${layout}) still answer phrases and from: exactly`, async () => {
    await withKv(async (kv) => {
      const texts = Array.from(
        { length: 300 },
        (_, i) => i % 7 === 0 ? "alpha beta gamma" : `beta alpha ${i}`,
      );
      await writeMessages(kv, ["r1", "r2", "r3"], texts, 3);
      for await (const e of kv.list<Uint8Array>({ prefix: ["chat_sx"] })) {
        await kv.set(e.key, rewrite(readPosting(e.value)));
      }
      for (const q of ['"alpha beta"', '"beta alpha"', "alpha from:bob"]) {
        assert.ok((await assertSameAsScan(kv, q)) > 0, q);
      }
    });
  });
}

Deno.test("search index: a phrase of two words is found exactly whichever of them is rarer", async () => {
  await withKv(async (kv) => {
    // "common" is in every message, "rare" in a few; the phrase both ways.
    const texts = Array.from(
      { length: 400 },
      (_, i) =>
        i % 37 === 0
          ? "common rare here"
          : i % 41 === 0
          ? "then rare common"
          : `common word ${i}`,
    );
    await writeMessages(kv, ["r1", "r2"], texts, 2);
    for (const q of ['"common rare"', '"rare common"', '"then rare"']) {
      assert.ok((await assertSameAsScan(kv, q)) > 0, q);
    }
  });
});

Deno.test("search index: an edit moves the phrase and author hashes with the text", async () => {
  await withKv(async (kv) => {
    await writeMessages(kv, ["r1"], [], 1);
    const writer = new GroupCommitter(kv, { hooks: [messageIndexHook] });
    const sent = await writer.send({
      room: "r1",
      author: "u",
      text: "alpha beta",
      cid: "c1",
    });
    await writer.close();
    const phrase = async (q: string) =>
      (await searchMessages(kv, "u", parseSearch({ q }))).results.length;
    assert.equal(await phrase('"alpha beta"'), 1);
    await editMessage(kv, "u", "r1", sent.message.id, "alpha gamma beta");
    assert.equal(await phrase('"alpha beta"'), 0);
    assert.equal(await phrase('"alpha gamma"'), 1);
    assert.equal(await phrase('"gamma beta" from:u'), 1);
    assert.equal(await phrase('"gamma beta" from:ann'), 0);
  });
});
