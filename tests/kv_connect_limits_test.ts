/**
 * KV Connect / denokv limits (issue 15 item 3): the app run on a KV that
 * refuses what a remote KV refuses (> 10 checks, > 1,000 mutations,
 * > 800 KiB per atomic, getMany of > 10 keys) still works for chat across
 * many rooms (group commit), contacts with the most emails, an import of
 * long-note rows, a campaign sent with high concurrency, the kv-watch fanout
 * and a restore. No denokv server can be installed here (neither npm nor
 * Debian ships it), so this is what is verified locally.
 */
import assert from "node:assert/strict";
import { signedInClient } from "./helpers/client.ts";
import { chatSocket } from "./helpers/chat_ws.ts";
import { startServer } from "./helpers/server.ts";
import { waitCampaign } from "./helpers/mail.ts";
import { strictKv } from "./helpers/strict_kv.ts";
import { restoreBackup, takeBackup } from "../lib/backup/mod.ts";

Deno.test("kv connect: chat over 15 rooms, contacts with 8 emails, a 120-row import, a 60-recipient campaign at concurrency 20 and a restore stay within a remote KV's atomic limits", async () => {
  const base = await Deno.openKv(":memory:");
  const { kv, stats } = strictKv(base);
  const server = await startServer({
    kv,
    env: {
      MAIL_CONCURRENCY: "20",
      FANOUT: "kv-watch",
      CHAT_SEND_BURST: "1000",
    },
  });
  try {
    const a = await signedInClient(server.url);
    const rooms: string[] = [];
    for (let i = 0; i < 15; i++) {
      const { body } = await a.json<{ id: string }>("/api/rooms", {
        json: { name: `r${i}`, visibility: "private" },
      });
      rooms.push(body.id);
    }
    const ws = await chatSocket(a);
    // One socket, 15 rooms, sent at once: group commit batches span rooms.
    const acks = await Promise.all(
      rooms.flatMap((r, i) =>
        [0, 1, 2].map((j) => ws.sendMessage(r, `m${i}.${j}`, `c${i}.${j}`))
      ),
    );
    const bad = acks.find((f) => f.type !== "ack");
    assert.equal(bad, undefined, JSON.stringify(bad));
    await ws.close();

    const emails = Array.from({ length: 8 }, (_, i) => ({
      label: "other",
      value: `multi${i}@x.test`,
    }));
    const multi = await a.json("/api/contacts", {
      json: { name: "Multi", email: emails[0].value, emails },
    });
    assert.equal(multi.status, 201, JSON.stringify(multi.body));

    // 9 KB notes fail on any KV today (one 836 KB atomic; reported, the
    // import engineer's issue 14 item 10); 2 KB notes exercise the sizing.
    const note = "n".repeat(2000);
    const csv = "Name,Email,Notes\n" +
      Array.from({ length: 120 }, (_, i) => `Row ${i},row${i}@x.test,${note}`)
        .join("\n");
    const imp = await a.json<{ imported: number }>("/api/contacts/import", {
      method: "POST",
      body: csv,
      headers: { "content-type": "text/csv" },
    });
    assert.equal(imp.status, 200, JSON.stringify(imp.body));
    assert.equal(imp.body.imported, 120);

    const to = Array.from({ length: 60 }, (_, i) => `k${i}@x.test`);
    const d = await a.json<{ id: string }>("/api/campaigns", {
      json: { subject: "S", text: "T", to: { emails: to } },
    });
    const s = await a.json(`/api/campaigns/${d.body.id}/send`, {
      method: "POST",
    });
    assert.equal(s.status, 202, JSON.stringify(s.body));
    const p = await waitCampaign(a, d.body.id, (p) => p.status === "done");
    assert.equal(p.sent, 60);

    const { bytes } = await takeBackup(":memory:", base);
    const target = strictKv(await Deno.openKv(":memory:"));
    try {
      const r = await restoreBackup(target.kv, bytes);
      assert.ok(r.written > 300);
      assert.deepEqual(target.stats.violations, []); // restore batches fit
    } finally {
      target.kv.close();
    }
    // Every outcome above held on a KV enforcing remote limits; refused
    // atomics (if any) were ones the app recovers from, like the import
    // halving an oversized batch.
    assert.ok(stats.maxChecks <= 10 && stats.maxMutations <= 1000);
    console.log(
      `atomics ${stats.atomics}; largest committed: ${stats.maxChecks} checks, ${stats.maxMutations} mutations, ${
        Math.round(stats.maxBytes / 1024)
      } KiB; refused and recovered: ${
        stats.violations.length ? stats.violations.join("; ") : "none"
      }`,
    );
  } finally {
    await server.close();
    base.close();
  }
});
