/**
 * `WORKERS=N` (issue 15 item 1): one process, N app instances sharing the
 * port, the KV file and the BroadcastChannel; per-process state works across
 * them (live delivery, logout, presence through KV, the chat send limit).
 */
import assert from "node:assert/strict";
import { signedInClient } from "./helpers/client.ts";
import { chatSocket } from "./helpers/chat_ws.ts";
import { spawnApp } from "./helpers/process.ts";
import { startServer } from "./helpers/server.ts";
import { CloseCode } from "../lib/chat/protocol.ts";
import { parseWorkers } from "../lib/workers/config.ts";

Deno.test("workers: WORKERS=2 serves one port from two workers; every socket of both users gets every message, and logout closes sockets on every worker", async () => {
  const dir = await Deno.makeTempDir({ prefix: "rt_workers_" });
  const app = await spawnApp({ KV_PATH: `${dir}/w.kv`, WORKERS: "2" });
  try {
    await app.until((out) => out.includes("2 workers share the port"));
    assert.match(app.stdout(), /worker 1\/2/);
    assert.match(app.stdout(), /worker 2\/2/);
    const a = await signedInClient(app.url);
    const b = await signedInClient(app.url);
    const { body: dm } = await a.json<{ id: string }>("/api/dms", {
      json: { username: b.username },
    });
    // 8 sockets per user: the kernel spreads connections over both workers
    // (all 16 on one worker has a chance of 2 in 65,536).
    const socks = [
      ...await Promise.all(Array.from({ length: 8 }, () => chatSocket(a))),
      ...await Promise.all(Array.from({ length: 8 }, () => chatSocket(b))),
    ];
    for (const s of socks) await s.subscribe(dm.id);
    const ack = await socks[0].sendMessage(dm.id, "to all", "all");
    for (const s of socks) {
      const m = await s.next(
        (f) => f.type === "message" && f.message.seq === ack.seq,
        "the message",
      );
      assert.equal(m.message.text, "to all");
    }
    const out = await b.fetch("/logout", { method: "POST" });
    await out.body?.cancel();
    for (const s of socks.slice(8)) {
      assert.equal((await s.closed).code, CloseCode.sessionEnded);
    }
    for (const s of socks.slice(0, 8)) await s.close();
  } finally {
    await app.stop();
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
});

Deno.test("workers: the chat send limit is one limit across instances sharing a bus, not one per instance", async () => {
  const channelName = `limit-${crypto.randomUUID()}`;
  const dir = await Deno.makeTempDir({ prefix: "rt_limit_" });
  const env = {
    WORKERS: "2",
    CHAT_SEND_BURST: "5",
    CHAT_SEND_PER_SECOND: "1",
  };
  const kvPath = `${dir}/l.kv`;
  const one = await startServer({ kvPath, channelName, env });
  const two = await startServer({ kvPath, channelName, env });
  try {
    const a = await signedInClient(one.url);
    const { body: room } = await a.json<{ id: string }>("/api/rooms", {
      json: { name: "limit", visibility: "private" },
    });
    const w1 = await chatSocket(a);
    const aOnTwo = await signedInClient(two.url);
    // The same user on instance 2: copy the session cookie.
    for (const [k, v] of a.cookies) aOnTwo.cookies.set(k, v);
    const w2 = await chatSocket(aOnTwo);
    for (let i = 0; i < 5; i++) {
      assert.equal(
        (await w1.sendMessage(room.id, `x${i}`, `x${i}`)).type,
        "ack",
      );
    }
    // Instance 2 heard of those 5 tokens: its bucket is empty too.
    let limited = false;
    for (let i = 0; i < 3 && !limited; i++) {
      const f = await w2.sendMessage(room.id, `y${i}`, `y${i}`);
      limited = f.type === "error" && f.code === "rate_limited";
    }
    assert.ok(limited, "instance 2 let the user burst again");
    await w1.close();
    await w2.close();
  } finally {
    await one.close();
    await two.close();
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
});

Deno.test("workers: WORKERS takes a positive integer or auto (= CPUs) and refuses anything else", () => {
  assert.equal(parseWorkers(undefined, 4), 1);
  assert.equal(parseWorkers("3", 4), 3);
  assert.equal(parseWorkers("auto", 4), 4);
  for (const bad of ["0", "-1", "1.5", "many", "999"]) {
    assert.throws(() => parseWorkers(bad, 4), /WORKERS must be/);
  }
});
