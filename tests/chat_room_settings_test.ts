/** Room management over HTTP and WebSocket: PATCH, member panel, archive, paging, limits, block. */
import assert from "node:assert/strict";
import { signedInClient } from "./helpers/client.ts";
import { startServer, withServer } from "./helpers/server.ts";
import { chatSocket } from "./helpers/chat_ws.ts";

async function setup(env: Record<string, string> = {}) {
  const server = await startServer({ env });
  const a = await signedInClient(server.url);
  const b = await signedInClient(server.url);
  const room = (await a.json<{ id: string }>("/api/rooms", {
    json: { name: "team", visibility: "public" },
  })).body.id;
  await b.json(`/api/rooms/${room}/join`, { method: "POST" });
  return {
    server,
    a,
    b,
    room,
    async [Symbol.asyncDispose]() {
      await server.close();
    },
  };
}

Deno.test("rooms: the creator renames, sets the topic and archives; every member gets renamed/topic/archived live", async () => {
  await using t = await setup();
  const wb = await chatSocket(t.b);
  try {
    await wb.subscribe(t.room);
    const r = await t.a.json(`/api/rooms/${t.room}`, {
      method: "PATCH",
      json: { name: "crew", topic: "Ship the release" },
    });
    assert.equal(r.status, 200);
    assert.deepEqual(r.body, {
      id: t.room,
      name: "crew",
      visibility: "public",
      topic: "Ship the release",
    });
    const renamed = await wb.nextOf("renamed", t.room);
    assert.equal(renamed.name, "crew");
    assert.equal(renamed.by, t.a.username);
    assert.equal((await wb.nextOf("topic", t.room)).topic, "Ship the release");
    const mine = (await t.b.json<
      { rooms: { id: string; name: string; topic?: string }[] }
    >(
      "/api/rooms",
    )).body.rooms;
    assert.deepEqual(mine.map((x) => [x.name, x.topic]), [[
      "crew",
      "Ship the release",
    ]]);

    // Archive: read-only for everyone, hidden from the list, reversible.
    await t.a.json(`/api/rooms/${t.room}`, {
      method: "PATCH",
      json: { archived: true },
    });
    assert.equal((await wb.nextOf("archived", t.room)).archived, true);
    const sent = await wb.sendMessage(t.room, "still here?", "c1");
    assert.equal(sent.type, "error");
    assert.equal(sent.code, "archived");
    assert.deepEqual(
      (await t.b.json<{ rooms: unknown[] }>("/api/rooms")).body.rooms,
      [],
    );
    const archived = await t.b.json<{ rooms: { id: string }[] }>(
      "/api/rooms?archived=1",
    );
    assert.deepEqual(archived.body.rooms.map((x) => x.id), [t.room]);
    const c = await signedInClient(t.server.url);
    assert.deepEqual(
      (await c.json<{ rooms: unknown[] }>("/api/rooms?public=1")).body.rooms,
      [],
    );
    // History stays readable.
    assert.equal((await t.b.json(`/api/rooms/${t.room}/messages`)).status, 200);
    await t.a.json(`/api/rooms/${t.room}`, {
      method: "PATCH",
      json: { archived: false },
    });
    assert.equal((await wb.nextOf("archived", t.room)).archived, false);
    assert.equal((await wb.sendMessage(t.room, "back", "c2")).type, "ack");
  } finally {
    await wb.close();
  }
});

Deno.test("rooms: only the creator or an admin may PATCH; bad values are 400; others' private rooms 404", async () => {
  await using t = await setup();
  const r = await t.b.json<{ error: { code: string } }>(
    `/api/rooms/${t.room}`,
    {
      method: "PATCH",
      json: { name: "mine now" },
    },
  );
  assert.equal(r.status, 403);
  assert.equal(r.body.error.code, "not_room_admin");
  for (
    const body of [
      {},
      { name: "" },
      { name: "x".repeat(81) },
      { topic: "t".repeat(251) },
      { topic: "two\nlines" },
      { archived: "yes" },
    ]
  ) {
    const res = await t.a.json(`/api/rooms/${t.room}`, {
      method: "PATCH",
      json: body,
    });
    assert.equal(res.status, 400, JSON.stringify(body));
  }
  assert.equal(
    (await t.a.json(`/api/rooms/${t.room}`, {
      method: "PATCH",
      json: { topic: "t".repeat(250) },
    })).status,
    200,
  );
  const priv = (await t.a.json<{ id: string }>("/api/rooms", {
    json: { name: "secret", visibility: "private" },
  })).body.id;
  assert.equal(
    (await t.b.json(`/api/rooms/${priv}`, {
      method: "PATCH",
      json: { name: "x" },
    })).status,
    404,
  );
});

