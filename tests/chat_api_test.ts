/** Chat JSON API over the real server (DESIGN.md §9 table). */
import assert from "node:assert/strict";
import { Client, signedInClient } from "./helpers/client.ts";
import { withServer } from "./helpers/server.ts";
import { chatSocket } from "./helpers/chat_ws.ts";

Deno.test("chat api: create rooms, list mine and the joinable public ones, join and leave", async () => {
  await withServer(async (s) => {
    const a = await signedInClient(s.url);
    const b = await signedInClient(s.url);
    const pub = await a.json("/api/rooms", {
      json: { name: "General", visibility: "public" },
    });
    assert.equal(pub.status, 201);
    assert.deepEqual(Object.keys(pub.body).sort(), [
      "id",
      "name",
      "visibility",
    ]);
    const priv = await a.json("/api/rooms", {
      json: { name: "Secret", visibility: "private" },
    });
    assert.equal(priv.status, 201);
    const mine = await a.json<{ rooms: unknown[] }>("/api/rooms");
    assert.deepEqual(mine.body.rooms, [
      { ...pub.body, unread: 0, mentions: 0, notify: "mentions" },
      { ...priv.body, unread: 0, mentions: 0, notify: "mentions" },
    ]);
    const joinable = await b.json<{ rooms: { id: string }[] }>(
      "/api/rooms?public=1",
    );
    assert.deepEqual(joinable.body.rooms.map((r) => r.id), [pub.body.id]);
    assert.equal(
      (await b.json(`/api/rooms/${pub.body.id}/join`, { method: "POST" }))
        .status,
      200,
    );
    assert.deepEqual(
      (await b.json<{ rooms: { id: string }[] }>("/api/rooms")).body.rooms.map(
        (r) => r.id,
      ),
      [pub.body.id],
    );
    assert.equal(
      (await b.json(`/api/rooms/${pub.body.id}/leave`, { method: "POST" }))
        .status,
      200,
    );
    assert.deepEqual((await b.json("/api/rooms")).body, { rooms: [] });
  });
});

Deno.test("chat api: a non-member is refused a private room everywhere with 404", async () => {
  await withServer(async (s) => {
    const a = await signedInClient(s.url);
    const b = await signedInClient(s.url);
    const { body: room } = await a.json("/api/rooms", {
      json: { name: "Secret", visibility: "private" },
    });
    for (
      const [path, init] of [
        [`/api/rooms/${room.id}`, {}],
        [`/api/rooms/${room.id}/messages`, {}],
        [`/api/rooms/${room.id}/join`, { method: "POST" }],
        [`/api/rooms/${room.id}/members`, { json: { username: b.username } }],
        [`/api/rooms/NOSUCHROOM/messages`, {}],
      ] as const
    ) {
      const r = await b.json<{ error: { code: string } }>(path, init);
      assert.equal(r.status, 404, path);
      assert.equal(r.body.error.code, "not_found");
    }
    // An unjoined public room is 403 until joined.
    const { body: pub } = await a.json("/api/rooms", {
      json: { name: "Open", visibility: "public" },
    });
    const r = await b.json<{ error: { code: string } }>(
      `/api/rooms/${pub.id}/messages`,
    );
    assert.equal(r.status, 403);
    assert.equal(r.body.error.code, "not_member");
    // A member adds b to the private room; now b reads it.
    const add = await a.json(`/api/rooms/${room.id}/members`, {
      json: { username: b.username },
    });
    assert.equal(add.status, 200);
    const members = await b.json<{ members: string[] }>(
      `/api/rooms/${room.id}/members`,
    );
    assert.deepEqual(
      members.body.members.sort(),
      [a.username, b.username].sort(),
    );
    assert.deepEqual(
      (await b.json(`/api/rooms/${room.id}/messages`)).body,
      { messages: [] },
    );
    const unknown = await a.json(`/api/rooms/${room.id}/members`, {
      json: { username: "nobody_here" },
    });
    assert.equal(unknown.status, 404);
  });
});

Deno.test("chat api: without a session every chat endpoint answers 401", async () => {
  await withServer(async (s) => {
    const anon = new Client(s.url);
    for (const path of ["/api/rooms", "/api/rooms/X/messages"]) {
      assert.equal((await anon.json(path)).status, 401);
    }
    assert.equal(
      (await anon.json("/api/dms", { json: { username: "x" } })).status,
      401,
    );
  });
});

