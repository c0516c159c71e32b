/**
 * Missed-mention mail goes through the group-mail ledger and transport: each
 * digest is a system job in the ledger, sent, retried and recorded by the
 * group-mail sender, and never shown as a user's campaign.
 */
import assert from "node:assert/strict";
import { signedInClient } from "./helpers/client.ts";
import { startServer } from "./helpers/server.ts";
import { type ChatClient, chatSocket } from "./helpers/chat_ws.ts";
import { startSmtp } from "./helpers/smtp.ts";
import { getUserByUsername, updateUser } from "../lib/auth/users.ts";
import { listDigests } from "../lib/mail/digest_planner.ts";
import { unsubscribeToken } from "../lib/mail/digest_settings.ts";
import {
  addDigestJob,
  KEEP_DIGESTS_MS,
  pruneDigests,
} from "../lib/mail/digest_ledger.ts";
import { INTERRUPTED } from "../lib/mail/ledger.ts";
import {
  type Campaign,
  keys,
  type LedgerRecord,
  SYSTEM_OWNER,
} from "../lib/mail/model.ts";
import { type OldDigestJob, oldJobKey } from "../lib/mail/digest_migrate.ts";

async function setup(delayMinutes = "0.01") {
  const smtp = await startSmtp();
  const server = await startServer({
    env: {
      SMTP_URL: smtp.url,
      DIGEST_DELAY_MINUTES: delayMinutes,
      MAIL_RETRY_BASE_MS: "100",
    },
  });
  const a = await signedInClient(server.url);
  const b = await signedInClient(server.url);
  const u = await getUserByUsername(server.kv, b.username!);
  const email = `${b.username}@example.test`;
  await updateUser(server.kv, { ...u!, email, emailVerified: true });
  const sockets: ChatClient[] = [];
  return {
    smtp,
    server,
    a,
    b,
    email,
    async dm(texts: string[]) {
      const { body: dm } = await a.json<{ id: string }>("/api/dms", {
        json: { username: b.username },
      });
      const ws = await chatSocket(a);
      sockets.push(ws);
      await ws.subscribe(dm.id);
      // All in flight at once, acknowledged when durable.
      for (const [i, t] of texts.entries()) {
        ws.send({ type: "send", room: dm.id, text: t, cid: `m${i}` });
      }
      for (let i = 0; i < texts.length; i++) {
        await ws.next(
          (f) => f.type === "ack" && f.cid === `m${i}`,
          `ack m${i}`,
        );
      }
      return dm.id;
    },
    async [Symbol.asyncDispose]() {
      await Promise.all(sockets.map((s) => s.close()));
      await server.close();
      await smtp.close();
    },
  };
}

async function until(pred: () => boolean | Promise<boolean>, what: string) {
  for (let i = 0; i < 1500; i++) {
    if (await pred()) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`timed out waiting for ${what}`);
}

Deno.test("digest ledger: a digest is a system job in the group-mail ledger, retried there after a 4xx and recorded sent, and never listed as the user's campaign", async () => {
  await using t = await setup();
  let refused = 0;
  t.smtp.onRcpt = (addr) => {
    if (addr === t.email && refused === 0) {
      refused++;
      return { code: 451, message: "4.3.0 try again later" };
    }
    return undefined;
  };
  await t.dm(["are you coming to the review?"]);
  await t.smtp.waitFor(1, 20_000);
  assert.equal(refused, 1);
  const kv = t.server.kv;
  await until(
    async () => (await listDigests(kv, t.b.username!))[0]?.jobStatus === "done",
    "the job to be done",
  );
  const [row] = await listDigests(kv, t.b.username!);
  assert.equal(row.status, "sent");
  assert.equal(row.attempts, 2, "the 451 was retried by the ledger");
  assert.equal(row.items.length, 1);
  const campaign = (await kv.get<Campaign>(keys.campaign(row.id))).value!;
  assert.equal(campaign.owner, SYSTEM_OWNER);
  assert.equal(campaign.status, "done");
  const rec = (await kv.get<LedgerRecord>(keys.rcpt(row.id, "000000"))).value!;
  assert.equal(rec.status, "sent");
  assert.equal(rec.once, true);
  assert.ok(rec.handedAt && rec.sentAt);
  assert.equal(t.smtp.countFor(t.email), 1);
  assert.equal(
    t.smtp.mails[0].header("message-id"),
    `<digest-${row.id}@localhost>`,
  );
  // Not the user's campaign: not listed, not readable, not controllable.
  const list = await t.b.json<{ campaigns: unknown[] }>("/api/campaigns");
  assert.deepEqual(list.body.campaigns, []);
  for (const path of [`/api/campaigns/${row.id}`]) {
    const r = await t.b.json(path);
    assert.equal(r.status, 404);
  }
  const retry = await t.b.json(`/api/campaigns/${row.id}/retry`, {
    method: "POST",
  });
  assert.equal(retry.status, 404);
  // Deleting the account deletes its digests (they quote messages).
  const del = await t.b.fetch("/api/me", {
    method: "DELETE",
    json: { password: "correct horse battery" },
  });
  assert.equal(del.status, 204);
  assert.deepEqual(await listDigests(kv, t.b.username!), []);
  assert.equal((await kv.get(keys.campaign(row.id))).value, null);
  assert.equal((await kv.get(keys.rcpt(row.id, "000000"))).value, null);
});

