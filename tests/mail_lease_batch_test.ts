import { assert, assertEquals } from "./helpers/assert.ts";
import { startSmtp } from "./helpers/smtp.ts";
import { progressOf } from "../lib/mail/campaign_progress.ts";
import { createDraft } from "../lib/mail/campaigns.ts";
import { startSending } from "../lib/mail/ledger.ts";
import { Sender } from "../lib/mail/sender.ts";
import { createSmtpTransport } from "../lib/mail/transport.ts";
import { type Campaign, keys } from "../lib/mail/model.ts";

/**
 * The real KV, counting lease rounds that found records: each reads the due
 * records of the campaign with one `getMany` (a round that finds nothing due,
 * e.g. an idle poll, reads none).
 */
function countingLeases(kv: Deno.Kv, campaignId: () => string) {
  let rounds = 0;
  const counted = new Proxy(kv, {
    get(target, prop) {
      const v = Reflect.get(target, prop, target);
      if (typeof v !== "function") return v;
      if (prop === "getMany") {
        return (ks: Deno.KvKey[], ...rest: unknown[]) => {
          const rcpt = keys.rcpt(campaignId(), "");
          if (ks.length && ks[0][0] === rcpt[0] && ks[0][1] === rcpt[1]) {
            rounds++;
          }
          return v.call(target, ks, ...rest);
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
    // 45 mails in rounds of up to 9 records: 5 full rounds plus partial
    // ones (a refill starts once the buffer is under 2). One round per freed
    // slot made 45.
    assert(rounds() <= 25, `${rounds()} lease rounds for 45 mails`);
  } finally {
    await sender.stop();
    transport.close();
    await smtp.close();
    raw.close();
  }
});
