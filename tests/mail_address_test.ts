import { assert, assertEquals } from "./helpers/assert.ts";
import {
  deliveryAddress,
  emailKey,
  emailProblem,
} from "../lib/email/address.ts";
import { Client } from "./helpers/client.ts";
import { draftAndSend, mailWorld, waitCampaign } from "./helpers/mail.ts";
import { withKv } from "./helpers/kv.ts";
import { createContact } from "../lib/contacts/contacts.ts";
import {
  EMAIL_KEY_MIGRATION,
  migrateContactEmailKeys,
} from "../lib/contacts/email_key_migration.ts";

const INVISIBLE = ["\u00a0", "\u2028", "\u3000", "\u200b"];

Deno.test("email address: whitespace, control, format and separator characters are refused anywhere", () => {
  for (const ch of [...INVISIBLE, "\u2029", "\u200e", "\u00ad", "\ufeff"]) {
    for (
      const bad of [
        `victim@example.com${ch}x`,
        `x@exa${ch}mple.com`,
        `vic${ch}tim@example.com`,
        `${ch}victim@example.com`,
        `victim@example.com${ch}`,
      ]
    ) {
      assert(emailProblem(bad), JSON.stringify(bad));
    }
  }
  assertEquals(emailProblem(" ok@example.com\t"), null);
});

Deno.test("email address: the comparison key folds case, NFC and IDNA; sending keeps the typed local part", () => {
  assertEquals(emailKey("Ok1@Example.com"), emailKey("ok1@example.com"));
  assertEquals(emailKey(" Ok1@EXAMPLE.com "), "ok1@example.com");
  // "é" precomposed vs e + combining acute
  assertEquals(emailKey("jos\u00e9@x.test"), emailKey("jose\u0301@x.test"));
  assertEquals(emailKey("a@BÜCHER.de"), "a@xn--bcher-kva.de");
  assertEquals(emailKey("a@bücher.de"), emailKey("a@xn--bcher-kva.de"));
  assertEquals(deliveryAddress("Ann@Bücher.de"), "Ann@xn--bcher-kva.de");
  assertEquals(deliveryAddress("Ann@Example.com"), "Ann@example.com");
});

Deno.test("mail: addresses differing only in case are one recipient; invisible characters are reported invalid with why", async () => {
  const w = await mailWorld();
  try {
    const d = await w.client.json<{
      id: string;
      total: number;
      duplicates: number;
      invalid: { email: string; reason: string }[];
    }>("/api/campaigns", {
      json: {
        subject: "S",
        text: "x",
        to: {
          emails: [
            "ok1@example.com",
            "Ok1@Example.com",
            "OK1@EXAMPLE.COM",
            "x@exa\u2028mple.com",
            "y\u200b@example.com",
            "z@example.com\u00a0",
            "w\u3000@example.com",
          ],
        },
      },
    });
    assertEquals(d.status, 201);
    assertEquals(d.body.total, 1);
    assertEquals(d.body.duplicates, 2);
    assertEquals(d.body.invalid.length, 4);
    for (const i of d.body.invalid) {
      assert(/invisible/.test(i.reason), i.reason);
    }
    await w.client.json(`/api/campaigns/${d.body.id}/send`, { method: "POST" });
    await waitCampaign(w.client, d.body.id, (p) => p.status === "done");
    assertEquals(w.smtp!.mails.length, 1);
    assertEquals(w.smtp!.mails[0].to, ["ok1@example.com"]);
  } finally {
    await w.close();
  }
});

Deno.test("mail: after an unsubscribe, case variants and invisible-character variants of the address get nothing", async () => {
  const w = await mailWorld();
  try {
    const first = await draftAndSend(w.client, {
      subject: "One",
      text: "x",
      to: { emails: ["victim@example.com"] },
    });
    await waitCampaign(w.client, first, (p) => p.status === "done");
    const link = w.smtp!.mails[0].header("list-unsubscribe")!.slice(1, -1);
    const res = await new Client(w.server.url).fetch(new URL(link).pathname, {
      method: "POST",
      body: "List-Unsubscribe=One-Click",
      headers: { "content-type": "application/x-www-form-urlencoded" },
    });
    assertEquals(res.status, 200);
    await res.body?.cancel();
    const d = await w.client.json<{ id: string; total: number }>(
      "/api/campaigns",
      {
        json: {
          subject: "Two",
          text: "x",
          to: {
            emails: [
              "Victim@EXAMPLE.com",
              "victim@example.com\u2028x",
              "other@example.com",
            ],
          },
        },
      },
    );
    assertEquals(d.status, 201);
    assertEquals(d.body.total, 2);
    await w.client.json(`/api/campaigns/${d.body.id}/send`, { method: "POST" });
    const p = await waitCampaign(
      w.client,
      d.body.id,
      (p) => p.status === "done",
    );
    assertEquals([p.sent, p.suppressed], [1, 1]);
    const to = w.smtp!.mails.map((m) => m.to[0]);
    assertEquals(to, ["victim@example.com", "other@example.com"]);
  } finally {
    await w.close();
  }
});

Deno.test("contacts: addresses differing only in case are one contact on entry and on import", async () => {
  const w = await mailWorld();
  try {
    const a = await w.client.json("/api/contacts", {
      json: { name: "Ok One", email: "Ok1@Example.com" },
    });
    assertEquals(a.status, 201);
    const b = await w.client.json<{ error: { code: string } }>(
      "/api/contacts",
      { json: { name: "Ok Again", email: "ok1@example.com" } },
    );
    assertEquals(b.status, 409);
    assertEquals(b.body.error.code, "duplicate_email");
    const imp = await w.client.json<{ imported: number; updated: number }>(
      "/api/contacts/import",
      {
        method: "POST",
        body: "Name,Email\nOk Import,OK1@EXAMPLE.COM\nTwo,two@x.test\n" +
          "Two Again,TWO@x.test\n",
        headers: { "content-type": "text/csv" },
      },
    );
    assertEquals(imp.status, 200);
    assertEquals(imp.body.imported, 1);
    const list = await w.client.json<{ contacts: { email: string }[] }>(
      "/api/contacts",
    );
    assertEquals(list.body.contacts.length, 2);
    // The typed form is kept for display.
    assert(list.body.contacts.some((c) => c.email === "Ok1@Example.com"));
  } finally {
    await w.close();
  }
});

Deno.test("contacts: an email index written by the old normal form is migrated at start so case variants still dedupe", async () => {
  await withKv(async (kv) => {
    const owner = "u1";
    const c = await createContact(kv, owner, {
      name: "Old",
      email: "Ok1@Example.com",
    });
    // Rewrite the index as the old form wrote it (local part as typed).
    await kv.delete(["contact_email", owner, "ok1@example.com"]);
    await kv.set(["contact_email", owner, "Ok1@example.com"], c.id);
    assertEquals(await migrateContactEmailKeys(kv), 1);
    assertEquals(
      (await kv.get(["contact_email", owner, "ok1@example.com"])).value,
      c.id,
    );
    assertEquals(
      (await kv.get(["contact_email", owner, "Ok1@example.com"])).value,
      null,
    );
    assert((await kv.get(EMAIL_KEY_MIGRATION)).value);
    await assertRejectsCode(
      () => createContact(kv, owner, { name: "New", email: "ok1@EXAMPLE.com" }),
      "duplicate_email",
    );
  });
});

async function assertRejectsCode(fn: () => Promise<unknown>, code: string) {
  try {
    await fn();
  } catch (err) {
    assertEquals((err as { code?: string }).code, code);
    return;
  }
  throw new Error(`expected a ${code} error`);
}