Deno.test("rooms: the member list has each member's role and presence", async () => {
  await using t = await setup();
  const wa = await chatSocket(t.a);
  try {
    await wa.subscribe(t.room);
    const r = await t.b.json<{
      members: string[];
      people: { username: string; role: string; online: boolean }[];
    }>(`/api/rooms/${t.room}/members`);
    assert.equal(r.status, 200);
    const byName = Object.fromEntries(
      r.body.people.map((p) => [p.username, p]),
    );
    assert.equal(byName[t.a.username!].role, "creator");
    assert.equal(byName[t.a.username!].online, true);
    assert.equal(byName[t.b.username!].role, "member");
    assert.equal(byName[t.b.username!].online, false);
  } finally {
    await wa.close();
  }
});

Deno.test("room lists: more than 500 rooms are paged with a cursor, none cut off", async () => {
  await withServer(async (server) => {
    const a = await signedInClient(server.url);
    const ids = new Set<string>();
    for (let i = 0; i < 12; i++) {
      const r = await a.json<{ id: string }>("/api/rooms", {
        json: { name: `r${i}`, visibility: "public" },
      });
      ids.add(r.body.id);
    }
    const seen: string[] = [];
    let cursor = "";
    let pages = 0;
    do {
      const r = await a.json<{ rooms: { id: string }[]; cursor: string }>(
        `/api/rooms?limit=5${
          cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""
        }`,
      );
      assert.equal(r.status, 200);
      seen.push(...r.body.rooms.map((x) => x.id));
      cursor = r.body.cursor;
      pages++;
    } while (cursor && pages < 10);
    assert.deepEqual(new Set(seen), ids);
    assert.equal(seen.length, 12);
    // The public directory pages the same way.
    const b = await signedInClient(server.url);
    const pub: string[] = [];
    cursor = "";
    do {
      const r = await b.json<{ rooms: { id: string }[]; cursor: string }>(
        `/api/rooms?public=1&limit=4${
          cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""
        }`,
      );
      pub.push(...r.body.rooms.map((x) => x.id));
      cursor = r.body.cursor;
    } while (cursor);
    assert.deepEqual(new Set(pub), ids);
    for (
      const bad of [
        "limit=0",
        "limit=501",
        "limit=x",
        "cursor=%00",
        "cursor=garbage!",
      ]
    ) {
      assert.equal((await a.json(`/api/rooms?${bad}`)).status, 400, bad);
    }
  });
});

Deno.test("room lists: 510 public rooms do not hide a new one, and a DM opened after 500 rooms is listed", async () => {
  await withServer(async (server) => {
    const spam = await signedInClient(server.url);
    const kv = server.kv;
    // Write the flood straight into KV (fast), the new room through the API.
    const { createRoom } = await import("../lib/chat/rooms.ts");
    const victim = await signedInClient(server.url);
    const { addMember } = await import("../lib/chat/rooms.ts");
    const exists = () => Promise.resolve(true);
    for (let i = 0; i < 510; i++) {
      const r = await createRoom(kv, spam.username!, {
        name: `spam${i}`,
        visibility: "public",
      });
      if (i < 501) {
        await addMember(kv, spam.username!, r.id, victim.username!, exists);
      }
    }
    const fresh = (await spam.json<{ id: string }>("/api/rooms", {
      json: { name: "the real one", visibility: "public" },
    })).body.id;
    const other = await signedInClient(server.url);
    const dm = (await other.json<{ id: string }>("/api/dms", {
      json: { username: victim.username },
    })).body.id;
    const all = async (cl: typeof victim, q: string) => {
      const out: string[] = [];
      let cursor = "";
      do {
        const r = await cl.json<{ rooms: { id: string }[]; cursor: string }>(
          `/api/rooms?${q}${
            cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""
          }`,
        );
        out.push(...r.body.rooms.map((x) => x.id));
        cursor = r.body.cursor;
      } while (cursor);
      return out;
    };
    assert.ok((await all(other, "public=1")).includes(fresh));
    const mine = await all(victim, "limit=500");
    assert.equal(mine.length, 502);
    assert.ok(mine.includes(dm));
  });
});

