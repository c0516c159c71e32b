import { assertEquals } from "../helpers/assert.ts";
import { browserTest } from "../helpers/browser.ts";
import { uniqueName } from "../helpers/client.ts";
import { withServer } from "../helpers/server.ts";

browserTest(
  "foundation: a visitor signs up through the form and the theme island reacts to a click",
  async (browser) => {
    await withServer(async (server) => {
      const page = await browser.newPage();
      const errors: string[] = [];
      page.on("pageerror", (e) => errors.push(String(e)));
      page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
      await page.goto(server.url + "/signup");
      await page.getByLabel("Username").fill(uniqueName("web"));
      await page.getByLabel("Password").fill("a good password");
      await page.getByRole("button", { name: "Sign up" }).click();
      await page.waitForURL(server.url + "/");
      await page.getByRole("heading", { name: /Welcome/ }).waitFor();
      await page.locator("html[data-rt-hydrated]").waitFor({
        state: "attached",
      });
      const toggle = page.locator("button.theme-toggle");
      await toggle.waitFor();
      // Hydrated: the button is enabled and reflects the current theme.
      await page.waitForFunction(() =>
        !document.querySelector<HTMLButtonElement>("button.theme-toggle")!
          .disabled
      );
      const before = await toggle.getAttribute("aria-pressed");
      await toggle.click();
      const after = await toggle.getAttribute("aria-pressed");
      assertEquals(before === "true" ? "false" : "true", after);
      const theme = await page.evaluate(() =>
        document.documentElement.dataset.theme
      );
      assertEquals(theme, after === "true" ? "dark" : "light");
      assertEquals(errors, []);
      if (Deno.env.get("SCREENSHOTS")) {
        await page.screenshot({ path: "/tmp/home.png" });
      }
    });
  },
);

browserTest(
  "islands: a server-rendered island hydrates in place with its decoded props",
  async (browser) => {
    const root = new URL("../fixtures/site", import.meta.url).pathname;
    await withServer(async (server) => {
      const page = await browser.newPage();
      const errors: string[] = [];
      page.on("pageerror", (e) => errors.push(String(e)));
      await page.goto(server.url + "/");
      await page.locator("html[data-rt-hydrated]").waitFor({
        state: "attached",
      });
      await page.locator("#inc").click();
      await page.waitForFunction(() =>
        document.querySelector("#count")?.textContent === "4"
      );
      assertEquals(
        await page.locator("#label").textContent(),
        "</script><!-- <b>x</b>",
      );
      assertEquals(
        await page.locator("#when").textContent(),
        "2026-01-02T03:04:05.000Z",
      );
      assertEquals(
        await page.locator(".counter").count(),
        1,
        "hydration did not duplicate the DOM",
      );
      assertEquals(errors, []);
    }, { root });
  },
);

browserTest(
  "theme: the system's dark preference applies until the user picks a theme",
  async (browser) => {
    await withServer(async (server) => {
      const context = await browser.newContext({ colorScheme: "dark" });
      const page = await context.newPage();
      await page.goto(server.url + "/signup");
      await page.getByLabel("Username").fill(uniqueName("dark"));
      await page.getByLabel("Password").fill("a good password");
      await page.getByRole("button", { name: "Sign up" }).click();
      await page.waitForURL(server.url + "/");
      await page.locator("html[data-rt-hydrated]").waitFor({
        state: "attached",
      });
      const toggle = page.getByRole("button", { name: "Dark mode" });
      await page.waitForFunction(() =>
        document.querySelector(".theme-toggle")?.getAttribute(
          "aria-pressed",
        ) === "true"
      );
      assertEquals(
        await page.evaluate(() => localStorage.getItem("rt-theme")),
        null,
      );
      const bg = await page.evaluate(() =>
        getComputedStyle(document.body).backgroundColor
      );
      assertEquals(bg, "rgb(17, 20, 24)");
      await toggle.click();
      assertEquals(
        await page.evaluate(() => localStorage.getItem("rt-theme")),
        "light",
      );
      assertEquals(
        await page.evaluate(() =>
          getComputedStyle(document.body).backgroundColor
        ),
        "rgb(246, 247, 249)",
      );
      await context.close();
    });
  },
);
