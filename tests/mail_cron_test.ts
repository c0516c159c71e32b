/**
 * The mail sender driven by the minute cron (issue 15 item 5): with its own
 * poll timer effectively off, one cron tick sends a whole campaign and
 * returns once nothing is sending.
 */
import assert from "node:assert/strict";
import { startSmtp } from "./helpers/smtp.ts";
import { createDraft } from "../lib/mail/campaigns.ts";
import { startSending } from "../lib/mail/start_sending.ts";
import { activeCampaigns, Sender } from "../lib/mail/sender.ts";
import { createSmtpTransport } from "../lib/mail/transport.ts";
import { driveByCron, mailCronTick } from "../lib/mail/cron.ts";

Deno.test("mail cron: a tick wakes the sender and returns when the campaign is done, with no poll timer making progress", async () => {
  const kv = await Deno.openKv(":memory:");
  const smtp = await startSmtp({ parse: false });
  const transport = createSmtpTransport({ url: smtp.url });
  const sender = new Sender({
    kv,
    transport,
    mailFrom: "Cron <cron@rt.test>",
    appUrl: "http://localhost",
    pollMs: 3_600_000, // the loop's own timer would wait an hour
  }).start();
  const off = driveByCron(sender, kv);
  try {
    const emails = Array.from({ length: 20 }, (_, i) => `c${i}@cron.test`);
    const { campaign } = await createDraft(kv, {
      id: "cron-owner",
      username: "cronner",
    }, { subject: "Cron", text: "tick", to: { emails } });
    // The loop looked once at start (nothing then) and now sleeps.
    await new Promise((r) => setTimeout(r, 100));
    await startSending(kv, "cronner", campaign.id, emails.length);
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(smtp.mails.length, 0, "something other than the tick sent");
    await mailCronTick(10_000, 20);
    assert.deepEqual(await activeCampaigns(kv), []);
    assert.ok(emails.every((e) => smtp.countFor(e) === 1));
  } finally {
    off();
    await sender.stop();
    transport.close();
    await smtp.close();
    kv.close();
  }
});
