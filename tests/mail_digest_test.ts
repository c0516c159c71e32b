/** Missed-mention mail over the real server, WebSocket and a real SMTP server. */
import assert from "node:assert/strict";
import { type Client, signedInClient } from "./helpers/client.ts";
import { startServer, type TestServer } from "./helpers/server.ts";
import { type ChatClient, chatSocket } from "./helpers/chat_ws.ts";
import { startSmtp, type TestSmtp } from "./helpers/smtp.ts";
import { getUserByUsername, updateUser } from "../lib/auth/users.ts";
import { listDigests } from "../lib/mail/digest_planner.ts";

/** DIGEST_DELAY_MINUTES=0.02: 1.2 s. */
const DELAY_MS = 1200;

async function setEmail(
  server: TestServer,
  username: string,
  email: string,
  verified: boolean,
) {
  const u = await getUserByUsername(server.kv, username);
  await updateUser(
    server.kv,
    {
      ...u!,
      email,
      emailVerified: verified,
    },
  );
}

async function setup() {
  const smtp = await startSmtp();
  const server = await startServer({
    env: { SMTP_URL: smtp.url, DIGEST_DELAY_MINUTES: "0.02" },
  });
  const a = await signedInClient(server.url);
  const b = await signedInClient(server.url);
  const c = await signedInClient(server.url);
  const { body: room } = await a.json<{ id: string }>("/api/rooms", {
    json: { name: "design", visibility: "private" },
  });
  for (const u of [b, c]) {
    await a.json(`/api/rooms/${room.id}/members`, {
      json: { username: u.username },
    });
  }
  await setEmail(server, b.username!, `${b.username}@example.test`, true);
  await setEmail(server, c.username!, `${c.username}@example.test`, false);
  const sockets: ChatClient[] = [];
  return {
    smtp,
    server,
    a,
    b,
    c,
    room: room.id,
    async socket(cl: Client) {
      const ws = await chatSocket(cl);
      sockets.push(ws);
      return ws;
    },
    async [Symbol.asyncDispose]() {
      await Promise.all(sockets.map((s) => s.close()));
      await server.close();
      await smtp.close();
    },
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const mailsTo = (smtp: TestSmtp, addr: string) =>
  smtp.mails.filter((m) => m.to.includes(addr));

Deno.test("digest: an unread mention arrives once by mail after the delay, with links and a one-click unsubscribe that turns the setting off", async () => {
  await using t = await setup();
  const wa = await t.socket(t.a);
  await wa.subscribe(t.room);
  await wa.sendMessage(
    t.room,
    `@${t.b.username} please look at the mockups`,
    "d1",
  );
  await wa.sendMessage(
    t.room,
    `@${t.c.username} unverified: never mailed`,
    "d2",
  );
  await wa.sendMessage(t.room, "no mention: not in the digest", "d3");
  const addr = `${t.b.username}@example.test`;
  await t.smtp.waitFor(1, 20_000);
  const mail = t.smtp.mails[0];
  assert.deepEqual(mail.to, [addr]);
  const text = mail.parsed.text ?? "";
  assert.ok(text.includes("please look at the mockups"), text);
  assert.ok(!text.includes("not in the digest"), text);
  assert.ok(text.includes(`${t.server.url}/chat/${t.room}?at=1`), text);
  assert.match(mail.header("list-unsubscribe-post") ?? "", /One-Click/);
  const unsub = /<([^>]+)>/.exec(mail.header("list-unsubscribe") ?? "")![1];
  // Not again: several more intervals pass.
  await sleep(3 * DELAY_MS);
  assert.equal(mailsTo(t.smtp, addr).length, 1);
  assert.equal(t.smtp.mails.length, 1, "nothing to the unverified address");
  // A DM is mailed too (a second digest, only the new item).
  const { body: dm } = await t.a.json<{ id: string }>("/api/dms", {
    json: { username: t.b.username },
  });
  await wa.subscribe(dm.id);
  await wa.sendMessage(dm.id, "quick question in private", "d4");
  await t.smtp.waitFor(2, 20_000);
  const second = t.smtp.mails[1].parsed.text ?? "";
  assert.ok(second.includes("quick question in private"), second);
  assert.ok(!second.includes("mockups"), "never the same message twice");
  // RFC 8058: a cookie-less POST turns the setting off.
  const res = await fetch(unsub, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: "List-Unsubscribe=One-Click",
  });
  await res.body?.cancel();
  assert.equal(res.status, 200);
  assert.deepEqual(
    (await t.b.json<{ digest: string }>("/api/me/digest")).body.digest,
    "off",
  );
  const again = await fetch(unsub);
  assert.ok((await again.text()).includes("Already unsubscribed"));
  await wa.sendMessage(dm.id, "after unsubscribing", "d5");
  await sleep(3 * DELAY_MS);
  assert.equal(mailsTo(t.smtp, addr).length, 2);
});

Deno.test("digest: nothing is mailed when the mention was read before the delay", async () => {
  await using t = await setup();
  const wa = await t.socket(t.a);
  const wb = await t.socket(t.b);
  await wa.subscribe(t.room);
  await wb.subscribe(t.room);
  const ack = await wa.sendMessage(t.room, `@${t.b.username} read me`, "r1");
  wb.send({ type: "read", room: t.room, seq: ack.seq });
  wb.send({ type: "ping" });
  await wb.nextOf("pong");
  await sleep(4 * DELAY_MS);
  assert.equal(t.smtp.mails.length, 0);
  const jobs = await listDigests(t.server.kv, t.b.username!);
  assert.equal(jobs.length, 0);
});

Deno.test("digest: a private room left before the delay is not in the mail (no leak)", async () => {
  await using t = await setup();
  const wa = await t.socket(t.a);
  await wa.subscribe(t.room);
  await wa.sendMessage(t.room, `@${t.b.username} secret plans`, "p1");
  const left = await t.b.json(`/api/rooms/${t.room}/leave`, { method: "POST" });
  assert.equal(left.status, 200);
  await sleep(4 * DELAY_MS);
  assert.equal(t.smtp.mails.length, 0);
});

Deno.test("digest: the setting accepts off/15m/1h/daily only", async () => {
  await using t = await setup();
  for (const v of ["off", "15m", "1h", "daily"]) {
    const r = await t.b.json("/api/me/digest", {
      method: "PATCH",
      json: { digest: v },
    });
    assert.equal(r.status, 200);
  }
  const bad = await t.b.json<{ error: { code: string } }>("/api/me/digest", {
    method: "PATCH",
    json: { digest: "hourly" },
  });
  assert.equal(bad.status, 400);
  assert.equal(bad.body.error.code, "invalid_digest");
  const unknown = await fetch(
    `${t.server.url}/unsubscribe/digest/${"x".repeat(30)}`,
    {
      method: "POST",
    },
  );
  await unknown.body?.cancel();
  assert.equal(unknown.status, 404);
});
