import { assert, assertEquals } from "./helpers/assert.ts";
import { startSmtp } from "./helpers/smtp.ts";
import { progressOf } from "../lib/mail/campaign_progress.ts";
import { createDraft } from "../lib/mail/campaigns.ts";
import { startSending } from "../lib/mail/ledger.ts";
import { Sender } from "../lib/mail/sender.ts";
import { createSmtpTransport, SendError } from "../lib/mail/transport.ts";
import { keys } from "../lib/mail/model.ts";
import { compileTemplate, render, sanitize } from "../lib/mail/templates.ts";
import { EventBus } from "../lib/events.ts";
import type { Campaign } from "../lib/mail/model.ts";

Deno.test("mail templates: tags, fallbacks, unknown tag refused, html escaped", () => {
  const t = compileTemplate("Hi {{first_name|there}}, {{ email }}!", "text");
  const v = {
    first_name: "",
    last_name: "",
    name: "",
    email: "a@b.c",
    unsubscribe_url: "u",
  };
  assertEquals(render(t, v), "Hi there, a@b.c!");
  assertEquals(render(t, { ...v, first_name: "Zoë" }), "Hi Zoë, a@b.c!");
  let err: unknown;
  try {
    compileTemplate("Hello {{nickname}}", "subject");
  } catch (e) {
    err = e;
  }
  assertEquals((err as { code: string }).code, "unknown_merge_tag");
  const h = compileTemplate("<p>{{name}}</p>", "html");
  assertEquals(
    render(h, { ...v, name: "<b>x</b>" }, true),
    "<p>&lt;b&gt;x&lt;/b&gt;</p>",
  );
  assertEquals(
    sanitize(
      '<p onclick="x()">a<script>alert(1)</script><a href="javascript:alert(1)">l</a></p>',
    ),
    "<p>a<a>l</a></p>",
  );
});

Deno.test("mail sender: a campaign reaches a real SMTP server, one mail per recipient", async () => {
  const kv = await Deno.openKv(":memory:");
  const smtp = await startSmtp();
  const transport = createSmtpTransport({ url: smtp.url });
  const bus = new EventBus(null);
  const events: unknown[] = [];
  const off = bus.subscribe("user:alice", (e) => events.push(e));
  const sender = new Sender({
    kv,
    transport,
    bus,
    mailFrom: "RT <no-reply@rt.test>",
    appUrl: "http://app.test",
    pollMs: 20,
  }).start();
  try {
    const emails = Array.from({ length: 12 }, (_, i) => `P${i} <p${i}@x.test>`);
    const { campaign } = await createDraft(kv, {
      id: "alice-id",
      username: "alice",
    }, {
      subject: "Hello {{name|friend}}",
      text: "Dear {{name}}, bye {{unsubscribe_url}}",
      to: { emails: [...emails, "p1@X.TEST", "bad address"] },
    });
    assertEquals(campaign.total, 12);
    await startSending(kv, "alice", campaign.id, 2000);
    sender.wake();
    await smtp.waitFor(12);
    for (let i = 0; i < 100; i++) {
      const c = (await kv.get<Campaign>(keys.campaign(campaign.id))).value!;
      if (c.status === "done") break;
      await new Promise((r) => setTimeout(r, 20));
    }
    const c = (await kv.get<Campaign>(keys.campaign(campaign.id))).value!;
    const p = await progressOf(kv, c);
    assertEquals([p.status, p.sent, p.failed, p.pending], ["done", 12, 0, 0]);
    for (let i = 0; i < 12; i++) assertEquals(smtp.countFor(`p${i}@x.test`), 1);
    const m = smtp.mails.find((m) => m.to[0] === "p3@x.test")!;
    assertEquals(m.parsed.subject, "Hello P3");
    assert(
      String(m.parsed.text).startsWith(
        "Dear P3, bye http://app.test/unsubscribe/",
      ),
    );
    assert(
      events.some((e) =>
        (e as { campaign: { status: string } }).campaign.status === "done"
      ),
    );
  } finally {
    off();
    await sender.stop();
    transport.close();
    bus.close();
    await smtp.close();
    kv.close();
  }
});

Deno.test("mail drafts: 5,000 typed recipients with 200-character names are stored within KV's per-commit limits", async () => {
  const kv = await Deno.openKv(":memory:");
  try {
    const long = "N".repeat(200);
    const emails = Array.from(
      { length: 5000 },
      (_, i) => `${long} <n${i}@x.test>`,
    );
    const { campaign } = await createDraft(kv, {
      id: "bulk-id",
      username: "bulk",
    }, {
      subject: "S",
      text: "x",
      to: { emails },
    });
    assertEquals(campaign.total, 5000);
    const p = await startSending(kv, "bulk", campaign.id, 5000);
    assertEquals([p.status, p.pending], ["sending", 5000]);
  } finally {
    kv.close();
  }
});

async function sendOne(
  url: string,
  dkim?: { domainName: string; keySelector: string; privateKey: string },
) {
  const transport = createSmtpTransport({ url, dkim });
  try {
    return await transport.send("alice", {
      from: { name: "Alice", address: "no-reply@rt.test" },
      to: { name: "Bob", address: "bob@x.test" },
      subject: "Hi",
      text: "Hello",
      messageId: "<1.test@rt.test>",
      headers: { "List-Unsubscribe": "<http://app.test/u/x>" },
    });
  } finally {
    transport.close();
  }
}

Deno.test("mail transport: smtp:// upgrades with STARTTLS when offered and authenticates", async () => {
  const smtp = await startSmtp({
    tls: "starttls",
    auth: { user: "u1", pass: "p@ss w0rd" },
  });
  try {
    await sendOne(
      smtp.url.replace("p@ss w0rd", encodeURIComponent("p@ss w0rd")),
    );
    assertEquals(smtp.mails.length, 1);
    assertEquals(smtp.secure, [true]);
  } finally {
    await smtp.close();
  }
});

