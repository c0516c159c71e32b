/**
 * A send that outlasts its lease (a slow SMTP server holding DATA) while the
 * sending process is alive: the process keeps renewing the lease, so a
 * second sender on the same KV never takes the record over, neither failing
 * an at-most-once digest as interrupted nor mailing a recipient twice.
 */
import { assert, assertEquals } from "./helpers/assert.ts";
import { startSmtp, type TestSmtp } from "./helpers/smtp.ts";
import { progressOf } from "../lib/mail/campaign_progress.ts";
import { createDraft } from "../lib/mail/campaigns.ts";
import { addDigestJob } from "../lib/mail/digest_ledger.ts";
import { leaseDue, recordOutcomes, startSending } from "../lib/mail/ledger.ts";
import { LeaseRenewal } from "../lib/mail/lease_renewal.ts";
import { type Campaign, keys, type LedgerRecord } from "../lib/mail/model.ts";
import { Sender } from "../lib/mail/sender.ts";
import {
  createSmtpTransport,
  type MailTransport,
} from "../lib/mail/transport.ts";

/** The lease of these tests; the server holds the first DATA 3× as long. */
const LEASE_MS = 1000;
const HOLD_MS = 3000;

/**
 * Two sender loops (as two processes) on one KV, each with its own pool;
 * the first with `firstConcurrency` send slots (default 5).
 */
function twoSenders(kv: Deno.Kv, smtp: TestSmtp, firstConcurrency?: number) {
  const transports: MailTransport[] = [];
  const make = (concurrency?: number) => {
    const transport = createSmtpTransport({ url: smtp.url });
    transports.push(transport);
    return new Sender({
      kv,
      transport,
      mailFrom: "RT <no-reply@rt.test>",
      appUrl: "http://app.test",
      leaseMs: LEASE_MS,
      pollMs: 20,
      ...(concurrency ? { concurrency } : {}),
    });
  };
  const first = make(firstConcurrency);
  const second = make();
  return {
    first,
    second,
    async stop() {
      await first.stop();
      await second.stop();
      transports.forEach((t) => t.close());
    },
  };
}

/**
 * Holds the first mail's DATA for HOLD_MS. `holding` resolves when the
 * server has it, `released` once it is answered (accepted).
 */
function holdFirst(smtp: TestSmtp) {
  let holding!: () => void;
  const started = new Promise<void>((r) => holding = r);
  let released!: () => void;
  const done = new Promise<void>((r) => released = r);
  let held = false;
  smtp.onData = () => {
    if (held) return undefined;
    held = true;
    holding();
    return new Promise<void>((r) =>
      setTimeout(() => {
        r();
        released();
      }, HOLD_MS)
    );
  };
  return { holding: started, released: done };
}

/** A campaign of `name` to `emails`, started (its recipients due now). */
async function sendingCampaign(
  kv: Deno.Kv,
  name: string,
  emails: string[],
  text = "x",
): Promise<Campaign> {
  const { campaign } = await createDraft(kv, {
    id: `${name}-id`,
    username: name,
  }, { subject: "S", text, to: { emails } });
  await startSending(kv, name, campaign.id, 1000);
  return campaign;
}

/** Asserts campaign `id`'s sent, failed and pending counts. */
async function assertProgress(kv: Deno.Kv, id: string, want: number[]) {
  const c = (await kv.get<Campaign>(keys.campaign(id))).value!;
  const p = await progressOf(kv, c);
  assertEquals([p.sent, p.failed, p.pending], want);
}

/** Waits until campaign `id` is done. */
function campaignDone(kv: Deno.Kv, id: string): Promise<void> {
  return until(async () => {
    const c = await kv.get<Campaign>(keys.campaign(id));
    return c.value?.status === "done";
  }, "the campaign to be done");
}

async function until(pred: () => Promise<boolean>, what: string) {
  for (let i = 0; i < 1500; i++) {
    if (await pred()) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`timed out waiting for ${what}`);
}

Deno.test("mail lease renewal: a digest (at most once) whose SMTP send outlasts the lease is recorded sent, not failed as interrupted, and delivered once", async () => {
  const kv = await Deno.openKv(":memory:");
  const smtp = await startSmtp();
  const senders = twoSenders(kv, smtp);
  const id = "01SLOWDIGEST";
  try {
    const now = Date.now();
    await addDigestJob(kv.atomic(), {
      id,
      user: "bob",
      email: "bob@slow.test",
      items: [{
        room: "r1",
        roomName: "ann",
        direct: true,
        message: {
          id: "m1",
          room: "r1",
          seq: 1,
          author: "ann",
          text: "are you there?",
          createdAt: new Date(now).toISOString(),
        },
      }],
      now,
      token: "t".repeat(24),
    }).commit();
    const hold = holdFirst(smtp);
    senders.first.start();
    await hold.holding;
    // The second process runs while the first one's send is held.
    senders.second.start();
    await hold.released;
    await until(async () => {
      const r = await kv.get<LedgerRecord>(keys.rcpt(id, "000000"));
      return r.value?.status === "sent" || r.value?.status === "failed";
    }, "the digest's outcome");
    await senders.stop();
    const rec = (await kv.get<LedgerRecord>(keys.rcpt(id, "000000"))).value!;
    assertEquals(rec.status, "sent", `ledger: ${JSON.stringify(rec)}`);
    assertEquals(rec.lastError, undefined);
    assertEquals(rec.attempts, 1, "one lease, renewed, not taken over");
    assert(rec.handedAt && rec.sentAt);
    assertEquals(smtp.countFor("bob@slow.test"), 1);
    await assertProgress(kv, id, [1, 0, 0]);
  } finally {
    await senders.stop();
    await smtp.close();
    kv.close();
  }
});

