/**
 * Who may send (issue 13): the per-instance cache of writable rooms never
 * lets a send through that the KV no longer allows. Two app instances share
 * a KV file and hear nothing from each other (no doorbell), so only the
 * group commit's own re-check can stop the second instance's warm cache.
 */
import assert from "node:assert/strict";
import { Client, sameSessionOn, signedInClient } from "./helpers/client.ts";
import { chatSocket } from "./helpers/chat_ws.ts";
import { type TestServer, withDeafPair } from "./helpers/server.ts";
import { chatFor } from "../lib/chat/service.ts";
import { spawnApp } from "./helpers/process.ts";

const deafPair = (fn: (one: TestServer, two: TestServer) => Promise<void>) =>
  withDeafPair(fn);

/** `a` (on one) owns a room of `visibility` with `b` in it; `b` has a socket on two. */
async function roomWithB(
  one: TestServer,
  two: TestServer,
  visibility: "public" | "private",
) {
  const a = await signedInClient(one.url);
  const b = await signedInClient(two.url);
  const { body: room } = await a.json<{ id: string }>("/api/rooms", {
    json: { name: "access", visibility },
  });
  const added = await a.json(`/api/rooms/${room.id}/members`, {
    json: { username: b.username },
  });
  assert.equal(added.status, 200);
  const wb = await chatSocket(b);
  return { a, b, room: room.id, wb, bOnOne: sameSessionOn(b, one.url) };
}

async function texts(c: Client, room: string): Promise<string[]> {
  const { body } = await c.json<{ messages: { text: string }[] }>(
    `/api/rooms/${room}/messages`,
  );
  return body.messages.map((m) => m.text);
}

Deno.test("chat send access: after a leave is acknowledged on instance one, a send on instance two is refused although its cache still holds the membership (no doorbell)", async () => {
  await deafPair(async (one, two) => {
    const { a, room, wb, bOnOne } = await roomWithB(one, two, "private");
    try {
      assert.equal((await wb.sendMessage(room, "before", "c1")).type, "ack");
      const access = chatFor(two.app.deps).access;
      assert.equal(access.size, 1, "instance two cached b's membership");

      const left = await bOnOne.fetch(`/api/rooms/${room}/leave`, {
        method: "POST",
      });
      await left.body?.cancel();
      assert.equal(left.status, 200);

      const hits = access.hits;
      const refused = await wb.sendMessage(room, "after", "c2");
      assert.equal(access.hits, hits + 1, "the cache answered, not KV");
      assert.equal(refused.type, "error");
      assert.equal(refused.code, "not_found");
      assert.deepEqual(await texts(a, room), ["before"]);
    } finally {
      await wb.close();
    }
  });
});

Deno.test("chat send access: archiving on instance one makes the room read-only on instance two at once, warm cache or not", async () => {
  await deafPair(async (one, two) => {
    const { a, room, wb } = await roomWithB(one, two, "public");
    try {
      assert.equal((await wb.sendMessage(room, "open", "c1")).type, "ack");
      const archived = await a.json(`/api/rooms/${room}`, {
        method: "PATCH",
        json: { archived: true },
      });
      assert.equal(archived.status, 200);
      const refused = await wb.sendMessage(room, "closed", "c2");
      assert.equal(refused.type, "error");
      assert.equal(refused.code, "archived");
      assert.deepEqual(await texts(a, room), ["open"]);
    } finally {
      await wb.close();
    }
  });
});

Deno.test("chat send access: a leave on the same instance forgets the cached membership through the bus", async () => {
  await deafPair(async (one, two) => {
    const { room, wb, b } = await roomWithB(one, two, "public");
    try {
      assert.equal((await wb.sendMessage(room, "hi", "c1")).type, "ack");
      const access = chatFor(two.app.deps).access;
      assert.equal(access.size, 1);
      const left = await b.fetch(`/api/rooms/${room}/leave`, {
        method: "POST",
      });
      await left.body?.cancel();
      await wb.nextOf("left", room);
      assert.equal(access.size, 0);
      const refused = await wb.sendMessage(room, "again", "c2");
      assert.equal(refused.code, "not_member");
    } finally {
      await wb.close();
    }
  });
});

Deno.test("chat send access: two processes on one KV file (FANOUT=kv-watch): a leave acknowledged by process one stops the very next send on process two", async () => {
  const dir = await Deno.makeTempDir({ prefix: "rt_send_access_proc_" });
  const env = { KV_PATH: `${dir}/shared.kv`, FANOUT: "kv-watch" };
  const one = await spawnApp(env);
  try {
    const two = await spawnApp(env);
    try {
      const a = await signedInClient(one.url);
      const b = await signedInClient(two.url);
      const { body: room } = await a.json<{ id: string }>("/api/rooms", {
        json: { name: "processes", visibility: "private" },
      });
      const added = await a.json(`/api/rooms/${room.id}/members`, {
        json: { username: b.username },
      });
      assert.equal(added.status, 200);
      const wb = await chatSocket(b);
      try {
        assert.equal(
          (await wb.sendMessage(room.id, "before", "p1")).type,
          "ack",
        );
        const left = await sameSessionOn(b, one.url).fetch(
          `/api/rooms/${room.id}/leave`,
          { method: "POST" },
        );
        await left.body?.cancel();
        assert.equal(left.status, 200);
        const refused = await wb.sendMessage(room.id, "after", "p2");
        assert.equal(refused.type, "error");
        assert.equal(refused.code, "not_found");
        assert.deepEqual(await texts(a, room.id), ["before"]);
      } finally {
        await wb.close();
      }
    } finally {
      await two.stop();
    }
  } finally {
    await one.stop();
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
});
