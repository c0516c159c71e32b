import {
  assert,
  assertEquals,
  assertStringIncludes,
} from "./helpers/assert.ts";
import { Client, signedInClient } from "./helpers/client.ts";
import {
  draftAndSend,
  mailWorld,
  makeGroup,
  type Progress,
  waitCampaign,
} from "./helpers/mail.ts";

type Rcpt = {
  email: string;
  status: string;
  error?: string;
  attempts?: number;
  sentAt?: string;
};

Deno.test("mail: 30 personalised mails to a group arrive with the right addresses, subjects, bodies and headers", async () => {
  const w = await mailWorld();
  const events: Progress[] = [];
  const off = w.server.app.deps.bus.subscribe(`user:${w.user}`, (e) => {
    if (e.type === "campaign") events.push(e.campaign as Progress);
  });
  try {
    const group = await makeGroup(w.client, 30);
    const draft = await w.client.json<
      { id: string; status: string; total: number }
    >("/api/campaigns", {
      json: {
        subject: "Hello {{first_name|there}}",
        text:
          "Dear {{name}} ({{email}}),\nnews for {{last_name}}.\nUnsubscribe: {{unsubscribe_url}}",
        html:
          '<p>Dear <b>{{first_name}}</b></p><script>alert(1)</script><a href="{{unsubscribe_url}}">unsubscribe</a>',
        to: { groups: [group.id] },
      },
    });
    assertEquals(draft.status, 201);
    assertEquals([draft.body.status, draft.body.total], ["draft", 30]);
    const sent = await w.client.json<Progress>(
      `/api/campaigns/${draft.body.id}/send`,
      { method: "POST" },
    );
    assertEquals(sent.status, 202);
    const done = await waitCampaign(
      w.client,
      draft.body.id,
      (p) => p.status === "done",
    );
    assertEquals([done.total, done.sent, done.failed, done.pending], [
      30,
      30,
      0,
      0,
    ]);
    await w.smtp!.waitFor(30);
    assertEquals(w.smtp!.mails.length, 30);
    const tokens = new Set<string>();
    for (let i = 0; i < 30; i++) {
      const email = `m${i}@group.test`;
      assertEquals(w.smtp!.countFor(email), 1, email);
      const m = w.smtp!.mails.find((m) => m.to[0] === email)!;
      assertEquals(m.from, "no-reply@rt.test");
      assertEquals(m.parsed.from?.value[0], {
        address: "no-reply@rt.test",
        name: `${w.user} via RT Messenger`,
      });
      assertEquals((m.parsed.to as { value: unknown[] }).value[0], {
        address: email,
        name: `First${i} Last${i}`,
      });
      assertEquals(m.parsed.subject, `Hello First${i}`);
      const unsub = m.header("list-unsubscribe")!;
      const url =
        /^<(http:\/\/127\.0\.0\.1:\d+\/unsubscribe\/([A-Za-z0-9_-]+))>$/.exec(
          unsub,
        );
      assert(url, unsub);
      assert(url[1].startsWith(w.server.url));
      tokens.add(url[2]);
      assertEquals(
        m.header("list-unsubscribe-post"),
        "List-Unsubscribe=One-Click",
      );
      assertEquals(
        m.parsed.text?.trim(),
        `Dear First${i} Last${i} (${email}),\nnews for Last${i}.\nUnsubscribe: ${
          url[1]
        }`,
      );
      assertStringIncludes(
        String(m.parsed.html),
        `<p>Dear <b>First${i}</b></p>`,
      );
      assertStringIncludes(
        String(m.parsed.html),
        `<a href="${url[1]}">unsubscribe</a>`,
      );
      assert(!String(m.parsed.html).includes("script"));
      assert(
        /^<\d{6}\.[0-9A-Z]{26}@rt\.test>$/.test(m.parsed.messageId!),
        m.parsed.messageId,
      );
    }
    assertEquals(tokens.size, 30);
    const list = await w.client.json<{ recipients: Rcpt[] }>(
      `/api/campaigns/${draft.body.id}/recipients?status=sent`,
    );
    assertEquals(list.body.recipients.length, 30);
    assert(list.body.recipients.every((r) => r.sentAt && r.attempts === 1));
    for (let i = 0; i < 500 && events.at(-1)?.status !== "done"; i++) {
      await new Promise((r) => setTimeout(r, 10));
    }
    const last = events.at(-1)!;
    assertEquals([last.id, last.status, last.sent, last.pending], [
      draft.body.id,
      "done",
      30,
      0,
    ]);
  } finally {
    off();
    await w.close();
  }
});

