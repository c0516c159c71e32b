import assert from "node:assert/strict";
import { GroupCommitter } from "../lib/chat/group_commit.ts";
import { readLog } from "../lib/chat/messages.ts";
import { withKv } from "./helpers/kv.ts";

Deno.test("group commit: two writers on one KV file keep each room's seq gap-free and unique", async () => {
  const dir = await Deno.makeTempDir();
  const path = `${dir}/chat.kv`;
  const kvA = await Deno.openKv(path);
  const kvB = await Deno.openKv(path);
  const a = new GroupCommitter(kvA);
  const b = new GroupCommitter(kvB);
  try {
    const rooms = ["R1", "R2", "R3"];
    const sends = [];
    for (let i = 0; i < 300; i++) {
      const w = i % 2 ? a : b;
      sends.push(w.send({
        room: rooms[i % 3],
        author: i % 2 ? "alice" : "bob",
        text: `m${i}`,
        cid: `c${i}`,
      }));
    }
    const results = await Promise.all(sends);
    assert.ok(results.every((r) => !r.duplicate));
    for (const room of rooms) {
      const log = await readLog(kvA, room, { after: 0, limit: 200 });
      assert.deepEqual(
        log.map((m) => m.seq),
        Array.from({ length: 100 }, (_, i) => i + 1),
      );
      // The acked seq is the stored one.
      for (const m of log) {
        const r = results.find((r) => r.message.id === m.id)!;
        assert.equal(r.message.seq, m.seq);
      }
    }
    // Same cid through both writers at once: one message.
    const [x, y] = await Promise.all([
      a.send({ room: "R9", author: "alice", text: "x", cid: "dup" }),
      b.send({ room: "R9", author: "alice", text: "x", cid: "dup" }),
    ]);
    assert.equal(x.message.id, y.message.id);
    assert.equal((await readLog(kvB, "R9", {})).length, 1);
  } finally {
    await a.close();
    await b.close();
    kvA.close();
    kvB.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("group commit: batches respect KV limits for many rooms and large messages", async () => {
  const kv = await Deno.openKv(":memory:");
  const sizes: number[] = [];
  const w = new GroupCommitter(kv, { onCommit: (n) => sizes.push(n) });
  try {
    const big = "😀".repeat(4000); // 16 KB of UTF-8
    const sends = [];
    for (let i = 0; i < 400; i++) {
      sends.push(w.send({
        room: `room${i % 25}`,
        author: "alice",
        text: i % 4 === 0 ? big : `small ${i}`,
        cid: `c${i}`,
      }));
    }
    const results = await Promise.all(sends);
    assert.equal(results.length, 400);
    assert.equal(sizes.reduce((a, b) => a + b, 0), 400);
    assert.ok(sizes.length > 1 && sizes.length < 400, `${sizes}`);
    for (let r = 0; r < 25; r++) {
      const log = await readLog(kv, `room${r}`, { after: 0, limit: 200 });
      assert.deepEqual(
        log.map((m) => m.seq),
        Array.from({ length: 16 }, (_, i) => i + 1),
      );
      // Order of sends per room is kept.
      assert.deepEqual(
        log.map((m) => m.cid),
        Array.from({ length: 16 }, (_, i) => `c${r + 25 * i}`),
      );
    }
  } finally {
    await w.close();
    kv.close();
  }
});

Deno.test("group commit: a closed writer refuses new sends after flushing queued ones", async () => {
  const kv = await Deno.openKv(":memory:");
  const w = new GroupCommitter(kv);
  const p = w.send({ room: "R", author: "a", text: "t", cid: "1" });
  await w.close();
  assert.equal((await p).message.seq, 1);
  await assert.rejects(w.send({ room: "R", author: "a", text: "t", cid: "2" }));
  kv.close();
});

Deno.test("group commit: long cids and usernames stay under KV's key-size limit", async () => {
  const kv = await Deno.openKv(":memory:");
  const w = new GroupCommitter(kv);
  try {
    const cid = "é".repeat(120);
    const results = await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        w.send({
          room: "01KAAAAAAAAAAAAAAAAAAAAAAA",
          author: "a".repeat(32),
          text: "hi",
          cid: cid + i,
        })),
    );
    assert.deepEqual(
      results.map((r) => r.message.seq),
      Array.from({ length: 200 }, (_, i) => i + 1),
    );
  } finally {
    await w.close();
    kv.close();
  }
});

Deno.test("group commit: a guard refuses only the sends it rejects and the batch's seqs stay gap-free", async () => {
  const kv = await Deno.openKv(":memory:");
  await kv.set(["allowed", "ok"], true);
  let reads = 0;
  const w = new GroupCommitter(kv, {
    guards: [{
      keys: (input) => {
        reads++;
        return [["allowed", input.author]];
      },
      check: (_input, [entry]) => {
        if (entry.value !== true) throw new Error("not allowed");
      },
    }],
  });
  try {
    const sends = ["ok", "no", "ok", "no", "ok"].map((author, i) =>
      w.send({ room: "R", author, text: `t${i}`, cid: `c${i}` })
    );
    const results = await Promise.allSettled(sends);
    assert.deepEqual(results.map((r) => r.status), [
      "fulfilled",
      "rejected",
      "fulfilled",
      "rejected",
      "fulfilled",
    ]);
    const log = await readLog(kv, "R", {});
    assert.deepEqual(log.map((m) => [m.seq, m.text]), [
      [1, "t0"],
      [2, "t2"],
      [3, "t4"],
    ]);
    assert.equal(reads, 5, "keys() asked once per send");
  } finally {
    await w.close();
    kv.close();
  }
});

Deno.test("group commit: with more than 10 rooms per batch, the rooms' counters count against KV's 1,000 mutations", async () => {
  const kv = await Deno.openKv(":memory:");
  const sizes: number[] = [];
  const w = new GroupCommitter(kv, {
    maxRooms: 50,
    maxMessages: 1000,
    onCommit: (n) => sizes.push(n),
  });
  try {
    const sends = Array.from(
      { length: 300 },
      (_, i) =>
        w.send({ room: `R${i % 50}`, author: `u${i}`, text: "t", cid: `${i}` }),
    );
    const results = await Promise.all(sends);
    assert.equal(results.length, 300);
    assert.equal(sizes.reduce((a, b) => a + b, 0), 300);
    assert.ok(sizes.length >= 2);
  } finally {
    await w.close();
    kv.close();
  }
});

for (const batchOf of [1, 11]) {
  Deno.test(`group commit: a cid sent to two instances at once is stored once, whichever reads first (a batch of ${batchOf})`, async () => {
    await withKv(async (kv) => {
      // Instance A's read of the room counter is held until instance B has
      // committed the same cid: the interleaving that let A miss B's cid.
      // A batch of 11 sends has more keys than one getMany reads at once.
      let release!: () => void;
      const held = new Promise<void>((r) => (release = r));
      let counterReads = 0;
      let holding = false;
      const holdAt = batchOf === 1 ? 1 : 2;
      const slowCounters = new Proxy(kv, {
        get(target, prop) {
          if (prop === "getMany") {
            return async (keys: Deno.KvKey[]) => {
              if (keys[0]?.[0] === "chat_seq" && ++counterReads === holdAt) {
                holding = true;
                await held;
              }
              return await target.getMany(keys);
            };
          }
          const v = Reflect.get(target, prop, target);
          return typeof v === "function" ? v.bind(target) : v;
        },
      });
      const a = new GroupCommitter(slowCounters);
      const b = new GroupCommitter(kv);
      const input = { room: "r1", author: "ann", text: "once", cid: "c-1" };
      // With a batch of 11, a first send occupies A's writer so that the
      // contested cid and ten others are queued into its next batch.
      const warm = batchOf === 1 ? [] : [a.send({ ...input, cid: "warm" })];
      const others = Array.from(
        { length: batchOf - 1 },
        (_, i) => a.send({ ...input, cid: `other-${i}` }),
      );
      const first = a.send(input);
      while (!holding) await new Promise((r) => setTimeout(r, 1));
      const second = await b.send(input);
      release();
      const late = await first;
      await Promise.all([...warm, ...others]);
      await a.close();
      await b.close();
      assert.equal(second.duplicate, false);
      assert.equal(late.duplicate, true);
      assert.equal(late.message.id, second.message.id);
      const stored: string[] = [];
      for await (
        const e of kv.list<{ cid: string }>({ prefix: ["chat_msg", "r1"] })
      ) {
        stored.push(e.value.cid);
      }
      assert.equal(stored.filter((c) => c === "c-1").length, 1);
      assert.equal(stored.length, batchOf + (batchOf === 1 ? 0 : 1));
    });
  });
}
