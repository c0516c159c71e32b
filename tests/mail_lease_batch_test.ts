import { assert, assertEquals } from "./helpers/assert.ts";
import { startSmtp } from "./helpers/smtp.ts";
import { createDraft, progressOf } from "../lib/mail/campaigns.ts";
import { startSending } from "../lib/mail/ledger.ts";
import { Sender } from "../lib/mail/sender.ts";
import { createSmtpTransport } from "../lib/mail/transport.ts";
import { type Campaign, keys } from "../lib/mail/model.ts";

/** The real KV, counting the listings of a campaign's due index (one per lease round). */
function countingLeases(kv: Deno.Kv, campaignId: () => string) {
  let rounds = 0;
  const counted = new Proxy(kv, {
    get(target, prop) {
      const v = Reflect.get(target, prop, target);
      if (typeof v !== "function") return v;
      if (prop === "list") {
        return (selector: { prefix?: Deno.KvKey }, ...rest: unknown[]) => {
          const due = keys.dues(campaignId());
          if (
            selector.prefix?.length === due.length &&
            selector.prefix.every((p, i) => p === due[i])
          ) rounds++;
          return v.call(target, selector, ...rest);
        };
      }
      return v.bind(target);
    },
  });
  return { kv: counted, rounds: () => rounds };
}

Deno.test("mail sender: without a rate limit it leases a check batch ahead, not one record per freed slot", async () => {
  const raw = await Deno.openKv(":memory:");
  let id = "";
  const { kv, rounds } = countingLeases(raw, () => id);
  const smtp = await startSmtp();
  const transport = createSmtpTransport({ url: smtp.url });
  const sender = new Sender({
    kv,
    transport,
    mailFrom: "RT <no-reply@rt.test>",
    appUrl: "http://app.test",
    concurrency: 2,
    pollMs: 20,
  });
  try {
    const emails = Array.from({ length: 45 }, (_, i) => `q${i}@x.test`);
    const { campaign } = await createDraft(raw, {
      id: "alice-id",
      username: "alice",
    }, { subject: "S", text: "Hi {{email}}", to: { emails } });
    id = campaign.id;
    await startSending(raw, "alice", campaign.id, 2000);
    sender.start();
    await smtp.waitFor(45);
    for (let i = 0; i < 200; i++) {
      const c = (await raw.get<Campaign>(keys.campaign(id))).value!;
      if (c.status === "done") break;
      await new Promise((r) => setTimeout(r, 20));
    }
    const c = (await raw.get<Campaign>(keys.campaign(id))).value!;
    const p = await progressOf(raw, c);
    assertEquals([p.status, p.sent, p.pending], ["done", 45, 0]);
    for (const e of emails) assertEquals(smtp.countFor(e), 1, e);
    // 45 mails in rounds of up to 9 records: 5 rounds plus a few partial
    // ones. One round per freed slot made about 45.
    assert(rounds() <= 15, `${rounds()} lease rounds for 45 mails`);
  } finally {
    await sender.stop();
    transport.close();
    await smtp.close();
    raw.close();
  }
});