Deno.test("mail: GET on the unsubscribe link only confirms; one-click POST suppresses the address in the next campaign", async () => {
  const w = await mailWorld();
  try {
    const to = { emails: ["Ann <ann@x.test>", "bob@x.test", "cy@x.test"] };
    const first = await draftAndSend(w.client, {
      subject: "One",
      text: "Hi {{name|you}} {{unsubscribe_url}}",
      to,
    });
    await waitCampaign(w.client, first, (p) => p.status === "done");
    const bobMail = w.smtp!.mails.find((m) => m.to[0] === "bob@x.test")!;
    const link = bobMail.header("list-unsubscribe")!.slice(1, -1);
    // A GET (e.g. a link scanner) shows a form and changes nothing.
    const anon = new Client(w.server.url);
    const page = await anon.fetch(new URL(link).pathname);
    assertEquals(page.status, 200);
    const html = await page.text();
    assertStringIncludes(html, "bob@x.test");
    assertStringIncludes(html, `<form method="post"`);
    const second = await draftAndSend(w.client, {
      subject: "Two",
      text: "x",
      to,
    });
    await waitCampaign(w.client, second, (p) => p.status === "done");
    assertEquals(w.smtp!.countFor("bob@x.test"), 2);
    // The mail client's one-click POST: no cookie, no Origin, cross-site.
    const res = await fetch(link, {
      method: "POST",
      headers: {
        "content-type": "application/x-www-form-urlencoded",
        "sec-fetch-site": "cross-site",
      },
      body: "List-Unsubscribe=One-Click",
    });
    assertEquals(res.status, 200);
    assertStringIncludes(await res.text(), "unsubscribed");
    const third = await draftAndSend(w.client, {
      subject: "Three",
      text: "x",
      to,
    });
    const p = await waitCampaign(w.client, third, (p) => p.status === "done");
    assertEquals([p.sent, p.suppressed, p.pending], [2, 1, 0]);
    assertEquals(w.smtp!.countFor("bob@x.test"), 2);
    assertEquals(w.smtp!.countFor("ann@x.test"), 3);
    const sup = await w.client.json<{ recipients: Rcpt[] }>(
      `/api/campaigns/${third}/recipients?status=suppressed`,
    );
    assertEquals(sup.body.recipients.map((r) => r.email), ["bob@x.test"]);
    // Another user's campaigns to bob are not suppressed.
    const other = await signedInClient(w.server.url);
    const o = await draftAndSend(other, {
      subject: "Other",
      text: "x",
      to: { emails: ["bob@x.test"] },
    });
    await waitCampaign(other, o, (p) => p.status === "done");
    assertEquals(w.smtp!.countFor("bob@x.test"), 3);
    const bad = await fetch(
      `${w.server.url}/unsubscribe/not-a-real-token-xxxxxxxxxxxx`,
      { method: "POST" },
    );
    assertEquals(bad.status, 404);
    await bad.body?.cancel();
  } finally {
    await w.close();
  }
});

