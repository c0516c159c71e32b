/** Message search and history around a message, over HTTP and WebSocket. */
import assert from "node:assert/strict";
import { type Client, signedInClient } from "./helpers/client.ts";
import { startServer } from "./helpers/server.ts";
import { chatSocket } from "./helpers/chat_ws.ts";

type Hit = {
  room: { id: string; name: string };
  message: {
    id: string;
    seq: number;
    text: string;
    author: string;
    createdAt: string;
  };
  highlights: { start: number; end: number }[];
};
type Page = { results: Hit[]; cursor: string };

async function setup() {
  const server = await startServer({
    env: { CHAT_SEND_BURST: "100000", CHAT_SEND_PER_SECOND: "100000" },
  });
  const a = await signedInClient(server.url);
  const b = await signedInClient(server.url);
  const mk = async (name: string, visibility = "private") =>
    (await a.json<{ id: string }>("/api/rooms", {
      json: { name, visibility },
    })).body.id;
  const design = await mk("design");
  const secret = await mk("secret");
  await a.json(`/api/rooms/${design}/members`, {
    json: { username: b.username },
  });
  await a.json(`/api/rooms/${secret}/members`, {
    json: { username: b.username },
  });
  const ws = await chatSocket(a);
  await ws.subscribe(design);
  await ws.subscribe(secret);
  let n = 0;
  const say = (room: string, text: string) =>
    ws.sendMessage(room, text, `c${n++}`);
  return {
    server,
    a,
    b,
    design,
    secret,
    ws,
    say,
    async [Symbol.asyncDispose]() {
      await ws.close();
      await server.close();
    },
  };
}

async function search(c: Client, qs: string) {
  return await c.json<Page & { error?: { code: string } }>(
    `/api/search?${qs}`,
  );
}
const texts = (p: Page) => p.results.map((r) => r.message.text);

Deno.test("search: words match by prefix, case- and accent-insensitively, newest first, with highlights", async () => {
  await using t = await setup();
  await t.say(t.design, "The Café opens at nine");
  await t.say(t.design, "unrelated chatter");
  await t.say(t.secret, "cafeteria menu is out");
  const { status, body } = await search(t.b, "q=CAFE");
  assert.equal(status, 200);
  assert.deepEqual(texts(body), [
    "cafeteria menu is out",
    "The Café opens at nine",
  ]);
  assert.deepEqual(body.results[1].highlights, [{ start: 4, end: 8 }]);
  assert.equal(body.results[1].room.name, "design");
  // Several words: all must match (as prefixes).
  assert.deepEqual(texts((await search(t.b, "q=caf+nin")).body), [
    "The Café opens at nine",
  ]);
  // Exact phrase, from: and in:#room.
  assert.deepEqual(texts((await search(t.b, 'q="opens at"')).body), [
    "The Café opens at nine",
  ]);
  assert.deepEqual(texts((await search(t.b, 'q="at opens"')).body), []);
  assert.deepEqual(
    texts(
      (await search(t.b, `q=${encodeURIComponent("caf in:#secret")}`)).body,
    ),
    ["cafeteria menu is out"],
  );
  assert.equal(
    (await search(t.b, `q=caf+from:${t.b.username}`)).body.results.length,
    0,
  );
  assert.equal(
    (await search(t.b, `q=caf&from=${t.a.username}`)).body.results.length,
    2,
  );
  assert.equal(
    (await search(t.b, `q=caf&room=${t.design}`)).body.results.length,
    1,
  );
});

Deno.test("search: edits and deletes update the index; leaving a private room removes its results", async () => {
  await using t = await setup();
  const ack = await t.say(t.secret, "launch codes are blue");
  await t.say(t.design, "launch party friday");
  assert.equal((await search(t.b, "q=launch")).body.results.length, 2);
  t.ws.send({
    type: "edit",
    room: t.secret,
    id: ack.id,
    text: "codes are green",
  });
  await t.ws.nextOf("edited", t.secret);
  assert.deepEqual(texts((await search(t.b, "q=launch")).body), [
    "launch party friday",
  ]);
  assert.deepEqual(texts((await search(t.b, "q=green")).body), [
    "codes are green",
  ]);
  const del = await t.say(t.design, "ephemeral words");
  t.ws.send({ type: "delete", room: t.design, id: del.id });
  await t.ws.nextOf("deleted", t.design);
  assert.equal((await search(t.b, "q=ephemeral")).body.results.length, 0);
  // b leaves the private room: nothing from it any more, and naming it is 404.
  const left = await t.b.json(`/api/rooms/${t.secret}/leave`, {
    method: "POST",
  });
  assert.equal(left.status, 200);
  assert.equal((await search(t.b, "q=green")).body.results.length, 0);
  assert.equal((await search(t.b, `q=green&room=${t.secret}`)).status, 404);
  assert.equal(
    (await search(t.b, "q=green+in:#secret")).body.results.length,
    0,
  );
});

