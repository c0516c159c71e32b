/**
 * Cross-instance fanout and slow consumers over the real server: two app
 * instances in one process share one KV file and one BroadcastChannel name,
 * each with its own EventBus.
 */
import assert from "node:assert/strict";
import { signedInClient } from "./helpers/client.ts";
import { startServer } from "./helpers/server.ts";
import { chatSocket, RawWsClient } from "./helpers/chat_ws.ts";
import { CloseCode } from "../lib/chat/protocol.ts";
import { chatFor } from "../lib/chat/service.ts";

Deno.test("chat fanout: user A on instance 1 and user B on instance 2 chat live, catch-up heals a lost broadcast, presence crosses instances", async () => {
  const dir = await Deno.makeTempDir();
  const channelName = `fanout-${crypto.randomUUID()}`;
  const kvPath = `${dir}/shared.kv`;
  const one = await startServer({ kvPath, channelName });
  const two = await startServer({ kvPath, channelName });
  try {
    const a = await signedInClient(one.url);
    // B signs up on instance 2: accounts are shared through KV.
    const b = await signedInClient(two.url);
    const { body: room } = await a.json<{ id: string }>("/api/dms", {
      json: { username: b.username },
    });
    const { body: same } = await b.json<{ id: string }>("/api/dms", {
      json: { username: a.username },
    });
    assert.equal(same.id, room.id);
    const wa = await chatSocket(a);
    const wb = await chatSocket(b);
    await wa.subscribe(room.id);
    await wb.subscribe(room.id);
    // Both directions, several messages each, concurrently: seqs stay unique.
    const sends = [];
    for (let i = 0; i < 10; i++) {
      sends.push(wa.sendMessage(room.id, `a${i}`, `a${i}`));
      sends.push(wb.sendMessage(room.id, `b${i}`, `b${i}`));
    }
    const acks = await Promise.all(sends);
    assert.deepEqual(
      acks.map((f) => f.seq).sort((x, y) => x - y),
      Array.from({ length: 20 }, (_, i) => i + 1),
    );
    for (const ws of [wa, wb]) {
      const seqs = [];
      for (let i = 0; i < 20; i++) {
        seqs.push((await ws.nextOf("message", room.id)).message.seq);
      }
      assert.deepEqual(seqs, Array.from({ length: 20 }, (_, i) => i + 1));
    }
    // Instance 2's hub misses a broadcast (its bus never hears it); the next
    // message (which reaches instance 2 only through the BroadcastChannel)
    // reveals the gap, and B gets both, the first from the log, in order.
    const { writer } = chatFor(one.app.deps);
    await writer.send({
      room: room.id,
      author: a.username!,
      text: "never broadcast",
      cid: "lost",
    });
    await wa.sendMessage(room.id, "after the loss", "after");
    const m1 = await wb.nextOf("message", room.id);
    const m2 = await wb.nextOf("message", room.id);
    assert.deepEqual(
      [m1.message.text, m2.message.text],
      ["never broadcast", "after the loss"],
    );
    assert.deepEqual([m1.message.seq, m2.message.seq], [21, 22]);
    // Presence crosses instances too: B saw A online when subscribing (from
    // KV), and sees A go offline when A's only socket closes on instance 1.
    const isA = (f: { type: string; user?: string }) =>
      f.type === "presence" && f.user === a.username;
    assert.equal((await wb.next(isA, "a online")).online, true);
    await wa.close();
    assert.equal((await wb.next(isA, "a offline")).online, false);
    await wb.close();
  } finally {
    await one.close();
    await two.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("chat fanout: a slow consumer is closed with 4008, memory stays bounded, others are unaffected", async () => {
  const server = await startServer({
    env: {
      CHAT_SEND_BURST: "1000000",
      CHAT_SEND_PER_SECOND: "1000000",
      CHAT_BUFFER_BYTES: String(64 * 1024),
    },
  });
  try {
    const a = await signedInClient(server.url);
    const b = await signedInClient(server.url);
    const { body: room } = await a.json<{ id: string }>("/api/dms", {
      json: { username: b.username },
    });
    const url = server.url.replace("http", "ws") + "/api/ws";
    const slow = await RawWsClient.open(url, {
      origin: server.url,
      cookie: b.cookieHeader,
    });
    await slow.sendText(JSON.stringify({ type: "subscribe", room: room.id }));
    for (;;) {
      const f = await slow.readFrame();
      assert.ok(f, "connection ended early");
      if (JSON.parse(f.text).type === "subscribed") break;
    }
    const { hub } = chatFor(server.app.deps);
    const wa = await chatSocket(a);
    const text = "x".repeat(3500);
    let i = 0;
    while (hub.stats.slowClosed === 0) {
      const batch = [];
      for (let k = 0; k < 50; k++, i++) {
        batch.push(wa.sendMessage(room.id, text, `c${i}`));
      }
      for (const ack of await Promise.all(batch)) assert.equal(ack.type, "ack");
      assert.ok(i < 100_000, "the slow consumer was never closed");
    }
    // Bounded: the hard bound (4 × 64 KiB) plus what is sent between two
    // checks of bufferedAmount (< 48 KiB) and one frame.
    assert.ok(
      hub.stats.maxBuffered <= 4 * 64 * 1024 + 128 * 1024,
      `buffered ${hub.stats.maxBuffered}`,
    );
    assert.equal(hub.stats.sockets, 1);
    assert.equal(
      (await wa.sendMessage(room.id, "still fine", "z")).type,
      "ack",
    );
    let close;
    for (;;) {
      const f = await slow.readFrame();
      if (!f || f.opcode === 8) {
        close = f;
        break;
      }
    }
    slow.close();
    assert.equal(close?.code, CloseCode.slowConsumer);
    await wa.close();
  } finally {
    await server.close();
  }
});

Deno.test("chat fanout: a silent socket is reaped by the heartbeat; a pinging one stays", async () => {
  const server = await startServer({ env: { CHAT_IDLE_TIMEOUT_MS: "1000" } });
  try {
    const a = await signedInClient(server.url);
    const silent = await chatSocket(a);
    const pinging = await chatSocket(a);
    const timer = setInterval(() => pinging.send({ type: "ping" }), 20);
    const ev = await silent.closed;
    clearInterval(timer);
    assert.equal(ev.code, CloseCode.heartbeatTimeout);
    pinging.send({ type: "ping" });
    await pinging.nextOf("pong");
    assert.equal(pinging.ws.readyState, WebSocket.OPEN);
    await pinging.close();
  } finally {
    await server.close();
  }
});
