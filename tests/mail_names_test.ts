import { assertEquals } from "./helpers/assert.ts";
import { completeNames, displayName, splitName } from "../lib/names.ts";
import { draftAndSend, mailWorld, waitCampaign } from "./helpers/mail.ts";

Deno.test("names: the first word is the given name; a comma means family-first", () => {
  assertEquals(splitName("Ana Lima"), { givenName: "Ana", familyName: "Lima" });
  assertEquals(splitName("  Ana  Maria   da Silva "), {
    givenName: "Ana",
    familyName: "Maria da Silva",
  });
  assertEquals(splitName("Lima, Ana"), {
    givenName: "Ana",
    familyName: "Lima",
  });
  assertEquals(splitName("Cher"), { givenName: "Cher" });
  assertEquals(splitName("Lima,"), { givenName: "Lima" });
  assertEquals(splitName(""), {});
  assertEquals(completeNames({ name: "ann@x.test" }), {});
  assertEquals(completeNames({ name: "Ana Lima", givenName: "Annie" }), {
    givenName: "Annie",
    familyName: undefined,
  });
  assertEquals(
    displayName({ givenName: "Ana", familyName: "Lima" }),
    "Ana Lima",
  );
});

Deno.test("mail: {{first_name}} is filled for contacts made with one Name field and for typed Name <addr> recipients", async () => {
  const w = await mailWorld();
  try {
    const ids: string[] = [];
    for (
      const [name, email] of [
        ["Ana Lima", "ana@x.test"],
        ["Lima, Bea", "bea@x.test"],
      ]
    ) {
      const r = await w.client.json<{ id: string; givenName?: string }>(
        "/api/contacts",
        { json: { name, email } },
      );
      assertEquals(r.status, 201);
      ids.push(r.body.id);
    }
    const id = await draftAndSend(w.client, {
      subject: "{{first_name}}, your update",
      text: "Hi {{first_name}} {{last_name}},",
      to: {
        contacts: ids,
        emails: ["Cy Ortega <cy@x.test>", "Ortega, Dee <dee@x.test>"],
      },
    });
    await waitCampaign(w.client, id, (p) => p.status === "done");
    const subjects = Object.fromEntries(
      w.smtp!.mails.map((m) => [m.to[0], m.parsed.subject]),
    );
    assertEquals(subjects, {
      "ana@x.test": "Ana, your update",
      "bea@x.test": "Bea, your update",
      "cy@x.test": "Cy, your update",
      "dee@x.test": "Dee, your update",
    });
    const dee = w.smtp!.mails.find((m) => m.to[0] === "dee@x.test")!;
    assertEquals(dee.parsed.text?.trim(), "Hi Dee Ortega,");
  } finally {
    await w.close();
  }
});

Deno.test("mail: a draft reports how many recipients have no given name, for the merge-tag warning", async () => {
  const w = await mailWorld();
  try {
    const d = await w.client.json<{ id: string }>("/api/campaigns", {
      json: {
        subject: "Hi {{first_name}}",
        text: "x",
        to: { emails: ["Ann Lee <ann@x.test>", "b@x.test", "c@x.test"] },
      },
    });
    const v = await w.client.json<
      { noFirstName: number; willSend: number; willSuppress: number }
    >(`/api/campaigns/${d.body.id}`);
    assertEquals(
      [v.body.noFirstName, v.body.willSend, v.body.willSuppress],
      [2, 3, 0],
    );
  } finally {
    await w.close();
  }
});

Deno.test("mail: the test mail uses the sender's display name split into given/family, not the username", async () => {
  const { withKv } = await import("./helpers/kv.ts");
  const { startSmtp } = await import("./helpers/smtp.ts");
  const { createDraft } = await import("../lib/mail/campaigns.ts");
  const { sendTest } = await import("../lib/mail/actions.ts");
  const { createSmtpTransport } = await import("../lib/mail/transport.ts");
  const { mailUserOf } = await import("../lib/mail/model.ts");
  await withKv(async (kv) => {
    const smtp = await startSmtp();
    const transport = createSmtpTransport({ url: smtp.url });
    try {
      const user = mailUserOf({
        id: "u1",
        username: "ann_l",
        displayName: "Ann Lee",
      });
      const { campaign } = await createDraft(kv, user, {
        subject: "Hi {{first_name|there}} {{last_name}}",
        text: "x",
        to: { emails: ["a@x.test"] },
      });
      await sendTest(kv, user, campaign.id, "me@x.test", {
        transport,
        ctx: { mailFrom: "RT <no-reply@rt.test>", appUrl: "http://app.test" },
        quota: 10,
      });
      await smtp.waitFor(1);
      assertEquals(smtp.mails[0].parsed.subject, "[Test] Hi Ann Lee");
    } finally {
      transport.close();
      await smtp.close();
    }
  });
});
