import { assert, assertEquals } from "../helpers/assert.ts";
import { browserTest } from "../helpers/browser.ts";
import { signedInClient } from "../helpers/client.ts";
import { withServer } from "../helpers/server.ts";

browserTest(
  "web: after logging out, Back shows no signed-in page",
  async (browser) => {
    await withServer(async (server) => {
      const user = await signedInClient(server.url);
      const ctx = await browser.newContext();
      await ctx.addCookies([...user.cookies].map(([name, value]) => ({
        name,
        value,
        url: server.url,
      })));
      const page = await ctx.newPage();
      await page.goto(server.url + "/contacts");
      await page.getByRole("heading", { name: "Contacts" }).waitFor();
      await page.getByRole("button", { name: "Log out" }).click();
      await page.waitForURL((u) => !u.pathname.startsWith("/contacts"));
      await page.goBack();
      await page.waitForLoadState("load");
      // Not served from the cache: the server sends the signed-out visitor
      // to the login page.
      assertEquals(new URL(page.url()).pathname, "/login");
      assertEquals(await page.getByText(user.username!).count(), 0);
      await ctx.close();
    });
  },
);

browserTest(
  "web: a page whose only script is the theme toggle loads at most 2 KB of JavaScript",
  async (browser) => {
    await withServer(async (server) => {
      const user = await signedInClient(server.url);
      const ctx = await browser.newContext();
      await ctx.addCookies([...user.cookies].map(([name, value]) => ({
        name,
        value,
        url: server.url,
      })));
      const page = await ctx.newPage();
      const scripts: Promise<number>[] = [];
      page.on("response", (res) => {
        if (res.request().resourceType() === "script") {
          scripts.push(res.body().then((b) => b.byteLength));
        }
      });
      await page.goto(server.url + "/");
      await page.locator("html[data-rt-hydrated]").waitFor({
        state: "attached",
      });
      const sizes = await Promise.all(scripts);
      const inline = await page.evaluate(() =>
        [...document.scripts].filter((s) => !s.src)
          .reduce((n, s) => n + s.text.length, 0)
      );
      const total = sizes.reduce((a, b) => a + b, 0) + inline;
      console.log(`theme-only page: ${sizes.length} script(s), ${total} bytes`);
      assertEquals(sizes.length, 1);
      assert(total <= 2048, `${total} bytes of JavaScript`);
      // And the toggle works.
      const toggle = page.getByRole("button", { name: "Dark mode" });
      const before = await toggle.getAttribute("aria-pressed");
      await toggle.click();
      assert(before !== await toggle.getAttribute("aria-pressed"));
      await ctx.close();
    });
  },
);

browserTest(
  "web: $ patterns in user text survive island props and the page hydrates",
  async (browser) => {
    await withServer(async (server) => {
      const user = await signedInClient(server.url);
      const tricky = "a$`b$'c$&d$$e$1f$<g>$0";
      const room = await user.json<{ id: string }>("/api/rooms", {
        json: { name: tricky.slice(0, 40), visibility: "public" },
      });
      assertEquals(room.status, 201);
      const ctx = await browser.newContext();
      await ctx.addCookies([...user.cookies].map(([name, value]) => ({
        name,
        value,
        url: server.url,
      })));
      const page = await ctx.newPage();
      const errors: string[] = [];
      page.on("pageerror", (e) => errors.push(String(e)));
      await page.goto(`${server.url}/chat/${room.body.id}`);
      await page.locator("html[data-rt-hydrated]").waitFor({
        state: "attached",
      });
      // Hydrated and connected: the composer is enabled.
      await page.locator("#chat-input:not([disabled])").waitFor();
      await page.locator("#chat-input").fill(tricky);
      await page.locator("#chat-input").press("Enter");
      await page.locator(".chat-msg:not(.is-pending) .chat-msg-body", {
        hasText: tricky,
      }).waitFor();
      // A fresh load renders the message into the props too.
      await page.reload();
      await page.locator("#chat-input:not([disabled])").waitFor();
      const props = await page.evaluate(() =>
        JSON.parse(document.getElementById("__rt_props")!.textContent!)
      );
      const text = JSON.stringify(props);
      assert(text.includes(JSON.stringify(tricky).slice(1, -1)), text);
      const heading = await page.locator(".chat-header h1").textContent();
      assert(heading?.includes(tricky.slice(0, 40)), heading ?? "");
      assertEquals(errors, []);
      await ctx.close();
    });
  },
);
