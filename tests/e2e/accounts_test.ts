import { assert, assertEquals } from "../helpers/assert.ts";
import { browserTest } from "../helpers/browser.ts";
import { Client, uniqueName } from "../helpers/client.ts";
import { withServer } from "../helpers/server.ts";
import { chatSocket } from "../helpers/chat_ws.ts";
import type { Page } from "playwright-core";

const PW = "a good password";
const shots = Deno.env.get("SCREENSHOTS");

async function signUpInBrowser(page: Page, base: string, name: string) {
  await page.goto(base + "/signup");
  await page.getByLabel("Username").fill(name);
  await page.getByLabel("Password").fill(PW);
  await page.getByRole("button", { name: "Sign up" }).click();
  await page.waitForURL(base + "/");
}

browserTest(
  "accounts ui: an admin creates an invitation on /admin; a visitor signs up with the link; a used link shows a clear page",
  async (browser) => {
    await withServer(async (server) => {
      const adminPage = await (await browser.newContext()).newPage();
      await signUpInBrowser(adminPage, server.url, uniqueName("boss"));
      await adminPage.goto(server.url + "/admin");
      await adminPage.getByRole("button", { name: "Create invitation link" })
        .click();
      const link = await adminPage.getByLabel("Invitation link").inputValue();
      assert(link.includes("/signup?invite="), link);
      if (shots) {
        await adminPage.screenshot({
          path: "/tmp/acc_admin.png",
          fullPage: true,
        });
      }

      const guest = await (await browser.newContext()).newPage();
      await guest.goto(server.url + "/signup");
      await guest.getByText("needs an invitation").waitFor();
      await guest.goto(link);
      await guest.getByText("invited you").waitFor();
      const name = uniqueName("guest");
      await guest.getByLabel("Username").fill(name);
      await guest.getByLabel("Password").fill(PW);
      await guest.getByRole("button", { name: "Sign up" }).click();
      await guest.waitForURL(server.url + "/");

      const late = await (await browser.newContext()).newPage();
      const res = await late.goto(link);
      assertEquals(res?.status(), 410);
      await late.getByText("already been used").waitFor();
    }, { env: { SIGNUP_POLICY: "invite" } });
  },
);

browserTest(
  "accounts ui: settings saves a display name (shown in the top bar) and an email waiting for verification; login offers Forgot password?",
  async (browser) => {
    await withServer(async (server) => {
      const page = await browser.newPage();
      const errors: string[] = [];
      page.on("pageerror", (e) => errors.push(String(e)));
      await signUpInBrowser(page, server.url, uniqueName("ann"));
      await page.goto(server.url + "/settings");
      await page.getByLabel("Display name").fill("Ann Lee");
      await page.getByLabel("Email").fill("ann@example.test");
      await page.getByRole("button", { name: "Save profile" }).click();
      await page.getByText("mailed a verification link").waitFor();
      await page.locator("header .user", { hasText: "Ann Lee" }).waitFor();
      await page.getByText("Not verified yet").waitFor();
      await page.getByRole("columnheader", { name: "Last seen" }).waitFor();
      if (shots) {
        await page.screenshot({
          path: "/tmp/acc_settings.png",
          fullPage: true,
        });
        await page.emulateMedia({ colorScheme: "dark" });
        await page.setViewportSize({ width: 390, height: 900 });
        await page.screenshot({
          path: "/tmp/acc_settings_phone_dark.png",
          fullPage: true,
        });
      }
      const anon = await (await browser.newContext()).newPage();
      await anon.goto(server.url + "/login");
      await anon.getByRole("link", { name: "Forgot password?" }).click();
      await anon.getByLabel("Username or email").fill("ann@example.test");
      await anon.getByRole("button", { name: "Send me a reset link" }).click();
      await anon.getByText("If an account").waitFor();
      assertEquals(errors, []);
    });
  },
);

browserTest(
  "accounts ui: an admin deactivates a member on /admin; the member's live socket closes and their page is signed out",
  async (browser) => {
    await withServer(async (server) => {
      const admin = await (await browser.newContext()).newPage();
      await signUpInBrowser(admin, server.url, uniqueName("boss"));
      const member = await new Client(server.url).signup(uniqueName("bob"));
      const ws = await chatSocket(member);
      await admin.goto(server.url + "/admin");
      await admin.getByRole("button", { name: `Deactivate ${member.username}` })
        .click();
      await admin.getByText(`${member.username} deactivated`).waitFor();
      await admin.locator(
        `tr[data-username="${member.username}"][data-status="deactivated"]`,
      ).waitFor();
      assertEquals((await ws.closed).code, 4001);
      assertEquals((await member.json("/api/me")).status, 401);
      if (shots) {
        await admin.screenshot({
          path: "/tmp/acc_admin_deact.png",
          fullPage: true,
        });
      }
      await admin.getByRole("button", { name: `Reactivate ${member.username}` })
        .click();
      await admin.locator(
        `tr[data-username="${member.username}"][data-status="active"]`,
      ).waitFor();
    });
  },
);

browserTest(
  "accounts ui: the New DM dialog suggests members by display name; #general is in every new member's room list",
  async (browser) => {
    await withServer(async (server) => {
      const other = await new Client(server.url).signup(uniqueName("bea"));
      await other.json("/api/me", {
        method: "PATCH",
        json: { displayName: "Bea Zed" },
      });
      const page = await browser.newPage();
      await signUpInBrowser(page, server.url, uniqueName("ann"));
      await page.goto(server.url + "/chat");
      await page.locator("html[data-rt-hydrated]").waitFor({
        state: "attached",
      });
      await page.getByRole("link", { name: /general/ }).first().waitFor();
      await page.getByRole("button", { name: "Start a direct message" })
        .click();
      const option = page.locator(
        `#chat-dialog-options option[value="${other.username}"]`,
      );
      await option.waitFor({ state: "attached" });
      assertEquals(await option.getAttribute("label"), "Bea Zed");
      await page.getByLabel("Username").fill(other.username!);
      await page.getByRole("button", { name: "Open" }).click();
      await page.waitForURL(/\/chat\/[0-9A-Z]+/);
    }, { env: { GENERAL_ROOM: "1" } });
  },
);