Deno.test("rooms: creating rooms and adding members are rate-limited per user (429 with a clear message)", async () => {
  await using t = await setup({
    ROOM_CREATES_PER_HOUR: "3",
    MEMBER_ADDS_PER_HOUR: "2",
  });
  // setup created one room already.
  for (let i = 0; i < 2; i++) {
    assert.equal(
      (await t.a.json("/api/rooms", { json: { name: `x${i}` } })).status,
      201,
    );
  }
  const over = await t.a.json<{ error: { message: string } }>("/api/rooms", {
    json: { name: "one too many" },
  });
  assert.equal(over.status, 429);
  assert.match(over.body.error.message, /at most 3 rooms per hour/);
  const others = await Promise.all(
    [1, 2, 3].map(() => signedInClient(t.server.url)),
  );
  const results = await Promise.all(
    others.map((o) =>
      t.a.json(`/api/rooms/${t.room}/members`, {
        json: { username: o.username },
      })
    ),
  );
  assert.deepEqual(results.map((r) => r.status).sort(), [200, 200, 429]);
});

Deno.test("rooms: a user added to a room can leave or block it; a blocked room cannot add them back until they join", async () => {
  await using t = await setup();
  const priv = (await t.a.json<{ id: string }>("/api/rooms", {
    json: { name: "spammy", visibility: "private" },
  })).body.id;
  await t.a.json(`/api/rooms/${priv}/members`, {
    json: { username: t.b.username },
  });
  const wb = await chatSocket(t.b);
  try {
    const block = await t.b.json(`/api/rooms/${priv}/block`, {
      method: "POST",
    });
    assert.equal(block.status, 200);
    assert.equal((await wb.nextOf("left", priv)).room, priv);
    assert.equal((await t.b.json(`/api/rooms/${priv}/messages`)).status, 404);
    const again = await t.a.json<{ error: { code: string } }>(
      `/api/rooms/${priv}/members`,
      {
        json: { username: t.b.username },
      },
    );
    assert.equal(again.status, 403);
    assert.equal(again.body.error.code, "blocked");
    assert.deepEqual(
      (await t.b.json<{ rooms: { id: string }[] }>("/api/rooms")).body.rooms
        .map((r) => r.id),
      [t.room],
    );
    // Unblock: can be added again.
    assert.equal(
      (await t.b.json(`/api/rooms/${priv}/block`, { method: "DELETE" })).status,
      200,
    );
    assert.equal(
      (await t.a.json(`/api/rooms/${priv}/members`, {
        json: { username: t.b.username },
      })).status,
      200,
    );
    // Leaving works too.
    assert.equal(
      (await t.b.json(`/api/rooms/${priv}/leave`, { method: "POST" })).status,
      200,
    );
    // A room you are not in (and never blocked) cannot be blocked.
    const c = await signedInClient(t.server.url);
    assert.equal(
      (await c.json(`/api/rooms/${priv}/block`, { method: "POST" })).status,
      404,
    );
  } finally {
    await wb.close();
  }
});

Deno.test("rooms: an admin who is a member may rename a room someone else created", async () => {
  await withServer(async (server) => {
    const admin = await signedInClient(server.url); // the first account is admin
    const owner = await signedInClient(server.url);
    const other = await signedInClient(server.url);
    const room = (await owner.json<{ id: string }>("/api/rooms", {
      json: { name: "owned", visibility: "public" },
    })).body.id;
    for (const c of [admin, other]) {
      await c.json(`/api/rooms/${room}/join`, { method: "POST" });
    }
    const me = await admin.json<{ role?: string }>("/api/me");
    assert.equal(me.body.role, "admin");
    assert.equal(
      (await other.json(`/api/rooms/${room}`, {
        method: "PATCH",
        json: { name: "hijack" },
      })).status,
      403,
    );
    const r = await admin.json<{ name: string }>(`/api/rooms/${room}`, {
      method: "PATCH",
      json: { name: "renamed by admin" },
    });
    assert.equal(r.status, 200);
    assert.equal(r.body.name, "renamed by admin");
    const people = await other.json<
      { people: { username: string; role: string }[] }
    >(
      `/api/rooms/${room}/members`,
    );
    assert.equal(people.body.people.length, 3);
    assert.ok(people.body.people.every((p) => p.role));
  });
});
