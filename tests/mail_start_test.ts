import { assert, assertEquals } from "./helpers/assert.ts";
import { withKv } from "./helpers/kv.ts";
import { startSmtp } from "./helpers/smtp.ts";
import { mailWorld, waitCampaign } from "./helpers/mail.ts";
import { createDraft } from "../lib/mail/campaigns.ts";
import { startSending } from "../lib/mail/ledger.ts";
import { keys, ridOf } from "../lib/mail/model.ts";
import { Sender } from "../lib/mail/sender.ts";
import { createSmtpTransport } from "../lib/mail/transport.ts";

const emails = (n: number, tag: string) =>
  Array.from({ length: n }, (_, i) => `${tag}${i}@start.test`);

Deno.test("mail send: two concurrent POST /send of one campaign start it once; every recipient is mailed exactly once", async () => {
  const w = await mailWorld();
  try {
    const to = emails(700, "c");
    const d = await w.client.json<{ id: string }>("/api/campaigns", {
      json: { subject: "Twice", text: "x", to: { emails: to } },
    });
    const [a, b] = await Promise.all([
      w.client.json(`/api/campaigns/${d.body.id}/send`, { method: "POST" }),
      w.client.json(`/api/campaigns/${d.body.id}/send`, { method: "POST" }),
    ]);
    const statuses = [a.status, b.status].sort();
    assertEquals(statuses, [202, 409]);
    const p = await waitCampaign(
      w.client,
      d.body.id,
      (p) => p.status === "done",
    );
    assertEquals([p.sent, p.failed, p.pending], [700, 0, 0]);
    assertEquals(w.smtp!.mails.length, 700);
    for (const e of to) assertEquals(w.smtp!.countFor(e), 1, e);
  } finally {
    await w.close();
  }
});

Deno.test("mail send: two campaigns sent at once both start and finish; each recipient mailed once", async () => {
  const w = await mailWorld();
  try {
    const lists = [emails(400, "a"), emails(400, "b")];
    const ids = [];
    for (const to of lists) {
      const d = await w.client.json<{ id: string }>("/api/campaigns", {
        json: { subject: "Pair", text: "x", to: { emails: to } },
      });
      ids.push(d.body.id);
    }
    const res = await Promise.all(
      ids.map((id) =>
        w.client.json(`/api/campaigns/${id}/send`, { method: "POST" })
      ),
    );
    assertEquals(res.map((r) => r.status), [202, 202]);
    for (const id of ids) {
      await waitCampaign(w.client, id, (p) => p.status === "done");
    }
    assertEquals(w.smtp!.mails.length, 800);
    for (const e of lists.flat()) assertEquals(w.smtp!.countFor(e), 1, e);
  } finally {
    await w.close();
  }
});

Deno.test("mail sender: stale due entries (records already sent, or gone) are skipped and deleted, never block a campaign", async () => {
  await withKv(async (kv) => {
    const smtp = await startSmtp({ parse: false });
    const transport = createSmtpTransport({ url: smtp.url });
    const to = emails(30, "s");
    const { campaign } = await createDraft(kv, { id: "u", username: "u" }, {
      subject: "S",
      text: "x",
      to: { emails: to },
    });
    const id = campaign.id;
    await startSending(kv, "u", id, 1000);
    // What an interrupted start used to leave: due entries, earlier than the
    // real ones, whose records are sent already or do not exist.
    const sent = await kv.get<Record<string, unknown>>(keys.rcpt(id, ridOf(0)));
    await kv.set(keys.rcpt(id, ridOf(0)), {
      ...sent.value,
      status: "sent",
      dueAt: undefined,
    });
    const op = kv.atomic();
    for (let i = 0; i < 25; i++) op.set(keys.due(id, 1, ridOf(i)), null);
    for (let i = 0; i < 5; i++) op.set(keys.due(id, 2, `9${i}9999`), null);
    await op.commit();
    const sender = new Sender({
      kv,
      transport,
      mailFrom: "RT <no-reply@rt.test>",
      appUrl: "http://app.test",
      pollMs: 20,
    }).start();
    try {
      for (let i = 0; i < 1500 && smtp.mails.length < 29; i++) {
        await new Promise((r) => setTimeout(r, 20));
      }
      assertEquals(smtp.mails.length, 29);
      for (const e of to.slice(1)) assertEquals(smtp.countFor(e), 1, e);
      // The SMTP server has a mail before the sender records its outcome
      // (which deletes that record's due entry): wait for the 29 outcomes.
      const sentCount = async () =>
        Number(
          (await kv.get<Deno.KvU64>(keys.counter(id, "sent"))).value?.value ??
            0n,
        );
      for (let i = 0; i < 1500 && await sentCount() < 29; i++) {
        await new Promise((r) => setTimeout(r, 20));
      }
      assertEquals(await sentCount(), 29);
      let left = 0;
      for await (const _ of kv.list({ prefix: keys.dues(id) })) left++;
      assertEquals(left, 0);
    } finally {
      await sender.stop();
      transport.close();
      await smtp.close();
    }
  });
});

Deno.test("mail send: a start that lost its claim to another writes nothing more and answers 409", async () => {
  await withKv(async (kv) => {
    const { campaign } = await createDraft(kv, { id: "u", username: "u" }, {
      subject: "S",
      text: "x",
      to: { emails: emails(5, "f") },
    });
    const first = await startSending(kv, "u", campaign.id, 1000);
    assertEquals(first.status, "sending");
    let code = "";
    try {
      await startSending(kv, "u", campaign.id, 1000);
    } catch (err) {
      code = (err as { code: string }).code;
    }
    assertEquals(code, "not_draft");
    let n = 0;
    for await (const _ of kv.list({ prefix: keys.dues(campaign.id) })) n++;
    assert(n === 5, `${n} due entries`);
  });
});
