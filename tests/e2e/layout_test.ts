import { assertEquals } from "../helpers/assert.ts";
import { browserTest } from "../helpers/browser.ts";
import { signedInClient } from "../helpers/client.ts";
import { withServer } from "../helpers/server.ts";
import { PAGES, seedWorld } from "./pages.ts";

/** SCREENSHOTS=<dir> keeps a 375 px screenshot of every page, light and dark. */
const SHOTS = Deno.env.get("SCREENSHOTS");

browserTest(
  "layout: at 375 px the top bar is one row and no page scrolls sideways, light and dark",
  async (browser) => {
    await withServer(async (server) => {
      const user = await signedInClient(server.url);
      const world = await seedWorld(server, user);
      const problems: string[] = [];
      for (const colorScheme of ["light", "dark"] as const) {
        const ctx = await browser.newContext({
          viewport: { width: 375, height: 740 },
          colorScheme,
        });
        await ctx.addCookies(
          [...user.cookies].map(([name, value]) => ({
            name,
            value,
            url: server.url,
          })),
        );
        const page = await ctx.newPage();
        for (const spec of PAGES.filter((p) => p.signedIn)) {
          const path = typeof spec.path === "string"
            ? spec.path
            : await spec.path(world);
          await page.goto(server.url + path);
          await page.locator(spec.ready ?? "main h1").first().waitFor({
            state: "attached",
          });
          const m = await page.evaluate(() => {
            const bar = document.querySelector(".topbar")!;
            const tops = [...bar.querySelectorAll("a, button")]
              .filter((e) => (e as HTMLElement).offsetParent !== null)
              .map((e) => Math.round(e.getBoundingClientRect().top));
            return {
              rows: new Set(tops.map((t) => Math.round(t / 20))).size,
              barHeight: bar.getBoundingClientRect().height,
              scrollWidth: document.documentElement.scrollWidth,
            };
          });
          if (m.barHeight > 56) {
            problems.push(
              `${spec.name} ${colorScheme}: top bar ${m.barHeight}px high`,
            );
          }
          if (m.scrollWidth > 375) {
            problems.push(
              `${spec.name} ${colorScheme}: page is ${m.scrollWidth}px wide`,
            );
          }
          if (SHOTS) {
            await page.screenshot({
              path: `${SHOTS}/${
                spec.name.replace(/\W+/g, "_")
              }-${colorScheme}.png`,
              fullPage: false,
            });
          }
        }
        await ctx.close();
      }
      assertEquals(problems, []);
    });
  },
);
