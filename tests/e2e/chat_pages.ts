/**
 * Chat pages for the two-user Chromium tests: a context signed in as a user
 * with notifications granted and recorded (`__notes`), a private room, and
 * a page made to report itself hidden.
 * @module
 */
import type { Browser, BrowserContext, Page } from "playwright-core";
import { assertEquals } from "../helpers/assert.ts";
import type { Client } from "../helpers/client.ts";
import type { TestServer } from "../helpers/server.ts";

/** Notifications recorded in a page. */
export type Notes = { title: string; body: string; click: () => void }[];

/** A context signed in as `client` with notifications granted (and recorded). */
export async function openAs(
  browser: Browser,
  server: TestServer,
  client: Client,
  path: string,
  opts: {
    viewport?: { width: number; height: number };
    dark?: boolean;
    grant?: boolean;
  } = {},
): Promise<{ ctx: BrowserContext; page: Page; errors: string[] }> {
  const ctx = await browser.newContext({
    viewport: opts.viewport ?? { width: 1100, height: 760 },
    colorScheme: opts.dark ? "dark" : "light",
  });
  if (opts.grant !== false) {
    await ctx.grantPermissions(["notifications"], { origin: server.url });
  }
  await ctx.addCookies(
    [...client.cookies].map(([name, value]) => ({
      name,
      value,
      url: server.url,
    })),
  );
  // Record notifications made through the real (granted) Notification API.
  await ctx.addInitScript(() => {
    const Real = globalThis.Notification;
    const notes: unknown[] = [];
    (globalThis as unknown as { __notes: unknown[] }).__notes = notes;
    class Recorded extends Real {
      constructor(title: string, o?: NotificationOptions) {
        super(title, o);
        notes.push({
          title,
          body: o?.body ?? "",
          click: () => this.onclick?.(new Event("click")),
        });
      }
    }
    globalThis.Notification = Recorded as typeof Notification;
  });
  const page = await ctx.newPage();
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  await page.goto(server.url + path);
  await page.locator("html[data-rt-hydrated]").waitFor({ state: "attached" });
  return { ctx, page, errors };
}

/** A private room created by `c`; its id. */
export async function createRoom(c: Client, name: string): Promise<string> {
  const r = await c.json<{ id: string }>("/api/rooms", {
    json: { name, visibility: "private" },
  });
  assertEquals(r.status, 201);
  return r.body.id;
}

/** Makes the page report itself hidden, as when the tab is in the background. */
export async function hide(page: Page, hidden: boolean) {
  await page.evaluate((h) => {
    Object.defineProperty(document, "hidden", {
      configurable: true,
      get: () => h,
    });
    Object.defineProperty(document, "visibilityState", {
      configurable: true,
      get: () => (h ? "hidden" : "visible"),
    });
    document.dispatchEvent(new Event("visibilitychange"));
  }, hidden);
}
