import { assert, assertEquals } from "../helpers/assert.ts";
import { browserTest } from "../helpers/browser.ts";
import { Client, uniqueName } from "../helpers/client.ts";
import { startServer } from "../helpers/server.ts";
import { startSmtp } from "../helpers/smtp.ts";
import { makeGroup } from "../helpers/mail.ts";

browserTest(
  "mail: compose to a group, send, and watch the progress bar reach 100%",
  async (browser) => {
    const smtp = await startSmtp();
    // A slow rate, so the bar is seen moving rather than jumping to the end.
    const server = await startServer({
      env: { SMTP_URL: smtp.url, MAIL_RATE: "5" },
    });
    try {
      const page = await browser.newPage();
      const errors: string[] = [];
      page.on("pageerror", (e) => errors.push(String(e)));
      page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
      const campaignFrames: string[] = [];
      page.on("websocket", (ws) =>
        ws.on("framereceived", (f) => {
          if (String(f.payload).includes('"type":"campaign"')) {
            campaignFrames.push(String(f.payload));
          }
        }));
      const user = uniqueName("mailer");
      await page.goto(server.url + "/signup");
      await page.getByLabel("Username").fill(user);
      await page.getByLabel("Password").fill("a good password");
      await page.getByRole("button", { name: "Sign up" }).click();
      await page.waitForURL(server.url + "/");
      // The group is made through the contacts API with the browser's session.
      const api = new Client(server.url);
      for (const c of await page.context().cookies()) {
        api.cookies.set(c.name, c.value);
      }
      await makeGroup(api, 12, "Volunteers");

      await page.goto(server.url + "/campaigns/new");
      await page.locator("html[data-rt-hydrated]").waitFor({
        state: "attached",
      });
      await page.getByLabel("Volunteers").check();
      await page.getByLabel("Subject").fill("Hello ");
      await page.getByRole("button", { name: "{{first_name}}" }).first()
        .waitFor();
      await page.getByLabel("Subject").click();
      await page.getByRole("button", { name: "{{first_name}}" }).click();
      await page.getByLabel("Message (plain text)").fill(
        "See you on Saturday!",
      );
      await page.getByText("HTML version (optional)").click();
      await page.getByLabel("HTML", { exact: true }).fill(
        "<p>Hi <b>{{first_name}}</b></p><script>alert(1)</script>",
      );
      await page.getByRole("button", { name: "Preview" }).click();
      await page.getByText("Subject: Hello Ada").waitFor();
      const frame = page.frameLocator('iframe[title="HTML preview"]');
      assertEquals(await frame.locator("b").textContent(), "Ada");
      assertEquals(await frame.locator("script").count(), 0);
      if (Deno.env.get("SCREENSHOTS")) {
        await page.locator('iframe[title="HTML preview"]').screenshot({
          path: "/tmp/mail_iframe.png",
        });
      }
      if (Deno.env.get("SCREENSHOTS")) {
        await page.screenshot({
          path: "/tmp/mail_composer.png",
          fullPage: true,
        });
      }
      await page.getByRole("button", { name: "Save draft" }).click();
      await page.waitForURL(/\/campaigns\/[0-9A-Z]{26}$/);
      await page.locator("html[data-rt-hydrated]").waitFor({
        state: "attached",
      });
      await page.getByRole("button", { name: "Send to 12 recipients" }).click();
      await page.getByRole("dialog").getByRole("button", { name: "Send to 12" })
        .click();
      const bar = page.locator("progress#campaign-progress");
      await bar.waitFor();
      // Live over the WebSocket: the bar is seen part-way, not only at the end.
      await page.waitForFunction(() => {
        const p = document.querySelector<HTMLProgressElement>(
          "progress#campaign-progress",
        );
        return !!p && p.max === 12 && p.value > 0 && p.value < 12;
      });
      if (Deno.env.get("SCREENSHOTS")) {
        await page.screenshot({
          path: "/tmp/mail_progress.png",
          fullPage: true,
        });
      }
      await page.waitForFunction(
        () => {
          const p = document.querySelector<HTMLProgressElement>(
            "progress#campaign-progress",
          );
          return !!p && p.max === 12 && p.value === 12;
        },
        undefined,
        { timeout: 30_000 },
      );
      await page.locator('[data-status="done"]').waitFor();
      assertEquals(await page.locator(".counts .pct").textContent(), "100%");
      assertEquals(smtp.mails.length, 12);
      assert(
        campaignFrames.length > 0,
        "no campaign frame came over the WebSocket",
      );
      assert(smtp.mails.some((m) => m.parsed.subject === "Hello First3"));
      await page.getByLabel("Show").selectOption("sent");
      await page.getByRole("cell", { name: /m11@group\.test/ }).waitFor();
      if (Deno.env.get("SCREENSHOTS")) {
        await page.screenshot({ path: "/tmp/mail_done.png", fullPage: true });
        await page.emulateMedia({ colorScheme: "dark" });
        await page.setViewportSize({ width: 390, height: 844 });
        await page.screenshot({ path: "/tmp/mail_done_phone_dark.png" });
        await page.setViewportSize({ width: 1280, height: 800 });
      }
      await page.goto(server.url + "/campaigns");
      await page.getByRole("link", { name: "Hello {{first_name}}" }).waitFor();
      if (Deno.env.get("SCREENSHOTS")) {
        await page.screenshot({ path: "/tmp/mail_list.png", fullPage: true });
      }
      assertEquals(errors, []);
    } finally {
      await server.close();
      await smtp.close();
    }
  },
);