Deno.test("mail transport: smtps:// speaks TLS from the start", async () => {
  const smtp = await startSmtp({ tls: "smtps" });
  try {
    await sendOne(smtp.url);
    assertEquals(smtp.secure, [true]);
  } finally {
    await smtp.close();
  }
});

Deno.test("mail transport: a wrong password and a refused connection are transient; a 550 is permanent with its text", async () => {
  const smtp = await startSmtp({ auth: { user: "u1", pass: "right" } });
  try {
    const bad = await sendOne(smtp.url.replace("right", "wrong")).catch((e) =>
      e
    );
    assert(bad instanceof SendError);
    assertEquals(bad.permanent, false);
    smtp.onRcpt = () => ({ code: 550, message: "5.1.1 No such user here" });
    const refused = await sendOne(smtp.url).catch((e) => e);
    assertEquals([refused.permanent, refused.responseCode], [true, 550]);
    assert(refused.message.includes("No such user here"), refused.message);
  } finally {
    await smtp.close();
  }
  const down = await sendOne(smtp.url).catch((e) => e);
  assert(down instanceof SendError);
  assertEquals(down.permanent, false);
});

Deno.test("mail transport: DKIM signs when a key is configured", async () => {
  const smtp = await startSmtp();
  try {
    const pair = await crypto.subtle.generateKey(
      {
        name: "RSASSA-PKCS1-v1_5",
        modulusLength: 2048,
        publicExponent: new Uint8Array([1, 0, 1]),
        hash: "SHA-256",
      },
      true,
      ["sign", "verify"],
    );
    const der = new Uint8Array(
      await crypto.subtle.exportKey("pkcs8", pair.privateKey),
    );
    const b64 = btoa(String.fromCharCode(...der)).replace(/(.{64})/g, "$1\n");
    const pem =
      `-----BEGIN PRIVATE KEY-----\n${b64}\n-----END PRIVATE KEY-----\n`;
    await sendOne(smtp.url, {
      domainName: "rt.test",
      keySelector: "s1",
      privateKey: pem,
    });
    const sig = smtp.mails[0].header("dkim-signature")!;
    assert(sig, "no DKIM-Signature header");
    assert(sig.includes("d=rt.test") && sig.includes("s=s1"), sig);
  } finally {
    await smtp.close();
  }
});

Deno.test("mail sender: two sender loops on one KV share a campaign without sending anyone twice", async () => {
  const kv = await Deno.openKv(":memory:");
  const smtp = await startSmtp({ parse: false });
  const transports = [
    createSmtpTransport({ url: smtp.url }),
    createSmtpTransport({ url: smtp.url }),
  ];
  const senders = transports.map((transport) =>
    new Sender({
      kv,
      transport,
      mailFrom: "RT <no-reply@rt.test>",
      appUrl: "http://app.test",
      pollMs: 5,
    })
  );
  try {
    const emails = Array.from({ length: 300 }, (_, i) => `t${i}@x.test`);
    const { campaign } = await createDraft(kv, {
      id: "twin-id",
      username: "twin",
    }, {
      subject: "S",
      text: "x",
      to: { emails },
    });
    await startSending(kv, "twin", campaign.id, 1000);
    senders.forEach((s) => s.start());
    await smtp.waitFor(300);
    for (let i = 0; i < 500; i++) {
      const c = (await kv.get<Campaign>(keys.campaign(campaign.id))).value!;
      if (c.status === "done") break;
      await new Promise((r) => setTimeout(r, 10));
    }
    const c = (await kv.get<Campaign>(keys.campaign(campaign.id))).value!;
    assertEquals(c.status, "done");
    assertEquals((await progressOf(kv, c)).sent, 300);
    await new Promise((r) => setTimeout(r, 50));
    assertEquals(smtp.mails.length, 300);
    for (const e of emails) assertEquals(smtp.countFor(e), 1, e);
  } finally {
    for (const s of senders) await s.stop();
    transports.forEach((t) => t.close());
    await smtp.close();
    kv.close();
  }
});

Deno.test("mail sender: a gracefully stopped sender gives its unsent leases back, so the next one continues at once", async () => {
  const kv = await Deno.openKv(":memory:");
  const smtp = await startSmtp({ parse: false });
  const transport = createSmtpTransport({ url: smtp.url });
  // An hour-long lease: anything not given back would be stuck for the test.
  const make = () =>
    new Sender({
      kv,
      transport,
      mailFrom: "RT <no-reply@rt.test>",
      appUrl: "http://app.test",
      pollMs: 5,
      ratePerSecond: 20,
      leaseMs: 3600_000,
    });
  const first = make().start();
  let second: Sender | undefined;
  try {
    const emails = Array.from({ length: 30 }, (_, i) => `g${i}@x.test`);
    const { campaign } = await createDraft(kv, {
      id: "grace-id",
      username: "grace",
    }, {
      subject: "S",
      text: "x",
      to: { emails },
    });
    await startSending(kv, "grace", campaign.id, 1000);
    first.wake();
    await smtp.waitFor(3);
    await first.stop();
    const atStop = smtp.mails.length;
    assert(atStop < 30, `all mails went out before the stop (${atStop})`);
    second = make().start();
    await smtp.waitFor(30);
    for (const e of emails) assertEquals(smtp.countFor(e), 1, e);
  } finally {
    await first.stop();
    await second?.stop();
    transport.close();
    await smtp.close();
    kv.close();
  }
});
