import assert from "node:assert/strict";
import { ForbiddenError, NotFoundError } from "../lib/errors.ts";
import { GroupCommitter } from "../lib/chat/group_commit.ts";
import {
  deleteMessage,
  editMessage,
  listMessages,
  loadFirstScreen,
  parseHistoryQuery,
  sendMessage,
} from "../lib/chat/messages.ts";
import { addMember, createRoom } from "../lib/chat/rooms.ts";

const exists = () => Promise.resolve(true);

async function setup() {
  const kv = await Deno.openKv(":memory:");
  const w = new GroupCommitter(kv);
  const room = await createRoom(kv, "alice", {
    name: "r",
    visibility: "private",
  });
  await addMember(kv, "alice", room.id, "bob", exists);
  return {
    kv,
    w,
    room: room.id,
    async [Symbol.asyncDispose]() {
      await w.close();
      kv.close();
    },
  };
}

Deno.test("messages: concurrent sends get gap-free seqs in one or few commits", async () => {
  await using s = await setup();
  const sent = await Promise.all(
    Array.from(
      { length: 150 },
      (_, i) =>
        sendMessage(s.kv, s.w, i % 2 ? "alice" : "bob", s.room, {
          text: `hello ${i}`,
          cid: `c${i}`,
        }),
    ),
  );
  const seqs = sent.map((r) => r.message.seq).sort((a, b) => a - b);
  assert.deepEqual(seqs, Array.from({ length: 150 }, (_, i) => i + 1));
  assert.ok(s.w.commits < 150, `expected batching, got ${s.w.commits} commits`);
  const log = await listMessages(s.kv, "alice", s.room, { limit: 200 });
  assert.deepEqual(log.map((m) => m.seq), seqs);
  // Every sender's messages are all there once. (Calls made concurrently
  // have no order between them; a socket's frames are ordered by the hub.)
  const bobs = log.filter((m) => m.author === "bob").map((m) => m.text);
  assert.deepEqual(
    bobs.sort(),
    Array.from({ length: 75 }, (_, i) => `hello ${i * 2}`).sort(),
  );
});

Deno.test("messages: a resent cid returns the original message and stores nothing new", async () => {
  await using s = await setup();
  const a = await sendMessage(s.kv, s.w, "alice", s.room, {
    text: "once",
    cid: "same",
  });
  assert.equal(a.duplicate, false);
  const [b, c] = await Promise.all([
    sendMessage(s.kv, s.w, "alice", s.room, { text: "twice", cid: "same" }),
    sendMessage(s.kv, s.w, "alice", s.room, { text: "thrice", cid: "same" }),
  ]);
  for (const r of [b, c]) {
    assert.equal(r.duplicate, true);
    assert.equal(r.message.id, a.message.id);
    assert.equal(r.message.seq, a.message.seq);
    assert.equal(r.message.text, "once");
  }
  // Same cid twice inside one batch: one message.
  const [d, e] = await Promise.all([
    sendMessage(s.kv, s.w, "bob", s.room, { text: "x", cid: "n" }),
    sendMessage(s.kv, s.w, "bob", s.room, { text: "x", cid: "n" }),
  ]);
  assert.equal(d.message.id, e.message.id);
  assert.equal(d.duplicate !== e.duplicate, true);
  const log = await listMessages(s.kv, "bob", s.room);
  assert.deepEqual(log.map((m) => m.text), ["once", "x"]);
});

Deno.test("messages: a non-member can neither send nor read", async () => {
  await using s = await setup();
  await assert.rejects(
    sendMessage(s.kv, s.w, "carol", s.room, { text: "hi", cid: "1" }),
    NotFoundError,
  );
  await assert.rejects(listMessages(s.kv, "carol", s.room), NotFoundError);
  await assert.rejects(loadFirstScreen(s.kv, "carol", s.room), NotFoundError);
  assert.deepEqual(await listMessages(s.kv, "alice", s.room), []);
});

