import { createRequire } from "node:module";
import type { Browser, Page } from "playwright-core";
import { assertEquals } from "../helpers/assert.ts";
import { browserTest } from "../helpers/browser.ts";
import { signedInClient } from "../helpers/client.ts";
import { withServer } from "../helpers/server.ts";
import { PAGES, type PageWorld, seedWorld } from "./pages.ts";

const AXE_SOURCE = await Deno.readTextFile(
  createRequire(import.meta.url).resolve("axe-core/axe.min.js"),
);

interface Violation {
  id: string;
  impact: string;
  help: string;
  nodes: { target: string[] }[];
}

/** Serious and critical axe-core violations on the loaded page. */
async function seriousViolations(page: Page): Promise<string[]> {
  // evaluate() runs through the DevTools protocol: the page's CSP (no
  // inline scripts) does not apply to it.
  await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate(async () => {
    // deno-lint-ignore no-explicit-any
    const axe = (globalThis as any).axe;
    const result = await axe.run(document, { resultTypes: ["violations"] });
    return result.violations as Violation[];
  });
  return violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) =>
      `${v.impact} ${v.id} (${v.help}): ${
        v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join(", ")
      }${v.nodes.length > 3 ? ` … ${v.nodes.length} nodes` : ""}`
    );
}

async function checkAll(
  browser: Browser,
  world: PageWorld,
  viewport: { width: number; height: number },
  colorScheme: "light" | "dark",
): Promise<string[]> {
  const found: string[] = [];
  for (const signedIn of [false, true]) {
    const ctx = await browser.newContext({ viewport, colorScheme });
    if (signedIn) {
      await ctx.addCookies(
        [...world.user.cookies].map(([name, value]) => ({
          name,
          value,
          url: world.server.url,
        })),
      );
    }
    const page = await ctx.newPage();
    for (const spec of PAGES.filter((p) => p.signedIn === signedIn)) {
      const path = typeof spec.path === "string"
        ? spec.path
        : await spec.path(world);
      await page.goto(world.server.url + path); // waits for "load"
      // Pages with a script (islands, or the theme toggle's module) mark the
      // root once it ran; a page without any script never does, so waiting
      // for the mark there only ran into the 60 s browser timeout (6 pages
      // per theme: 6 of the test's 6 minutes).
      if (await page.locator("script[type=module]").count()) {
        await page.locator("html[data-rt-hydrated]").waitFor({
          state: "attached",
        });
      }
      await page.locator(spec.ready ?? "main h1").first().waitFor({
        state: "attached",
      });
      for (const v of await seriousViolations(page)) {
        found.push(
          `${spec.name} ${path} @${viewport.width} ${colorScheme}: ${v}`,
        );
      }
    }
    await ctx.close();
  }
  return found;
}

for (const colorScheme of ["light", "dark"] as const) {
  browserTest(
    `a11y: every page (signed out and in, desktop and phone width) has no serious or critical axe-core violation in ${colorScheme} mode`,
    async (browser) => {
      await withServer(async (server) => {
        const user = await signedInClient(server.url);
        const world = await seedWorld(server, user);
        const found = [
          ...await checkAll(
            browser,
            world,
            { width: 1280, height: 800 },
            colorScheme,
          ),
          ...await checkAll(
            browser,
            world,
            { width: 375, height: 740 },
            colorScheme,
          ),
        ];
        assertEquals(found, []);
      });
    },
  );
}
