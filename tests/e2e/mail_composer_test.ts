import { assert, assertEquals } from "../helpers/assert.ts";
import { browserTest } from "../helpers/browser.ts";
import { Client, uniqueName } from "../helpers/client.ts";
import { startServer } from "../helpers/server.ts";
import { startSmtp } from "../helpers/smtp.ts";
import type { Page } from "playwright-core";

async function signUp(page: Page, url: string): Promise<Client> {
  await page.goto(url + "/signup");
  await page.getByLabel("Username").fill(uniqueName("composer"));
  await page.getByLabel("Password").fill("a good password");
  await page.getByRole("button", { name: "Sign up" }).click();
  await page.waitForURL(url + "/");
  const api = new Client(url);
  for (const c of await page.context().cookies()) {
    api.cookies.set(c.name, c.value);
  }
  return api;
}

async function hydrated(page: Page) {
  await page.locator("html[data-rt-hydrated]").waitFor({ state: "attached" });
}

browserTest(
  "mail composer: the picker searches the whole book (beyond 200 contacts) with a no-match message; invalid typed addresses are shown with why",
  async (browser) => {
    const server = await startServer();
    try {
      const page = await browser.newPage();
      const api = await signUp(page, server.url);
      // 205 contacts; "Zed Zulu" sorts last, beyond the old first-200 list.
      const rows = Array.from(
        { length: 204 },
        (_, i) => `Aaron ${String(i).padStart(3, "0")},a${i}@book.test`,
      );
      const csv = `Name,Email\n${rows.join("\n")}\nZed Zulu,zed@book.test\n`;
      const imp = await api.json<{ imported: number }>("/api/contacts/import", {
        method: "POST",
        body: csv,
        headers: { "content-type": "text/csv" },
      });
      assertEquals(imp.body.imported, 205);

      await page.goto(server.url + "/campaigns/new");
      await hydrated(page);
      await page.getByText(/Pick contacts/).click();
      await page.getByLabel("Search contacts").fill("zulu");
      await page.getByLabel(/Zed Zulu/).check();
      await page.getByLabel("Search contacts").fill("nobody-like-this");
      await page.getByText("No contacts match “nobody-like-this”.").waitFor();
      await page.getByText("Pick contacts (1 chosen)").waitFor();

      await page.getByLabel(/Other addresses/).fill(
        "ok@x.test, x@exa\u2028mple.com\nnot-an-address",
      );
      await page.getByText("2 addresses are not valid").waitFor();
      await page.getByText(/x@exa\[U\+2028\]mple\.com/).waitFor();
      await page.getByText(/An email address needs an @/).waitFor();
      await page.getByLabel("Subject").fill("Hello");
      await page.getByLabel("Message (plain text)").fill("Body");
      await page.getByRole("button", { name: "Save draft" }).click();
      await page.getByText(/Fix or remove 2 invalid addresses first/).waitFor();
      assert(page.url().endsWith("/campaigns/new"), "nothing was saved");
      if (Deno.env.get("SCREENSHOTS")) {
        await page.screenshot({
          path: "/tmp/mail_composer_invalid.png",
          fullPage: true,
        });
      }
      await page.getByLabel(/Other addresses/).fill("ok@x.test, OK@X.test");
      await page.getByRole("button", { name: "Save draft" }).click();
      await page.waitForURL(/\/campaigns\/[0-9A-Z]{26}$/);
      await hydrated(page);
      // zed + ok (the case variant is one recipient)
      await page.getByRole("button", { name: "Send to 2 recipients" })
        .waitFor();
    } finally {
      await server.close();
    }
  },
);

browserTest(
  "mail composer: sending asks for confirmation with the count after dedupe and suppression and the subject; an empty {{first_name}} is warned about and fixed with a fallback",
  async (browser) => {
    const smtp = await startSmtp();
    const server = await startServer({ env: { SMTP_URL: smtp.url } });
    try {
      const page = await browser.newPage();
      const api = await signUp(page, server.url);
      // gone@x.test unsubscribes after a first campaign.
      const first = await api.json<{ id: string }>("/api/campaigns", {
        json: { subject: "First", text: "x", to: { emails: ["gone@x.test"] } },
      });
      await api.json(`/api/campaigns/${first.body.id}/send`, {
        method: "POST",
      });
      await smtp.waitFor(1);
      const link = smtp.mails[0].header("list-unsubscribe")!.slice(1, -1);
      await fetch(link, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: "List-Unsubscribe=One-Click",
      }).then((r) => r.body?.cancel());
      // A used link now says so instead of asking again.
      await page.goto(link);
      await page.getByRole("heading", { name: "Already unsubscribed" })
        .waitFor();

      const d = await api.json<{ id: string }>("/api/campaigns", {
        json: {
          subject: "Hi {{first_name}}",
          text: "Hello {{first_name}},",
          to: {
            emails: [
              "Ann Lee <ann@x.test>",
              "bob@x.test",
              "BOB@x.test",
              "gone@x.test",
            ],
          },
        },
      });
      await page.goto(`${server.url}/campaigns/${d.body.id}`);
      await hydrated(page);
      // bob has no given name; gone is suppressed (still counted as a draft recipient).
      await page.getByText(/will be empty for/).waitFor();
      assertEquals(
        (await page.locator(".merge-warning strong").textContent())?.trim(),
        "2 recipients",
      );
      await page.getByRole("button", { name: /first_name\|there/ }).click();
      await page.getByText("Merge tags now fall back to “there”.").waitFor();
      assertEquals(await page.locator(".merge-warning").count(), 0);

      await page.getByRole("button", { name: "Send to 2 recipients" }).click();
      const dialog = page.getByRole("dialog");
      await dialog.waitFor();
      const text = (await dialog.textContent()) ?? "";
      assert(text.includes("Hi {{first_name|there}}"), text);
      assert(text.includes("2 recipients"), text);
      assert(text.includes("1 unsubscribed address is skipped"), text);
      if (Deno.env.get("SCREENSHOTS")) {
        await page.screenshot({ path: "/tmp/mail_confirm.png" });
      }
      // Escape cancels: nothing is sent.
      await page.keyboard.press("Escape");
      await dialog.waitFor({ state: "hidden" });
      assertEquals(smtp.mails.length, 1);
      await page.getByRole("button", { name: "Send to 2 recipients" }).click();
      await dialog.getByRole("button", { name: "Send to 2" }).click();
      await page.locator('[data-status="done"]').waitFor();
      await page.getByText(/1 suppressed/).waitFor();
      assert(
        /0 pending · 1 suppressed/.test(
          (await page.locator(".counts").textContent()) ?? "",
        ),
      );
      const subjects = smtp.mails.slice(1).map((m) => m.parsed.subject).sort();
      assertEquals(subjects, ["Hi Ann", "Hi there"]);
    } finally {
      await server.close();
      await smtp.close();
    }
  },
);