Deno.test("messages: text must be 1 to 4000 characters after trimming", async () => {
  await using s = await setup();
  for (const text of ["", "  \n ", "x".repeat(4001), 42]) {
    await assert.rejects(
      sendMessage(s.kv, s.w, "alice", s.room, { text, cid: "c" }),
      { code: "invalid_text" },
    );
  }
  await assert.rejects(
    sendMessage(s.kv, s.w, "alice", s.room, { text: "ok", cid: "" }),
    { code: "invalid_cid" },
  );
  const r = await sendMessage(s.kv, s.w, "alice", s.room, {
    text: ` <script>alert(1)</script> `,
    cid: "x",
  });
  assert.equal(r.message.text, "<script>alert(1)</script>");
  assert.equal((await listMessages(s.kv, "alice", s.room)).length, 1);
});

Deno.test("messages: only the author edits or deletes; delete leaves a tombstone", async () => {
  await using s = await setup();
  const { message: m } = await sendMessage(s.kv, s.w, "alice", s.room, {
    text: "draft",
    cid: "c",
  });
  await assert.rejects(
    editMessage(s.kv, "bob", s.room, m.id, "hacked"),
    ForbiddenError,
  );
  await assert.rejects(
    deleteMessage(s.kv, "bob", s.room, m.id),
    ForbiddenError,
  );
  await assert.rejects(
    editMessage(s.kv, "carol", s.room, m.id, "x"),
    NotFoundError,
  );
  await assert.rejects(
    editMessage(s.kv, "alice", s.room, "NOPE", "x"),
    NotFoundError,
  );
  await assert.rejects(editMessage(s.kv, "alice", s.room, m.id, " "), {
    code: "invalid_text",
  });
  const e = await editMessage(s.kv, "alice", s.room, m.id, "final");
  assert.equal(e.text, "final");
  assert.ok(e.editedAt);
  assert.equal(e.seq, m.seq);
  const d = await deleteMessage(s.kv, "alice", s.room, m.id);
  assert.equal(d.deleted, true);
  assert.equal(d.text, "");
  const [t] = await listMessages(s.kv, "bob", s.room);
  assert.deepEqual(t, d);
  await assert.rejects(
    editMessage(s.kv, "alice", s.room, m.id, "again"),
    NotFoundError,
  );
});

Deno.test("messages: history pages with before, after and limit", async () => {
  await using s = await setup();
  for (let i = 1; i <= 30; i++) {
    await sendMessage(s.kv, s.w, "alice", s.room, {
      text: `m${i}`,
      cid: `${i}`,
    });
  }
  const seqs = async (q: Record<string, unknown>) =>
    (await listMessages(s.kv, "bob", s.room, parseHistoryQuery(q))).map((m) =>
      m.seq
    );
  assert.deepEqual(await seqs({ limit: "3" }), [28, 29, 30]);
  assert.deepEqual(await seqs({ before: "5" }), [1, 2, 3, 4]);
  assert.deepEqual(await seqs({ before: 20, limit: 2 }), [18, 19]);
  assert.deepEqual(await seqs({ after: 27 }), [28, 29, 30]);
  assert.deepEqual(await seqs({ after: 0, limit: 2 }), [1, 2]);
  assert.deepEqual(await seqs({ after: 3, before: 7 }), [4, 5, 6]);
  assert.deepEqual(await seqs({ after: 3, before: 4 }), []);
  assert.deepEqual(await seqs({ after: 30 }), []);
  for (
    const q of [{ limit: 0 }, { limit: 201 }, { before: -1 }, { after: "x" }]
  ) {
    assert.throws(() => parseHistoryQuery(q), { code: "invalid_query" });
  }
  assert.equal((await seqs({ limit: 200 })).length, 30);
  const first = await loadFirstScreen(s.kv, "bob", s.room, 10);
  assert.equal(first.latestSeq, 30);
  assert.deepEqual(first.messages.map((m) => m.seq), [
    21,
    22,
    23,
    24,
    25,
    26,
    27,
    28,
    29,
    30,
  ]);
  assert.equal(first.room.name, "r");
});