Deno.test("mail: CR/LF/NUL in subject, names or addresses is refused with 400 and nothing is sent", async () => {
  const w = await mailWorld();
  try {
    const cases = [
      {
        subject: "Hi\r\nBcc: evil@x.test",
        text: "x",
        to: { emails: ["a@x.test"] },
      },
      {
        subject: "Hi",
        text: "x",
        to: { emails: ["a@x.test\r\nBcc: evil@x.test"] },
      },
      { subject: "Hi", text: "x", to: { emails: ["Evil\nName <a@x.test>"] } },
      { subject: "Hi\0", text: "x", to: { emails: ["a@x.test"] } },
    ];
    for (const body of cases) {
      const r = await w.client.json<{ error: { code: string } }>(
        "/api/campaigns",
        { json: body },
      );
      assertEquals(r.status, 400, JSON.stringify(body));
      assertEquals(r.body.error.code, "header_injection");
    }
    const ok = await w.client.json<{ id: string }>("/api/campaigns", {
      json: { subject: "Fine", text: "x", to: { emails: ["a@x.test"] } },
    });
    const t = await w.client.json<{ error: { code: string } }>(
      `/api/campaigns/${ok.body.id}/test`,
      {
        json: { email: "me@x.test\r\nBcc: evil@x.test" },
      },
    );
    assertEquals(t.status, 400);
    const list = await w.client.json<{ campaigns: unknown[] }>(
      "/api/campaigns",
    );
    assertEquals(list.body.campaigns.length, 1);
    assertEquals(w.smtp!.mails.length, 0);
    // Unknown merge tags are a draft-time error too.
    const tag = await w.client.json<
      { error: { code: string; message: string } }
    >("/api/campaigns", {
      json: {
        subject: "Hi {{nickname}}",
        text: "x",
        to: { emails: ["a@x.test"] },
      },
    });
    assertEquals([tag.status, tag.body.error.code], [400, "unknown_merge_tag"]);
    assertStringIncludes(tag.body.error.message, "{{nickname}}");
  } finally {
    await w.close();
  }
});

Deno.test("mail: a 451 answer is retried with backoff and then delivered; a 550 fails with the server's text", async () => {
  const w = await mailWorld();
  try {
    const seen = new Set<string>();
    w.smtp!.onRcpt = (a) => {
      if (a === "busy@x.test" && !seen.has(a)) {
        seen.add(a);
        return { code: 451, message: "4.3.0 Try again later" };
      }
      if (a === "gone@x.test") {
        return {
          code: 550,
          message: "5.1.1 Mailbox gone@x.test does not exist",
        };
      }
    };
    const id = await draftAndSend(w.client, {
      subject: "S",
      text: "x",
      to: { emails: ["busy@x.test", "gone@x.test", "ok@x.test"] },
    });
    const p = await waitCampaign(w.client, id, (p) => p.status === "done");
    assertEquals([p.sent, p.failed, p.pending], [2, 1, 0]);
    assertEquals(w.smtp!.countFor("busy@x.test"), 1);
    assertEquals(w.smtp!.countFor("gone@x.test"), 0);
    const all = await w.client.json<{ recipients: Rcpt[] }>(
      `/api/campaigns/${id}/recipients`,
    );
    const busy = all.body.recipients.find((r) => r.email === "busy@x.test")!;
    assertEquals([busy.status, busy.attempts], ["sent", 2]);
    const failed = await w.client.json<{ recipients: Rcpt[] }>(
      `/api/campaigns/${id}/recipients?status=failed`,
    );
    assertEquals(failed.body.recipients.length, 1);
    assertEquals(failed.body.recipients[0].email, "gone@x.test");
    assertStringIncludes(failed.body.recipients[0].error!, "550");
    assertStringIncludes(
      failed.body.recipients[0].error!,
      "Mailbox gone@x.test does not exist",
    );
  } finally {
    await w.close();
  }
});

