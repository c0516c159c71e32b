/**
 * Muting a room from its settings menu (notification level `none`): no
 * desktop notification, even for a mention; unmuting brings them back.
 * @module
 */
import type { Browser, Page } from "playwright-core";
import { assertEquals } from "../helpers/assert.ts";
import { browserTest } from "../helpers/browser.ts";
import { type Client, signedInClient, uniqueName } from "../helpers/client.ts";
import { type TestServer, withServer } from "../helpers/server.ts";
import { chatSocket } from "../helpers/chat_ws.ts";

type Notes = { title: string }[];

async function openAs(
  browser: Browser,
  server: TestServer,
  client: Client,
  path: string,
): Promise<Page> {
  const ctx = await browser.newContext({
    viewport: { width: 1100, height: 760 },
  });
  await ctx.grantPermissions(["notifications"], { origin: server.url });
  await ctx.addCookies(
    [...client.cookies].map(([name, value]) => ({
      name,
      value,
      url: server.url,
    })),
  );
  await ctx.addInitScript(() => {
    const Real = globalThis.Notification;
    const notes: unknown[] = [];
    (globalThis as unknown as { __notes: unknown[] }).__notes = notes;
    class Recorded extends Real {
      constructor(title: string, o?: NotificationOptions) {
        super(title, o);
        notes.push({ title });
      }
    }
    globalThis.Notification = Recorded as typeof Notification;
  });
  const page = await ctx.newPage();
  await page.goto(server.url + path);
  await page.locator("html[data-rt-hydrated]").waitFor({ state: "attached" });
  await page.locator("#chat-input:not([disabled])").waitFor();
  return page;
}

async function hide(page: Page) {
  await page.evaluate(() => {
    Object.defineProperty(document, "hidden", {
      configurable: true,
      get: () => true,
    });
    Object.defineProperty(document, "visibilityState", {
      configurable: true,
      get: () => "hidden",
    });
    document.dispatchEvent(new Event("visibilitychange"));
  });
}

const notes = (page: Page) =>
  page.evaluate(() =>
    (globalThis as unknown as { __notes: Notes }).__notes.length
  );

browserTest(
  "chat rich ui: a room muted from its settings menu gives no notification, even for a mention; unmuted it does",
  async (browser) => {
    await withServer(async (server) => {
      const ann = await signedInClient(server.url, uniqueName("ann"));
      const bob = await signedInClient(server.url, uniqueName("bob"));
      const room = (await ann.json<{ id: string }>("/api/rooms", {
        json: { name: "noisy", visibility: "private" },
      })).body.id;
      await ann.json(`/api/rooms/${room}/members`, {
        json: { username: bob.username },
      });
      const b = await openAs(browser, server, bob, `/chat/${room}`);
      await b.getByRole("button", { name: "Room settings" }).click();
      await b.getByRole("button", { name: "Mute notifications" }).click();
      await b.getByText("Muted: no notifications.").waitFor();
      await b.keyboard.press("Escape");
      await hide(b);

      const say = async (text: string, cid: string) => {
        const sock = await chatSocket(ann);
        await sock.sendMessage(room, text, cid);
        await sock.close();
      };
      await say(`@${bob.username} are you there?`, "m1");
      await say("and a plain one", "m2");
      await b.locator(".chat-msg-body", { hasText: "and a plain one" })
        .waitFor();
      assertEquals(await notes(b), 0, "a muted room notifies nobody");

      // Unmute (back to mentions): a mention notifies again.
      await b.evaluate(async (id) => {
        await fetch(`/api/rooms/${id}/settings`, {
          method: "PATCH",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ notify: "mentions" }),
        });
      }, room);
      await b.reload();
      await b.locator("#chat-input:not([disabled])").waitFor();
      await hide(b);
      await say(`@${bob.username} now?`, "m3");
      await b.waitForFunction(() =>
        (globalThis as unknown as { __notes: Notes }).__notes.length === 1
      );
    });
  },
);