Deno.test("search: paging with the cursor is gap-free and without duplicates across rooms", async () => {
  await using t = await setup();
  const want = new Set<string>();
  for (let i = 0; i < 23; i++) {
    const room = i % 3 === 0 ? t.secret : t.design;
    await t.say(room, `report number ${i}`);
    want.add(`report number ${i}`);
    if (i % 4 === 0) await t.say(room, `noise ${i}`);
  }
  const seen: string[] = [];
  const times: string[] = [];
  let cursor = "";
  let pages = 0;
  do {
    const { status, body } = await search(
      t.b,
      `q=rep&limit=5${cursor ? `&cursor=${cursor}` : ""}`,
    );
    assert.equal(status, 200);
    seen.push(...texts(body));
    times.push(...body.results.map((r) => r.message.createdAt));
    cursor = body.cursor;
    assert.ok(++pages < 10);
  } while (cursor);
  assert.equal(seen.length, 23);
  assert.deepEqual(new Set(seen), want);
  // Newest first across pages (messages of the same millisecond in two
  // rooms have no order between them).
  assert.deepEqual(times, [...times].sort().reverse());
});

Deno.test("search: bad input is a clear 400 (length, terms, cursor, limit, dates), never a 500", async () => {
  await using t = await setup();
  await t.say(t.design, "hello world");
  const cases: [string, string][] = [
    ["q=" + "a".repeat(201), "over 200"],
    ["q=" + Array.from({ length: 11 }, (_, i) => `w${i}`).join("+"), "10"],
    ["q=hello&cursor=%%%garbage", "cursor"],
    ["q=hello&cursor=" + btoa("[1,2,3]"), "cursor"],
    ["q=hello&limit=0", "limit"],
    ["q=hello&limit=51", "limit"],
    ["q=hello&before=yesterday", "before"],
    ["q=", "word"],
  ];
  for (const [qs, hint] of cases) {
    const { status, body } = await search(t.b, qs);
    assert.equal(status, 400, qs);
    assert.equal(body.error!.code, "invalid_query", qs);
    assert.ok(JSON.stringify(body).includes(hint), `${qs}: ${hint}`);
  }
  // Odd but valid input answers 200.
  for (const q of ['"', "from:", "in:#", "@@@", "\u0301", "% _ *"]) {
    const { status } = await search(t.b, `q=${encodeURIComponent(q)}+x`);
    assert.equal(status, 200, q);
  }
  // Signed out: 401.
  const anon = await fetch(`${t.server.url}/api/search?q=hello`);
  await anon.body?.cancel();
  assert.equal(anon.status, 401);
});

Deno.test("history: around=SEQ returns the message with history on both sides", async () => {
  await using t = await setup();
  for (let i = 1; i <= 30; i++) await t.say(t.design, `m${i}`);
  const { status, body } = await t.b.json<{ messages: { seq: number }[] }>(
    `/api/rooms/${t.design}/messages?around=15&limit=11`,
  );
  assert.equal(status, 200);
  assert.deepEqual(
    body.messages.map((m) => m.seq),
    [10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20],
  );
  const edge = await t.b.json<{ messages: { seq: number }[] }>(
    `/api/rooms/${t.design}/messages?around=2&limit=11`,
  );
  assert.deepEqual(edge.body.messages.map((m) => m.seq).slice(0, 3), [1, 2, 3]);
  assert.equal(
    (await t.b.json(`/api/rooms/${t.design}/messages?around=x`)).status,
    400,
  );
  const outsider = await signedInClient(t.server.url);
  assert.equal(
    (await outsider.json(`/api/rooms/${t.design}/messages?around=3`)).status,
    404,
  );
});