Deno.test("mail: retry all sends again only the failed recipients", async () => {
  const w = await mailWorld();
  try {
    let refuse = true;
    w.smtp!.onRcpt = (a) =>
      refuse && a.startsWith("no")
        ? { code: 550, message: "5.7.1 Refused for now" }
        : undefined;
    const emails = ["no1@x.test", "no2@x.test", "yes1@x.test", "yes2@x.test"];
    const id = await draftAndSend(w.client, {
      subject: "S",
      text: "x",
      to: { emails },
    });
    await waitCampaign(
      w.client,
      id,
      (p) => p.status === "done" && p.failed === 2,
    );
    refuse = false;
    // 550 is permanent: only "retry all" queues such failures again.
    const r = await w.client.json<Progress>(`/api/campaigns/${id}/retry`, {
      method: "POST",
      json: { scope: "all" },
    });
    assertEquals(r.status, 200);
    const p = await waitCampaign(w.client, id, (p) => p.status === "done");
    assertEquals([p.sent, p.failed], [4, 0]);
    for (const e of emails) assertEquals(w.smtp!.countFor(e), 1, e);
    const again = await w.client.json<{ error: { code: string } }>(
      `/api/campaigns/${id}/retry`,
      { method: "POST" },
    );
    assertEquals([again.status, again.body.error.code], [
      409,
      "nothing_to_retry",
    ]);
  } finally {
    await w.close();
  }
});

