import {
  assert,
  assertEquals,
  assertStringIncludes,
} from "./helpers/assert.ts";
import { Client, uniqueName } from "./helpers/client.ts";
import { type TestServer, withServer } from "./helpers/server.ts";
import { startSmtp, type TestSmtp } from "./helpers/smtp.ts";
import { chatSocket } from "./helpers/chat_ws.ts";
import { makeGroup } from "./helpers/mail.ts";

async function withSmtp(fn: (s: TestServer, smtp: TestSmtp) => Promise<void>) {
  const smtp = await startSmtp();
  try {
    await withServer((s) => fn(s, smtp), {
      env: { SMTP_URL: smtp.url, MAIL_FROM: "RT Messenger <no-reply@rt.test>" },
    });
  } finally {
    await smtp.close();
  }
}

/** The path of the first `/verify-email/...` link in a received mail. */
function linkIn(text: string, path: string): string {
  const m = new RegExp(`https?://[^\\s/]+(${path}[A-Za-z0-9_%-]+)`).exec(text);
  if (!m) throw new Error(`no ${path} link in: ${text}`);
  return m[1];
}

async function patchMe(c: Client, body: unknown) {
  return await c.json<Record<string, unknown>>("/api/me", {
    method: "PATCH",
    json: body,
  });
}

Deno.test("profile: GET /api/me answers username, displayName, email, emailVerified and role", async () => {
  await withServer(async (s) => {
    const c = await new Client(s.url).signup();
    const me = await c.json("/api/me");
    assertEquals(me.body.username, c.username);
    assertEquals(me.body.displayName, c.username);
    assertEquals(me.body.email, null);
    assertEquals(me.body.emailVerified, false);
    assertEquals(me.body.role, "admin");
  });
});

Deno.test("profile: display names take any script, 1 to 64 characters; bad input is a 400 with fields", async () => {
  await withServer(async (s) => {
    const c = await new Client(s.url).signup();
    for (const name of ["Ann Lee", "李小龍", "Ærøskøbing Ø", "😀".repeat(64)]) {
      const r = await patchMe(c, { displayName: name });
      assertEquals(r.status, 200, name);
      assertEquals(r.body.displayName, name);
    }
    for (
      const bad of ["", "   ", "x".repeat(65), "a\nb", "a\u0000b", 42, null]
    ) {
      const r = await patchMe(c, { displayName: bad });
      assertEquals(r.status, 400, JSON.stringify(bad));
      const err = r.body.error as { fields?: Record<string, string> };
      assert(err.fields?.displayName, JSON.stringify(r.body));
    }
    assertEquals((await patchMe(c, { role: "admin" })).status, 400);
    assertEquals((await patchMe(c, { email: "nope" })).status, 400);
    assertEquals(
      (await patchMe(c, { email: "a@b.test\r\nBcc: c@d.test" })).status,
      400,
    );
    const cross = await c.fetch("/api/me", {
      method: "PATCH",
      json: { displayName: "X" },
      origin: "https://evil.test",
    });
    await cross.body?.cancel();
    assertEquals(cross.status, 403);
  });
});

Deno.test("profile: email verification through a real SMTP server: GET shows a button, only the POST verifies, once", async () => {
  await withSmtp(async (s, smtp) => {
    const c = await new Client(s.url).signup();
    const r = await patchMe(c, { email: "Ann.Lee@Example.test" });
    assertEquals(r.status, 200);
    assertEquals(r.body.emailVerified, false);
    assertEquals(r.body.verificationMailed, true);
    await smtp.waitFor(1);
    const mail = smtp.mails[0];
    assertEquals(mail.to.map((a) => a.toLowerCase()), ["ann.lee@example.test"]);
    const path = linkIn(String(mail.parsed.text), "/verify-email/");
    // A link scanner's GET verifies nothing.
    const page = await new Client(s.url).fetch(path);
    const html = await page.text();
    assertEquals(page.status, 200);
    assertStringIncludes(html, `<form method="post" action="${path}"`);
    assertEquals((await c.json("/api/me")).body.emailVerified, false);
    // The POST (from any browser: the token is the proof) verifies.
    const post = await new Client(s.url).fetch(path, { method: "POST" });
    assertEquals(post.status, 200);
    assertStringIncludes(await post.text(), "is verified");
    const me = await c.json("/api/me");
    assertEquals(me.body.emailVerified, true);
    assertEquals(me.body.email, "Ann.Lee@Example.test");
    // Single use.
    const again = await new Client(s.url).fetch(path, { method: "POST" });
    assertEquals(again.status, 410);
    assertStringIncludes(await again.text(), "not valid any more");
    // The raw token is not in KV, only its hash.
    const token = path.split("/").pop()!;
    for await (const e of s.kv.list({ prefix: [] })) {
      assert(!JSON.stringify(e.key).includes(token), "raw token stored");
    }
  });
});

