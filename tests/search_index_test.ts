/** The search index against a full scan on the same data (lib level, real KV). */
import assert from "node:assert/strict";
import { GroupCommitter } from "../lib/chat/group_commit.ts";
import { messageIndexHook } from "../lib/chat/message_indexes.ts";
import { memberKey, roomKey, userRoomKey } from "../lib/chat/keys.ts";
import { parseSearch } from "../lib/search/query.ts";
import { fullScanSearch, searchMessages } from "../lib/search/search.ts";
import { withKv } from "./helpers/kv.ts";

Deno.test("search index: every query answers exactly what a full scan answers, across rooms, far-apart words and pages", async () => {
  await withKv(async (kv) => {
    const rooms = ["ra", "rb", "rc"];
    const op = kv.atomic();
    for (const r of rooms) {
      const room = {
        id: r,
        name: r,
        visibility: "private",
        createdBy: "u",
        createdAt: "2026-01-01T00:00:00.000Z",
      };
      op.set(roomKey(r), room).set(memberKey(r, "u"), {}).set(
        userRoomKey("u", r),
        {},
      );
    }
    await op.commit();
    const writer = new GroupCommitter(kv, { hooks: [messageIndexHook] });
    const words = ["alpha", "alpine", "beta", "gamma", "Ωmega", "délta"];
    const sends = [];
    for (let i = 0; i < 900; i++) {
      const text = [
        words[i % 3],
        i % 5 === 0 ? "gamma" : "x",
        i === 17 || i === 801 ? "Ωmega rare" : "y",
        i % 97 === 0 ? "délta" : "z",
      ].join(" ");
      sends.push(
        writer.send({
          room: rooms[i % 3],
          author: i % 2 ? "ann" : "bob",
          text,
          cid: `c${i}`,
        }),
      );
    }
    await Promise.all(sends);
    await writer.close();
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
    for (const text of queries) {
      const q = parseSearch({ q: text, limit: "50" });
      const scan = (await fullScanSearch(kv, "u", { ...q, limit: 10_000 }))
        .map((h) => `${h.room.id}:${h.message.seq}`);
      const paged: string[] = [];
      let cursor = "";
      for (let n = 0; n < 100; n++) {
        const page = await searchMessages(
          kv,
          "u",
          parseSearch({ q: text, limit: "50", cursor }),
        );
        paged.push(...page.results.map((h) => `${h.room.id}:${h.message.seq}`));
        cursor = page.cursor;
        if (!cursor) break;
      }
      assert.deepEqual(paged, scan, text);
    }
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
