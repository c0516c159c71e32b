/**
 * Hub bookkeeping after sockets go away (issue 14 item 12): a socket that
 * closes while its subscribe is still checking membership must leave no
 * room entry and no bus topic behind.
 */
import assert from "node:assert/strict";
import { EventBus } from "../lib/events.ts";
import { GroupCommitter } from "../lib/chat/group_commit.ts";
import { ChatHub } from "../lib/chat/hub.ts";
import { addMember, createRoom } from "../lib/chat/rooms.ts";
import { ChatClient } from "./helpers/chat_ws.ts";

/** `kv` whose reads take `ms` longer (widens the subscribe/close window). */
function slowReads(kv: Deno.Kv, ms: number): Deno.Kv {
  return new Proxy(kv, {
    get(target, prop) {
      const v = Reflect.get(target, prop, target);
      if (typeof v !== "function") return v;
      if (prop === "get" || prop === "getMany") {
        return async (...args: unknown[]) => {
          await new Promise((r) => setTimeout(r, ms));
          return v.apply(target, args);
        };
      }
      return v.bind(target);
    },
  });
}

Deno.test("hub: sockets that subscribe and close at once leave no room entry or bus topic", async () => {
  const kv = await Deno.openKv(":memory:");
  const bus = new EventBus(null);
  const writer = new GroupCommitter(kv);
  const hub = new ChatHub({ kv: slowReads(kv, 40), bus, writer });
  const server = Deno.serve(
    { port: 0, hostname: "127.0.0.1", onListen() {} },
    (req) => {
      const { socket, response } = Deno.upgradeWebSocket(req);
      hub.attach(socket, new URL(req.url).searchParams.get("user")!, "");
      return response;
    },
  );
  try {
    const room = (await createRoom(kv, "alice", {
      name: "team",
      visibility: "private",
    })).id;
    await addMember(kv, "alice", room, "bob", () => Promise.resolve(true));
    const url = (u: string) => `ws://127.0.0.1:${server.addr.port}/?user=${u}`;
    // One socket that stays proves the bookkeeping is counted at all.
    const stay = await ChatClient.open(url("alice"));
    await stay.subscribe(room);
    assert.equal(hub.stats.rooms, 1);
    const clients = await Promise.all(
      Array.from(
        { length: 30 },
        (_, i) => ChatClient.open(url(i % 2 ? "alice" : "bob")),
      ),
    );
    for (const c of clients) {
      c.send({ type: "subscribe", room });
      c.ws.close();
    }
    await Promise.all(clients.map((c) => c.closed));
    while (hub.stats.sockets > 1) await new Promise((r) => setTimeout(r, 10));
    // Let every pending membership check finish.
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(hub.stats.rooms, 1);
    await stay.close();
    while (hub.stats.sockets > 0) await new Promise((r) => setTimeout(r, 10));
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(hub.stats.rooms, 0, "no room entry left");
    assert.equal(hub.stats.users, 0, "no user entry left");
    assert.equal(bus.topicCount, 0, "no bus topic left");
  } finally {
    await hub.close();
    await server.shutdown();
    await writer.close();
    bus.close();
    kv.close();
  }
});