Deno.test("mail lease renewal: a campaign recipient whose SMTP send outlasts the lease is mailed exactly once; the second sender never takes it", async () => {
  const kv = await Deno.openKv(":memory:");
  const smtp = await startSmtp({ parse: false });
  const senders = twoSenders(kv, smtp);
  try {
    const campaign = await sendingCampaign(
      kv,
      "slow",
      ["one@slow.test"],
      "Hi {{email}}",
    );
    const hold = holdFirst(smtp);
    senders.first.start();
    await hold.holding;
    senders.second.start();
    await hold.released;
    await campaignDone(kv, campaign.id);
    // Both loops finish what they have in flight.
    await senders.stop();
    assertEquals(smtp.countFor("one@slow.test"), 1);
    const rec = (await kv.get<LedgerRecord>(keys.rcpt(campaign.id, "000000")))
      .value!;
    assertEquals([rec.status, rec.attempts], ["sent", 1]);
    await assertProgress(kv, campaign.id, [1, 0, 0]);
  } finally {
    await senders.stop();
    await smtp.close();
    kv.close();
  }
});

Deno.test("mail lease renewal: a renewal that finds the record taken over stops, and the first holder's outcome is left to the new holder as before", async () => {
  const kv = await Deno.openKv(":memory:");
  try {
    const campaign = await sendingCampaign(kv, "take", ["a@take.test"]);
    const [mine] = await leaseDue(kv, campaign.id, 1, 300, new Set());
    const renewal = new LeaseRenewal(kv, mine, 300);
    // Its lease runs out unrenewed (as if the renewal came late) and
    // another process leases the record.
    const [theirs] = await leaseDue(
      kv,
      campaign.id,
      1,
      60_000,
      new Set(),
      mine.record.dueAt! + 1,
    );
    assert(theirs, "the other process took the record over");
    // Past a renewal period: the renewal found it taken and stopped.
    await new Promise((r) => setTimeout(r, 400));
    const kept = await renewal.stop();
    assertEquals(kept, mine, "the stale lease, not a renewed one");
    const key = keys.rcpt(campaign.id, mine.record.rid);
    const rec = (await kv.get<LedgerRecord>(key)).value!;
    assertEquals(rec.dueAt, theirs.record.dueAt, "the renewal wrote nothing");
    assertEquals(
      await recordOutcomes(kv, [{ leased: kept, outcome: { kind: "sent" } }]),
      0,
    );
    assertEquals((await kv.get<LedgerRecord>(key)).value!.status, "sending");
  } finally {
    kv.close();
  }
});

Deno.test("mail lease renewal: a send that ends within the first renewal period writes nothing to KV for its lease", async () => {
  const kv = await Deno.openKv(":memory:");
  try {
    const campaign = await sendingCampaign(kv, "fast", ["a@fast.test"]);
    const [l] = await leaseDue(kv, campaign.id, 1, 60_000, new Set());
    const kept = await new LeaseRenewal(kv, l, 60_000).stop();
    assertEquals(kept, l);
    const e = await kv.get(keys.rcpt(campaign.id, l.record.rid));
    assertEquals(e.versionstamp, l.versionstamp);
  } finally {
    kv.close();
  }
});

Deno.test("mail lease renewal: records whose leases ran out while waiting for a send slot are not mailed again after another sender took them", async () => {
  const kv = await Deno.openKv(":memory:");
  const smtp = await startSmtp({ parse: false });
  // One send slot: while its first mail is held, the records it leased
  // ahead wait in its buffer and their leases run out.
  const senders = twoSenders(kv, smtp, 1);
  const emails = Array.from({ length: 8 }, (_, i) => `r${i}@wait.test`);
  try {
    const campaign = await sendingCampaign(kv, "wait", emails, "Hi {{email}}");
    const hold = holdFirst(smtp);
    senders.first.start();
    await hold.holding;
    // Past the lease: the buffered records are due for another process.
    await new Promise((r) => setTimeout(r, LEASE_MS + 300));
    senders.second.start();
    await hold.released;
    await campaignDone(kv, campaign.id);
    await senders.stop();
    for (const e of emails) assertEquals(smtp.countFor(e), 1, e);
    await assertProgress(kv, campaign.id, [emails.length, 0, 0]);
  } finally {
    await senders.stop();
    await smtp.close();
    kv.close();
  }
});