Deno.test("profile: two accounts cannot hold the same verified address (case-insensitive)", async () => {
  await withSmtp(async (s, smtp) => {
    const a = await new Client(s.url).signup();
    const b = await new Client(s.url).signup();
    await patchMe(a, { email: "same@example.test" });
    await smtp.waitFor(1);
    // b asks for the same address before a verified it: allowed, unverified.
    assertEquals(
      (await patchMe(b, { email: "SAME@example.test" })).status,
      200,
    );
    await smtp.waitFor(2);
    const pathA = linkIn(String(smtp.mails[0].parsed.text), "/verify-email/");
    const pathB = linkIn(String(smtp.mails[1].parsed.text), "/verify-email/");
    assertEquals((await a.fetch(pathA, { method: "POST" })).status, 200);
    const lost = await b.fetch(pathB, { method: "POST" });
    assertEquals(lost.status, 409);
    assertEquals((await b.json("/api/me")).body.emailVerified, false);
    const taken = await patchMe(b, { email: "Same@Example.TEST" });
    assertEquals(taken.status, 409);
  });
});

Deno.test("profile: an expired or unknown verification link is a clear 410 page", async () => {
  await withServer(async (s) => {
    const c = await new Client(s.url).signup();
    await patchMe(c, { email: "x@example.test" });
    for await (
      const e of s.kv.list<{ expiresAt: string }>({ prefix: ["email_verify"] })
    ) {
      await s.kv.set(e.key, {
        ...e.value,
        expiresAt: new Date(0).toISOString(),
      });
    }
    // Outbox transport (no SMTP_URL): read the link from the dev outbox.
    let path = "";
    for await (
      const e of s.kv.list<{ text: string }>({ prefix: ["mail_outbox"] })
    ) {
      path = linkIn(e.value.text, "/verify-email/");
    }
    assert(path, "the dev outbox holds the verification mail");
    const r = await c.fetch(path, { method: "POST" });
    assertEquals(r.status, 410);
    await r.body?.cancel();
    const unknown = await c.fetch("/verify-email/" + "x".repeat(43), {
      method: "POST",
    });
    assertEquals(unknown.status, 410);
    await unknown.body?.cancel();
  });
});

Deno.test("profile: a campaign's received mail has the display name in From and the verified email as Reply-To", async () => {
  await withSmtp(async (s, smtp) => {
    const c = await new Client(s.url).signup();
    await patchMe(c, { displayName: "Ann Lee", email: "ann@example.test" });
    await smtp.waitFor(1);
    const path = linkIn(String(smtp.mails[0].parsed.text), "/verify-email/");
    assertEquals((await c.fetch(path, { method: "POST" })).status, 200);
    const group = await makeGroup(c, 2);
    const draft = await c.json<{ id: string }>("/api/campaigns", {
      json: { subject: "Hi", text: "Hello", to: { groups: [group.id] } },
    });
    assertEquals(draft.status, 201);
    const sent = await c.fetch(`/api/campaigns/${draft.body.id}/send`, {
      method: "POST",
    });
    await sent.body?.cancel();
    await smtp.waitFor(3);
    const mail = smtp.mails.find((m) => m.to.includes(group.emails[0]))!;
    assertEquals(mail.parsed.from?.value[0], {
      address: "no-reply@rt.test",
      name: "Ann Lee via RT Messenger",
    });
    assertEquals(mail.parsed.replyTo?.value[0].address, "ann@example.test");
  });
});

Deno.test("profile: display names show in chat (history API users map and the room page); author stays the username", async () => {
  await withServer(async (s) => {
    const c = await new Client(s.url).signup(uniqueName("ann"));
    await patchMe(c, { displayName: "Ann Lee" });
    const room = await c.json<{ id: string }>("/api/rooms", {
      json: { name: "team", visibility: "public" },
    });
    const ws = await chatSocket(c);
    await ws.sendMessage(room.body.id, "hello", "c1");
    await ws.close();
    const hist = await c.json<{
      messages: { author: string }[];
      users: Record<string, { displayName: string }>;
    }>(`/api/rooms/${room.body.id}/messages`);
    assertEquals(hist.body.messages[0].author, c.username);
    assertEquals(hist.body.users[c.username!].displayName, "Ann Lee");
    const page = await c.fetch(`/chat/${room.body.id}`);
    const html = await page.text();
    assertStringIncludes(html, "Ann Lee");
  });
});