/** Waits until no recipient is being sent and the server has every recorded mail. */
async function waitSettled(
  client: Client,
  id: string,
  arrived: () => number,
): Promise<Progress> {
  for (let i = 0; i < 1500; i++) {
    const p = await client.json<Progress>(`/api/campaigns/${id}`);
    const busy = await client.json<{ recipients: Rcpt[] }>(
      `/api/campaigns/${id}/recipients?status=sending`,
    );
    if (
      busy.body.recipients.length === 0 &&
      p.body.sent + p.body.failed === arrived()
    ) return p.body;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error("the campaign never settled");
}

Deno.test("mail: pause stops sending, resume finishes, cancel leaves the rest unsent", async () => {
  const w = await mailWorld({ MAIL_RATE: "20", MAIL_CONCURRENCY: "1" });
  try {
    const emails = Array.from({ length: 20 }, (_, i) => `p${i}@x.test`);
    const id = await draftAndSend(w.client, {
      subject: "S",
      text: "x",
      to: { emails },
    });
    await w.smtp!.waitFor(1);
    const paused = await w.client.json<Progress>(`/api/campaigns/${id}/pause`, {
      method: "POST",
    });
    assertEquals([paused.status, paused.body.status], [200, "paused"]);
    // Whatever was in flight settles; then nothing more is sent while paused.
    const settled = await waitSettled(w.client, id, () => w.smtp!.mails.length);
    const before = w.smtp!.mails.length;
    await new Promise((r) => setTimeout(r, 300));
    assertEquals(w.smtp!.mails.length, before);
    assert(settled.pending > 0);
    const bad = await w.client.json(`/api/campaigns/${id}/pause`, {
      method: "POST",
    });
    assertEquals(bad.status, 409);
    const resumed = await w.client.json<Progress>(
      `/api/campaigns/${id}/resume`,
      { method: "POST" },
    );
    assertEquals(resumed.body.status, "sending");
    const done = await waitCampaign(w.client, id, (p) => p.status === "done");
    assertEquals(done.sent, 20);
    for (const e of emails) assertEquals(w.smtp!.countFor(e), 1, e);

    const id2 = await draftAndSend(w.client, {
      subject: "S2",
      text: "x",
      to: { emails: emails.map((e) => e.replace("@", "+2@")) },
    });
    await w.smtp!.waitFor(21);
    const cancelled = await w.client.json<Progress>(
      `/api/campaigns/${id2}/cancel`,
      { method: "POST" },
    );
    assertEquals(cancelled.body.status, "cancelled");
    const c2 = await waitSettled(
      w.client,
      id2,
      () => w.smtp!.mails.length - 20,
    );
    await new Promise((r) => setTimeout(r, 300));
    assertEquals(w.smtp!.mails.length, 20 + c2.sent);
    assert(c2.pending > 0 && c2.status === "cancelled");
    const resume = await w.client.json(`/api/campaigns/${id2}/resume`, {
      method: "POST",
    });
    assertEquals(resume.status, 409);
  } finally {
    await w.close();
  }
});

Deno.test("mail: the daily recipient quota is refused with 429 before anything is queued", async () => {
  const w = await mailWorld({ MAIL_DAILY_QUOTA: "5" });
  try {
    const six = Array.from({ length: 6 }, (_, i) => `q${i}@x.test`);
    const d = await w.client.json<{ id: string }>("/api/campaigns", {
      json: { subject: "S", text: "x", to: { emails: six } },
    });
    const r = await w.client.json<{ error: { code: string; message: string } }>(
      `/api/campaigns/${d.body.id}/send`,
      {
        method: "POST",
      },
    );
    assertEquals([r.status, r.body.error.code], [429, "quota_exceeded"]);
    assertStringIncludes(r.body.error.message, "0 of 5");
    const after = await w.client.json<Progress>(`/api/campaigns/${d.body.id}`);
    assertEquals([after.body.status, after.body.pending], ["draft", 6]);
    const rc = await w.client.json<{ recipients: Rcpt[] }>(
      `/api/campaigns/${d.body.id}/recipients?status=queued`,
    );
    assertEquals(rc.body.recipients.length, 0);
    const five = await draftAndSend(w.client, {
      subject: "S",
      text: "x",
      to: { emails: six.slice(0, 5) },
    });
    await waitCampaign(w.client, five, (p) => p.status === "done");
    const one = await w.client.json<{ id: string }>("/api/campaigns", {
      json: { subject: "S", text: "x", to: { emails: ["z@x.test"] } },
    });
    const r2 = await w.client.json(`/api/campaigns/${one.body.id}/send`, {
      method: "POST",
    });
    assertEquals(r2.status, 429);
    assertEquals(w.smtp!.mails.length, 5);
  } finally {
    await w.close();
  }
});

Deno.test("mail: without SMTP_URL mails go to the development outbox, shown only to their sender", async () => {
  const w = await mailWorld({}, { outbox: true });
  try {
    const id = await draftAndSend(w.client, {
      subject: "Outbox {{name|friend}}",
      text: "Body",
      to: { emails: ["Dee <dee@x.test>", "eve@x.test"] },
    });
    await waitCampaign(
      w.client,
      id,
      (p) => p.status === "done" && p.sent === 2,
    );
    const page = await w.client.fetch("/outbox");
    assertEquals(page.status, 200);
    const html = await page.text();
    assertStringIncludes(html, "Outbox Dee");
    assertStringIncludes(html, "Outbox friend");
    assertStringIncludes(html, "List-Unsubscribe");
    const other = await signedInClient(w.server.url);
    const theirs = await (await other.fetch("/outbox")).text();
    assert(!theirs.includes("Outbox Dee"));
    const t = await w.client.json<{ sent: boolean }>(
      `/api/campaigns/${id}/test`,
      { json: { email: "me@x.test" } },
    );
    assertEquals([t.status, t.body.sent], [200, true]);
    assertStringIncludes(
      await (await w.client.fetch("/outbox")).text(),
      "[Test] Outbox",
    );
  } finally {
    await w.close();
  }
});

Deno.test("mail: another user's campaign is a 404 for every route; a test send reaches the SMTP server", async () => {
  const w = await mailWorld();
  try {
    const d = await w.client.json<{ id: string }>("/api/campaigns", {
      json: {
        subject: "Mine {{first_name|there}}",
        text: "x",
        to: { emails: ["a@x.test"] },
      },
    });
    const other = await signedInClient(w.server.url);
    for (const path of ["", "/recipients", "/preview"]) {
      assertEquals(
        (await other.json(`/api/campaigns/${d.body.id}${path}`)).status,
        404,
        path,
      );
    }
    for (
      const path of ["/send", "/test", "/pause", "/resume", "/cancel", "/retry"]
    ) {
      const r = await other.json(`/api/campaigns/${d.body.id}${path}`, {
        method: "POST",
        json: {},
      });
      assertEquals(r.status, 404, path);
    }
    assertEquals(
      (await w.client.json(`/api/campaigns/${d.body.id}/explode`, {
        method: "POST",
      })).status,
      404,
    );
    const anon = new Client(w.server.url);
    assertEquals((await anon.json(`/api/campaigns/${d.body.id}`)).status, 401);
    const t = await w.client.json(`/api/campaigns/${d.body.id}/test`, {
      json: { email: "me@x.test" },
    });
    assertEquals(t.status, 200);
    await w.smtp!.waitFor(1);
    // The sender's own values, never their username (issue 9 item 1): with
    // no display name the template's fallback shows.
    assertEquals(w.smtp!.mails[0].parsed.subject, "[Test] Mine there");
    const pv = await w.client.json<{ subject: string }>(
      `/api/campaigns/${d.body.id}/preview?email=a@x.test`,
    );
    assertEquals(pv.body.subject, "Mine there");
  } finally {
    await w.close();
  }
});

Deno.test("mail: a draft merges groups, contacts and typed addresses, drops duplicates, reports invalid ones; unknown ids are 404", async () => {
  const w = await mailWorld();
  try {
    const group = await makeGroup(w.client, 3, "Board");
    const { body: extra } = await w.client.json<{ id: string }>(
      "/api/contacts",
      {
        json: { name: "Solo Person", email: "solo@x.test" },
      },
    );
    const theirs = await signedInClient(w.server.url);
    const foreign = await makeGroup(theirs, 1, "Theirs");
    const d = await w.client.json<
      {
        id: string;
        total: number;
        invalid: { email: string }[];
        duplicates: number;
      }
    >(
      "/api/campaigns",
      {
        json: {
          subject: "Hi {{first_name|there}}",
          text: "x",
          to: {
            groups: [group.id],
            contacts: [extra.id],
            emails: [
              "m0@GROUP.test",
              "new@x.test",
              "not-an-address",
              "Solo <solo@X.TEST>",
            ],
          },
        },
      },
    );
    assertEquals(d.status, 201);
    assertEquals(d.body.total, 5);
    assertEquals(d.body.duplicates, 2);
    assertEquals(d.body.invalid.map((i) => i.email), ["not-an-address"]);
    const list = await w.client.json<{ recipients: Rcpt[] }>(
      `/api/campaigns/${d.body.id}/recipients`,
    );
    assertEquals(list.body.recipients.map((r) => r.email).sort(), [
      "m0@group.test",
      "m1@group.test",
      "m2@group.test",
      "new@x.test",
      "solo@x.test",
    ]);
    const pv = await w.client.json<{ subject: string }>(
      `/api/campaigns/${d.body.id}/preview?email=m1@group.test`,
    );
    assertEquals(pv.body.subject, "Hi First1");
    const missing = await w.client.json("/api/campaigns", {
      json: { subject: "S", text: "x", to: { groups: [foreign.id] } },
    });
    assertEquals(missing.status, 404);
    const none = await w.client.json<{ error: { code: string } }>(
      "/api/campaigns",
      {
        json: { subject: "S", text: "x", to: { emails: ["nope"] } },
      },
    );
    assertEquals([none.status, none.body.error.code], [400, "no_recipients"]);
  } finally {
    await w.close();
  }
});

Deno.test("mail: groups and contacts made in the address book are offered by the composer and expand into recipients", async () => {
  const w = await mailWorld({}, { outbox: true });
  try {
    const group = await makeGroup(w.client, 2, "Address Book Group");
    const page = await w.client.fetch("/campaigns/new");
    const html = await page.text();
    assertEquals(page.status, 200);
    assertStringIncludes(html, "Address Book Group");
    // Contacts are searched by the composer through the contacts API.
    const found = await w.client.json<{ contacts: { email: string }[] }>(
      "/api/contacts?limit=50&q=m1",
    );
    assert(found.body.contacts.some((c) => c.email === "m1@group.test"));
    const draft = await w.client.json<{ total: number }>("/api/campaigns", {
      json: {
        subject: "Hi",
        text: "Hello {{first_name}}",
        to: { groups: [group.id] },
      },
    });
    assertEquals([draft.status, draft.body.total], [201, 2]);
  } finally {
    await w.close();
  }
});