Deno.test("chat api: cross-site POSTs are refused with 403", async () => {
  await withServer(async (s) => {
    const a = await signedInClient(s.url);
    const r = await a.json("/api/rooms", {
      json: { name: "x", visibility: "public" },
      origin: "https://evil.example",
    });
    assert.equal(r.status, 403);
    assert.deepEqual((await a.json("/api/rooms")).body, { rooms: [] });
  });
});

Deno.test("chat api: a DM has the same id every time and from both sides", async () => {
  await withServer(async (s) => {
    const a = await signedInClient(s.url);
    const b = await signedInClient(s.url);
    const one = await a.json("/api/dms", { json: { username: b.username } });
    assert.equal(one.status, 200);
    assert.deepEqual(one.body, {
      id: one.body.id,
      name: b.username,
      visibility: "direct",
    });
    const two = await a.json("/api/dms", {
      json: { username: b.username!.toUpperCase() },
    });
    const three = await b.json("/api/dms", { json: { username: a.username } });
    assert.equal(two.body.id, one.body.id);
    assert.equal(three.body.id, one.body.id);
    assert.equal(three.body.name, a.username);
    const none = await a.json("/api/dms", { json: { username: "ghost_user" } });
    assert.equal(none.status, 404);
    const bad = await a.json("/api/dms", { json: {} });
    assert.equal(bad.status, 404);
  });
});

Deno.test("chat api: bad room input and history queries answer 400 with a reason", async () => {
  await withServer(async (s) => {
    const a = await signedInClient(s.url);
    for (
      const body of [
        { name: "", visibility: "public" },
        { name: "x".repeat(81), visibility: "public" },
        { name: "ok", visibility: "secret" },
      ]
    ) {
      const r = await a.json<{ error: { code: string; message: string } }>(
        "/api/rooms",
        { json: body },
      );
      assert.equal(r.status, 400);
      assert.ok(r.body.error.message);
    }
    const notJson = await a.fetch("/api/rooms", {
      method: "POST",
      body: "{",
      headers: { "content-type": "application/json" },
    });
    assert.equal(notJson.status, 400);
    await notJson.body?.cancel();
    const { body: room } = await a.json("/api/rooms", {
      json: { name: "r", visibility: "public" },
    });
    for (const q of ["limit=0", "limit=201", "before=-1", "after=abc"]) {
      const r = await a.json<{ error: { code: string } }>(
        `/api/rooms/${room.id}/messages?${q}`,
      );
      assert.equal(r.status, 400, q);
      assert.equal(r.body.error.code, "invalid_query");
    }
  });
});

Deno.test("chat api: history pages and unread counts follow the socket's sends and read marker", async () => {
  await withServer(async (s) => {
    const a = await signedInClient(s.url);
    const b = await signedInClient(s.url);
    const { body: dm } = await a.json<{ id: string }>("/api/dms", {
      json: { username: b.username },
    });
    const ws = await chatSocket(a);
    for (let i = 1; i <= 12; i++) {
      assert.equal((await ws.sendMessage(dm.id, `m${i}`, `c${i}`)).type, "ack");
    }
    type Msgs = { messages: { seq: number; text: string; author: string }[] };
    const latest = await b.json<Msgs>(`/api/rooms/${dm.id}/messages?limit=5`);
    assert.deepEqual(latest.body.messages.map((m) => m.seq), [
      8,
      9,
      10,
      11,
      12,
    ]);
    assert.equal(latest.body.messages[0].author, a.username);
    const older = await b.json<Msgs>(
      `/api/rooms/${dm.id}/messages?before=8&limit=3`,
    );
    assert.deepEqual(older.body.messages.map((m) => m.text), [
      "m5",
      "m6",
      "m7",
    ]);
    const newer = await b.json<Msgs>(`/api/rooms/${dm.id}/messages?after=10`);
    assert.deepEqual(newer.body.messages.map((m) => m.seq), [11, 12]);
    const rooms = async (c: Client) =>
      (await c.json<{ rooms: { unread: number }[] }>("/api/rooms")).body
        .rooms[0].unread;
    assert.equal(await rooms(b), 12);
    assert.equal(await rooms(a), 0);
    const wb = await chatSocket(b);
    wb.send({ type: "read", room: dm.id, seq: 9 });
    wb.send({ type: "ping" }); // frames are handled in order
    await wb.nextOf("pong");
    assert.equal(await rooms(b), 3);
    await ws.close();
    await wb.close();
  });
});