Deno.test("digest ledger: unsubscribing (RFC 8058 one-click) cancels a digest still waiting in the ledger for a retry; it is never sent", async () => {
  await using t = await setup();
  let refused = 0;
  t.smtp.onRcpt = (addr) => {
    if (addr !== t.email) return undefined;
    refused++;
    return { code: 451, message: "4.3.0 try again later" };
  };
  await t.dm(["a message you will not get by mail"]);
  const kv = t.server.kv;
  await until(() => refused >= 1, "the first refused attempt");
  const [waiting] = await listDigests(kv, t.b.username!);
  assert.equal(waiting.jobStatus, "sending");
  const token = await unsubscribeToken(kv, t.b.username!);
  const res = await fetch(`${t.server.url}/unsubscribe/digest/${token}`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: "List-Unsubscribe=One-Click",
  });
  await res.body?.cancel();
  assert.equal(res.status, 200);
  const [cancelled] = await listDigests(kv, t.b.username!);
  assert.equal(cancelled.jobStatus, "cancelled");
  assert.equal((await kv.get(keys.active(cancelled.id))).value, null);
  const before = refused;
  // Several retry intervals (100 ms base, doubling): no further attempt.
  await new Promise((r) => setTimeout(r, 2000));
  assert.ok(
    refused <= before + 1,
    `attempts after cancel: ${refused - before}`,
  );
  t.smtp.onRcpt = undefined;
  await new Promise((r) => setTimeout(r, 2000));
  assert.equal(t.smtp.countFor(t.email), 0);
});

Deno.test("digest ledger: 20 messages of 4,000 characters fit one digest job (stored clipped, below KV's 64 KiB value limit)", async () => {
  // 6 s: the 20 messages are all due in the same pass.
  await using t = await setup("0.1");
  const texts = Array.from(
    { length: 20 },
    (_, i) => `long ${i} ` + "x".repeat(3990),
  );
  await t.dm(texts);
  await t.smtp.waitFor(1, 20_000);
  const text = t.smtp.mails[0].parsed.text ?? "";
  for (let i = 0; i < 20; i++) assert.ok(text.includes(`long ${i} xxx`), text);
  assert.match(t.smtp.mails[0].parsed.subject ?? "", /^20 messages/);
  const [row] = await listDigests(t.server.kv, t.b.username!);
  assert.equal(row.items.length, 20);
});

Deno.test("digest ledger: jobs of the former digest ledger are moved into the group-mail ledger; a ready one is mailed once, a handed one never again", async () => {
  await using t = await setup();
  const kv = t.server.kv;
  const user = t.b.username!;
  const item = (text: string, seq: number) => ({
    room: "r1",
    roomName: "ann",
    direct: true,
    message: {
      id: `m${seq}`,
      room: "r1",
      seq,
      author: "ann",
      text,
      createdAt: new Date().toISOString(),
    },
  });
  const old = (id: string, state: OldDigestJob["state"], text: string) => ({
    id,
    user,
    email: t.email,
    state,
    items: [item(text, state === "ready" ? 1 : 2)],
    createdAt: new Date().toISOString(),
    attempts: 0,
    nextAt: 0,
  });
  await kv.set(
    oldJobKey("01OLDREADY"),
    old("01OLDREADY", "ready", "was ready"),
  );
  await kv.set(
    oldJobKey("01OLDHANDED"),
    old("01OLDHANDED", "handed", "was handed"),
  );
  await until(
    async () => {
      const rows = await listDigests(kv, user);
      return rows.length === 2 && rows.every((r) => r.jobStatus === "done");
    },
    "both old jobs to be finished in the ledger",
  );
  const rows = await listDigests(kv, user);
  const ready = rows.find((r) => r.id === "01OLDREADY")!;
  const handed = rows.find((r) => r.id === "01OLDHANDED")!;
  assert.equal(ready.status, "sent");
  assert.equal(handed.status, "failed");
  assert.equal(handed.error, INTERRUPTED);
  assert.equal((await kv.get(oldJobKey("01OLDREADY"))).value, null);
  assert.equal((await kv.get(oldJobKey("01OLDHANDED"))).value, null);
  const texts = t.smtp.mails.map((m) => m.parsed.text ?? "");
  assert.equal(texts.filter((x) => x.includes("was ready")).length, 1);
  assert.equal(texts.filter((x) => x.includes("was handed")).length, 0);
});

Deno.test("digest ledger: finished digests older than 30 days are pruned with every key the ledger kept; unfinished or recent ones stay", async () => {
  const kv = await Deno.openKv(":memory:");
  try {
    const now = Date.now();
    const job = (id: string, at: number) => ({
      id,
      user: "bob",
      email: "bob@example.test",
      items: [],
      now: at,
      token: "t".repeat(24),
    });
    const old = now - KEEP_DIGESTS_MS - 60_000;
    await addDigestJob(kv.atomic(), job("01OLDSENT", old), "sent").commit();
    await addDigestJob(kv.atomic(), job("01OLDOPEN", old)).commit();
    await addDigestJob(kv.atomic(), job("01NEWSENT", now), "sent").commit();
    assert.equal(await pruneDigests(kv, now), 1);
    const ids = (await listDigests(kv, "bob")).map((r) => r.id).sort();
    assert.deepEqual(ids, ["01NEWSENT", "01OLDOPEN"]);
    const left: Deno.KvKey[] = [];
    for await (const e of kv.list({ prefix: [] })) {
      if (e.key.includes("01OLDSENT")) left.push(e.key);
    }
    assert.deepEqual(left, []);
  } finally {
    kv.close();
  }
});
