import { assertEquals, assertStringIncludes } from "../helpers/assert.ts";
import { browserTest } from "../helpers/browser.ts";
import { startOAuthApp } from "../helpers/oauth_app.ts";

browserTest(
  "oauth e2e: a visitor signs in with OpenID Connect through the provider's login form",
  async (browser) => {
    const app = await startOAuthApp();
    const shots = Deno.env.get("SCREENSHOTS");
    try {
      const page = await browser.newPage();
      const errors: string[] = [];
      page.on("pageerror", (e) => errors.push(String(e)));
      let callbackUrl: string | undefined;
      page.on("request", (r) => {
        if (r.url().includes("/auth/oidc/callback")) callbackUrl = r.url();
      });
      await page.goto(app.server.url + "/login?next=%2Fsettings");
      if (shots) await page.screenshot({ path: "/tmp/oauth_login.png" });
      await page.getByRole("link", { name: "Continue with Test SSO" }).click();
      // The provider's own pages (oidc-provider dev interactions).
      await page.waitForURL((u) => u.origin === app.oidc.issuer);
      await page.locator('input[name="login"]').fill("browser-user");
      await page.locator('input[name="password"]').fill("any password");
      await page.getByRole("button", { name: "Sign-in" }).click();
      await page.getByRole("button", { name: "Continue" }).click();
      // Back in the app, signed in, at the return path.
      await page.waitForURL(app.server.url + "/settings");
      await page.getByRole("heading", { name: "Settings" }).waitFor();
      const text = await page.locator("main").innerText();
      assertStringIncludes(text, "Signed in as browser-user");
      assertStringIncludes(text, "Linked as browser-user");
      if (shots) await page.screenshot({ path: "/tmp/oauth_settings.png" });
      const cookies = await page.context().cookies(app.server.url);
      const session = cookies.find((c) => c.name === "rt_session");
      assertEquals(session?.httpOnly, true);
      assertEquals(session?.sameSite, "Lax");
      assertEquals(cookies.some((c) => c.name === "oauth_flow"), false);
      // Opening the used callback again changes nothing.
      await page.goto(callbackUrl!);
      await page.waitForURL(/\/settings\?error=oauth_state_missing/);
      assertStringIncludes(
        await page.getByRole("alert").innerText(),
        "already used or has expired",
      );
      assertEquals(errors, []);
    } finally {
      await app.close();
    }
  },
);

browserTest(
  "oauth e2e: cancelling at the provider ends on the login page with a message",
  async (browser) => {
    const app = await startOAuthApp();
    try {
      const page = await browser.newPage();
      await page.goto(app.server.url + "/login");
      await page.getByRole("link", { name: "Continue with Test SSO" }).click();
      await page.waitForURL((u) => u.origin === app.oidc.issuer);
      await page.getByRole("link", { name: /Cancel/i }).click();
      await page.getByRole("alert").waitFor();
      assertStringIncludes(
        await page.getByRole("alert").innerText(),
        "Sign-in with Test SSO was cancelled",
      );
      if (Deno.env.get("SCREENSHOTS")) {
        await page.screenshot({ path: "/tmp/oauth_denied.png" });
      }
      const cookies = await page.context().cookies(app.server.url);
      assertEquals(cookies.some((c) => c.name === "rt_session"), false);
    } finally {
      await app.close();
    }
  },
);
