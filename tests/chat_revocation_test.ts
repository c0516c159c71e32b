/**
 * Revocation across instances (issue 14 item 7): two app instances share a
 * KV file but hear nothing from each other (no doorbell), so only the
 * sockets' own re-checks of KV can notice a logout or leave handled by the
 * other instance.
 */
import assert from "node:assert/strict";
import { sameSessionOn, signedInClient } from "./helpers/client.ts";
import { chatSocket } from "./helpers/chat_ws.ts";
import { type TestServer, withDeafPair } from "./helpers/server.ts";
import { CloseCode } from "../lib/chat/protocol.ts";
import { ACCESS_CHANGED } from "../lib/chat/revalidate.ts";

const deafPair = (
  revalidateMs: string,
  fn: (one: TestServer, two: TestServer) => Promise<void>,
) => withDeafPair(fn, { CHAT_REVALIDATE_MS: revalidateMs });

async function roomWithB(one: TestServer, two: TestServer) {
  const a = await signedInClient(one.url);
  const b = await signedInClient(two.url);
  const { body: room } = await a.json<{ id: string }>("/api/rooms", {
    json: { name: "revocation", visibility: "public" },
  });
  const joined = await b.fetch(`/api/rooms/${room.id}/join`, {
    method: "POST",
  });
  await joined.body?.cancel();
  assert.equal(joined.status, 200);
  const wb = await chatSocket(b);
  await wb.subscribe(room.id);
  return { a, b, room, wb, bOnOne: sameSessionOn(b, one.url) };
}

Deno.test("chat revocation: a logout and a leave handled by another instance close the socket (4001) and unsubscribe the room on the timer re-check, with no doorbell", async () => {
  await deafPair("200", async (one, two) => {
    const { room, wb, bOnOne } = await roomWithB(one, two);
    const left = await bOnOne.fetch(`/api/rooms/${room.id}/leave`, {
      method: "POST",
    });
    await left.body?.cancel();
    assert.equal(left.status, 200);
    assert.equal((await wb.nextOf("left", room.id)).room, room.id);

    const out = await bOnOne.fetch("/logout", { method: "POST" });
    await out.body?.cancel();
    assert.equal((await wb.closed).code, CloseCode.sessionEnded);
  });
});

Deno.test("chat revocation: an access_changed event on user:<name> re-checks that user's sockets at once", async () => {
  await deafPair("600000", async (one, two) => {
    const { b, room, wb, bOnOne } = await roomWithB(one, two);
    const left = await bOnOne.fetch(`/api/rooms/${room.id}/leave`, {
      method: "POST",
    });
    await left.body?.cancel();
    two.app.deps.bus.publish(`user:${b.username}`, { type: ACCESS_CHANGED });
    assert.equal((await wb.nextOf("left", room.id)).room, room.id);
    // Still open: only the room was revoked.
    assert.equal(wb.ws.readyState, WebSocket.OPEN);
    await wb.close();
  });
});
