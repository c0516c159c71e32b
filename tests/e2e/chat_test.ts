import type { Browser, BrowserContext, Page } from "playwright-core";
import { assert, assertEquals } from "../helpers/assert.ts";
import { browserTest } from "../helpers/browser.ts";
import { type Client, signedInClient, uniqueName } from "../helpers/client.ts";
import { type TestServer, withServer } from "../helpers/server.ts";
import { GroupCommitter } from "../../lib/chat/group_commit.ts";

/** A browser context signed in as `client`'s user, with error capture. */
async function openAs(
  browser: Browser,
  server: TestServer,
  client: Client,
  path: string,
  viewport = { width: 1100, height: 760 },
): Promise<
  { ctx: BrowserContext; page: Page; errors: string[]; dialogs: string[] }
> {
  const ctx = await browser.newContext({ viewport });
  await ctx.addCookies(
    [...client.cookies].map(([name, value]) => ({
      name,
      value,
      url: server.url,
    })),
  );
  const page = await ctx.newPage();
  const errors: string[] = [];
  const dialogs: string[] = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  page.on("dialog", (d) => {
    dialogs.push(d.message());
    d.dismiss().catch(() => {});
  });
  await page.goto(server.url + path);
  await page.locator("html[data-rt-hydrated]").waitFor({ state: "attached" });
  if (path !== "/chat") {
    await page.locator("#chat-input:not([disabled])").waitFor();
  }
  return { ctx, page, errors, dialogs };
}

/** Types `text` into the composer and presses Enter. */
async function send(page: Page, text: string): Promise<void> {
  await page.locator("#chat-input").fill(text);
  await page.locator("#chat-input").press("Enter");
}

/** Holds every frame the page's WebSockets send until {@link releaseFrames}. */
async function holdFrames(page: Page): Promise<void> {
  await page.evaluate(() => {
    const w = window as unknown as {
      rtHeld: [WebSocket, string][];
      rtSend: WebSocket["send"];
    };
    w.rtHeld = [];
    w.rtSend = WebSocket.prototype.send;
    WebSocket.prototype.send = function (this: WebSocket, data) {
      w.rtHeld.push([this, data as string]);
    };
  });
}

/** Waits until `sends` send frames are held, then sends everything held at once. */
async function releaseFrames(page: Page, sends: number): Promise<void> {
  await page.waitForFunction((n) => {
    const w = window as unknown as { rtHeld: [WebSocket, string][] };
    return w.rtHeld.filter(([, d]) => d.includes('"type":"send"')).length >= n;
  }, sends);
  await page.evaluate(() => {
    const w = window as unknown as {
      rtHeld: [WebSocket, string][];
      rtSend: WebSocket["send"];
    };
    WebSocket.prototype.send = w.rtSend;
    for (const [ws, data] of w.rtHeld.splice(0)) w.rtSend.call(ws, data);
  });
}

/** The confirmed (acknowledged) message bodies shown, in order. */
function shownTexts(page: Page): Promise<string[]> {
  return page.locator(
    ".chat-msg:not(.is-pending):not(.is-failed) .chat-msg-body",
  )
    .allTextContents();
}

/** Waits until a confirmed message with exactly `text` is shown. */
async function waitForMessage(page: Page, text: string): Promise<void> {
  await page.waitForFunction(
    (t) =>
      [...document.querySelectorAll(
        ".chat-msg:not(.is-pending):not(.is-failed) .chat-msg-body",
      )].some((el) => el.textContent === t),
    text,
  );
}

async function createRoom(
  client: Client,
  name: string,
  visibility: "public" | "private",
): Promise<string> {
  const res = await client.fetch("/api/rooms", {
    method: "POST",
    json: { name, visibility },
  });
  assertEquals(res.status, 201);
  return (await res.json()).id;
}

browserTest(
  "chat ui: two people chat live; one goes offline, misses messages and catches up without reloading; an XSS payload shows as text",
  async (browser) => {
    await withServer(async (server) => {
      const ann = await signedInClient(server.url, uniqueName("ann"));
      const bob = await signedInClient(server.url, uniqueName("bob"));
      const room = await createRoom(ann, "general", "public");
      const join = await bob.fetch(`/api/rooms/${room}/join`, {
        method: "POST",
      });
      await join.body?.cancel();
      assertEquals(join.status, 200);

      const a = await openAs(browser, server, ann, `/chat/${room}`);
      const b = await openAs(browser, server, bob, `/chat/${room}`);

      // Live both ways, with the author shown.
      await send(a.page, "hello from ann");
      await waitForMessage(b.page, "hello from ann");
      await send(b.page, "hi ann, bob here");
      await waitForMessage(a.page, "hi ann, bob here");
      assertEquals(
        await b.page.locator(".chat-msg .chat-author").allTextContents(),
        [ann.username!, bob.username!],
      );
      // New messages from others are announced in a polite live region.
      await b.page.waitForFunction(
        (t) =>
          document.querySelector('[role="status"][aria-live="polite"]')
            ?.textContent === t,
        `${ann.username}: hello from ann`,
      );

      // Bob goes offline: the banner shows and his socket is closed.
      await b.page.evaluate(() => {
        (globalThis as unknown as { __sameDocument: boolean }).__sameDocument =
          true;
      });
      await b.ctx.setOffline(true);
      await b.page.getByText("You are offline. Reconnecting…").waitFor();
      const missed = ["missed one", "missed two", "missed three"];
      for (const t of missed) await send(a.page, t);
      for (const t of missed) await waitForMessage(a.page, t);
      assertEquals(
        (await shownTexts(b.page)).filter((t) => t.startsWith("missed")),
        [],
        "nothing arrives while offline",
      );

      // Back online: the missed messages appear in order, once, no reload.
      await b.ctx.setOffline(false);
      for (const t of missed) await waitForMessage(b.page, t);
      await b.page.getByText("You are offline. Reconnecting…").waitFor({
        state: "detached",
      });
      assertEquals(await shownTexts(b.page), [
        "hello from ann",
        "hi ann, bob here",
        ...missed,
      ]);
      // The catch-up is announced once, as a summary.
      await b.page.waitForFunction(() =>
        /^\d+ new messages\. Latest from .+: missed three$/.test(
          document.querySelector('[role="status"][aria-live="polite"]')
            ?.textContent ?? "",
        )
      );
      assertEquals(
        await b.page.evaluate(() =>
          (globalThis as unknown as { __sameDocument?: boolean }).__sameDocument
        ),
        true,
        "the page was not reloaded",
      );
      // The seqs shown are strictly increasing (no duplicate at the seam).
      const seqs = await b.page.locator(".chat-msg").evaluateAll((els) =>
        els.map((e) => Number((e as HTMLElement).dataset.seq))
      );
      assertEquals(seqs, [...seqs].sort((x, y) => x - y));
      assertEquals(new Set(seqs).size, seqs.length);

      // Bob can still talk after catching up.
      await send(b.page, "back online");
      await waitForMessage(a.page, "back online");

      // An XSS payload is shown as text, runs nothing, opens no dialog.
      const xss =
        `<img src=x onerror="window.__xss=1;alert('img')"><script>window.__xss=2;alert('script')</script><a href="javascript:alert('a')">click</a>`;
      await send(a.page, xss);
      await waitForMessage(b.page, xss);
      await send(a.page, "docs: https://example.com/guide?a=1&b=2.");
      await waitForMessage(b.page, "docs: https://example.com/guide?a=1&b=2.");
      for (const p of [a.page, b.page]) {
        assertEquals(
          await p.locator(".chat-messages img, .chat-messages script").count(),
          0,
        );
        assertEquals(
          await p.locator('.chat-messages a[href^="javascript"]').count(),
          0,
        );
        assertEquals(
          await p.evaluate(() =>
            (globalThis as unknown as { __xss?: number }).__xss
          ),
          undefined,
        );
      }
      const link = b.page.locator(
        '.chat-messages a[href="https://example.com/guide?a=1&b=2"]',
      );
      assertEquals(await link.getAttribute("rel"), "noopener noreferrer");
      assertEquals(await link.getAttribute("target"), "_blank");
      assertEquals(
        await link.textContent(),
        "https://example.com/guide?a=1&b=2",
      );
      assertEquals([...a.dialogs, ...b.dialogs], []);
      assertEquals([...a.errors, ...b.errors], []);

      if (Deno.env.get("SCREENSHOTS")) {
        await b.page.screenshot({ path: "/tmp/chat-e2e-bob.png" });
      }
      await a.ctx.close();
      await b.ctx.close();
    });
  },
);

browserTest(
  "chat ui: dialogs create rooms and DMs, unread badges count live, Shift+Enter adds a line, scrolling up loads older history, own messages can be edited and deleted, a room can be left",
  async (browser) => {
    await withServer(async (server) => {
      const ann = await signedInClient(server.url, uniqueName("ann"));
      const bob = await signedInClient(server.url, uniqueName("bob"));
      // A public room with 120 messages, written through the real message log.
      const big = await createRoom(ann, "history", "public");
      const writer = new GroupCommitter(server.kv);
      await Promise.all(
        Array.from(
          { length: 120 },
          (_, i) =>
            writer.send({
              room: big,
              author: ann.username!,
              text: `old ${i + 1}`,
              cid: `c${i}`,
            }),
        ),
      );
      await writer.close();

      const a = await openAs(browser, server, ann, `/chat/${big}`);
      // Ann creates a private room through the dialog and lands in it.
      await a.page.getByRole("button", { name: "Create a room" }).click();
      await a.page.getByLabel("Room name").fill("design");
      await a.page.getByLabel(/Private/).check();
      await a.page.getByRole("button", { name: "Create", exact: true }).click();
      await a.page.waitForURL((u) =>
        /^\/chat\/[A-Za-z0-9_-]+$/.test(u.pathname) && !u.pathname.endsWith(big)
      );
      const design = a.page.url().split("/").pop()!;
      assert(design !== big);
      await a.page.getByRole("heading", { name: "design" }).waitFor();
      // ... adds Bob, and opens a DM with him.
      await a.page.getByRole("button", { name: "Add people" }).click();
      await a.page.getByLabel("Username").fill(bob.username!);
      await a.page.getByRole("button", { name: "Add", exact: true }).click();
      await a.page.locator("dialog[open]").waitFor({ state: "detached" });
      await a.page.getByRole("button", { name: "Start a direct message" })
        .click();
      await a.page.getByLabel("Username").fill(bob.username!);
      await a.page.getByRole("button", { name: "Open", exact: true }).click();
      await a.page.getByRole("heading", { name: bob.username! }).waitFor();
      await a.page.getByRole("link", { name: "design" }).click();
      await a.page.getByRole("heading", { name: "design" }).waitFor();

      // Bob sees the rooms; Ann is online in the DM list.
      const b = await openAs(browser, server, bob, "/chat");
      const designLink = b.page.locator(`a[data-room="${design}"]`);
      await designLink.waitFor();
      await b.page.locator(".chat-presence.is-online").waitFor();

      // Shift+Enter makes a new line; Enter sends; Bob's badge counts it.
      const input = a.page.locator("#chat-input");
      await input.fill("line one");
      await input.press("Shift+Enter");
      await input.pressSequentially("line two");
      await input.press("Enter");
      await waitForMessage(a.page, "line one\nline two");
      await send(a.page, "second");
      await designLink.locator(".chat-badge").filter({ hasText: /^2/ })
        .waitFor();
      await b.page.waitForFunction(() =>
        document.title === "(2) Chat · RT Messenger"
      );

      // Opening the room shows the messages and clears the badge.
      await designLink.click();
      await waitForMessage(b.page, "line one\nline two");
      await waitForMessage(b.page, "second");
      assertEquals(await designLink.locator(".chat-badge").count(), 0);
      assert(b.page.url().endsWith(`/chat/${design}`));

      // Bob joins the public room through the browse dialog.
      await b.page.getByRole("button", { name: "Browse public rooms" }).click();
      await b.page.locator("dialog[open] li", { hasText: "history" })
        .getByRole("button", { name: "Join" }).click();
      await b.page.getByRole("heading", { name: "history" }).waitFor();
      await waitForMessage(b.page, "old 120");
      // Scrolling up loads older pages until the start of the room.
      const scroller = b.page.locator(".chat-scroll");
      for (let i = 0; i < 10; i++) {
        if (await b.page.getByText("This is the start of the room.").count()) {
          break;
        }
        await scroller.evaluate((el) => el.scrollTo({ top: -el.scrollHeight }));
        await b.page.waitForTimeout(150);
      }
      await b.page.getByText("This is the start of the room.").waitFor();
      const texts = await shownTexts(b.page);
      assertEquals(
        texts,
        Array.from({ length: 120 }, (_, i) => `old ${i + 1}`),
      );

      // Bob leaves the public room: it leaves his list and the URL.
      await b.page.getByRole("button", { name: "Leave", exact: true }).click();
      await b.page.locator("dialog[open]").getByRole("button", {
        name: "Leave",
      }).click();
      await b.page.locator(`a[data-room="${big}"]`).waitFor({
        state: "detached",
      });
      await b.page.waitForURL((u) => u.pathname === "/chat");
      await b.page.getByRole("heading", { name: "Chat" }).waitFor();

      // Ann edits her last message with ArrowUp; Bob sees "(edited)".
      await a.page.locator("#chat-input").press("ArrowUp");
      const edit = a.page.getByRole("textbox", { name: "Edit message" });
      await edit.fill("second, edited");
      await edit.press("Enter");
      await b.page.getByRole("link", { name: "design" }).click();
      await waitForMessage(b.page, "second, edited (edited)");

      // Alt+ArrowDown / Alt+ArrowUp switch rooms in sidebar order.
      await b.page.locator("#chat-input").focus();
      await b.page.keyboard.press("Alt+ArrowDown");
      await b.page.getByRole("heading", { name: ann.username! }).waitFor();
      await b.page.keyboard.press("Alt+ArrowUp");
      await b.page.getByRole("heading", { name: "design" }).waitFor();

      // Ann deletes her first message (inline confirmation); Bob sees the tombstone.
      const first = a.page.locator(".chat-msg", { hasText: "line one" });
      await first.hover();
      await first.getByRole("button", { name: /^Delete message/ }).click();
      await first.getByRole("button", { name: "Delete", exact: true }).click();
      await b.page.locator(".chat-msg.is-deleted", {
        hasText: "This message was deleted.",
      })
        .waitFor();
      assertEquals(await b.page.getByText("line one").count(), 0);
      await b.page.waitForFunction(() =>
        document.title === "design · RT Messenger"
      );

      assertEquals([...a.errors, ...b.errors], []);
      if (Deno.env.get("SCREENSHOTS")) {
        await a.page.screenshot({ path: "/tmp/chat-e2e-ann.png" });
        await b.page.screenshot({ path: "/tmp/chat-e2e-bob2.png" });
      }
      await a.ctx.close();
      await b.ctx.close();
    });
  },
);

browserTest(
  "chat ui: a rate-limited send shows as failed with Retry, and Retry delivers it once",
  async (browser) => {
    await withServer(async (server) => {
      const ann = await signedInClient(server.url, uniqueName("ann"));
      const room = await createRoom(ann, "slow", "public");
      const a = await openAs(browser, server, ann, `/chat/${room}`);
      // The two sends must reach the server within the bucket's refill time
      // (1 s) however slowly the browser runs: the page's frames are held
      // while both are typed, then go out back to back.
      await holdFrames(a.page);
      await send(a.page, "first");
      await send(a.page, "second");
      await releaseFrames(a.page, 2);
      const failed = a.page.locator(".chat-msg.is-failed", {
        hasText: "second",
      });
      const status = failed.getByText(/Not sent: Too many messages/);
      await status.waitFor();
      await waitForMessage(a.page, "first");
      if (Deno.env.get("SCREENSHOTS")) {
        await a.page.screenshot({ path: "/tmp/chat-e2e-failed.png" });
      }
      // As a person would: wait as long as the message says, then Retry. The
      // bucket has refilled by then, so the first Retry is accepted (no race
      // between fast clicks and the refill).
      const wait = Number(/wait (\d+) s/.exec(await status.innerText())![1]);
      assert(wait >= 1, `the message gives the wait: ${wait}`);
      await new Promise((r) => setTimeout(r, wait * 1000));
      await failed.getByRole("button", { name: "Retry" }).click();
      await waitForMessage(a.page, "second");
      assertEquals(await failed.count(), 0);
      assertEquals(await shownTexts(a.page), ["first", "second"]);
      // A reload shows the same two messages from the server: nothing doubled.
      await a.page.reload();
      await a.page.locator("html[data-rt-hydrated]").waitFor({
        state: "attached",
      });
      assertEquals(await shownTexts(a.page), ["first", "second"]);
      assertEquals(a.errors, []);
      await a.ctx.close();
    }, {
      env: { CHAT_SEND_BURST: "1", CHAT_SEND_PER_SECOND: "1" },
    });
  },
);

browserTest(
  "chat ui: on a phone the room list and the room take turns on screen, with Back and Forward working",
  async (browser) => {
    await withServer(async (server) => {
      const ann = await signedInClient(server.url, uniqueName("ann"));
      const room = await createRoom(ann, "pocket", "public");
      const a = await openAs(browser, server, ann, `/chat/${room}`, {
        width: 390,
        height: 844,
      });
      const sidebar = a.page.locator(".chat-sidebar");
      const composer = a.page.locator("#chat-input");
      assertEquals(await sidebar.isVisible(), false);
      assertEquals(await composer.isVisible(), true);
      // The composer fits the screen without horizontal scrolling.
      const box = (await composer.boundingBox())!;
      assert(box.x >= 0 && box.x + box.width <= 390);
      assertEquals(
        await a.page.evaluate(() =>
          document.documentElement.scrollWidth <= 390
        ),
        true,
      );
      await a.page.getByRole("link", { name: "Rooms" }).click();
      await sidebar.waitFor({ state: "visible" });
      assertEquals(await composer.isVisible(), false);
      assert(a.page.url().endsWith("/chat"));
      await a.page.locator(`a[data-room="${room}"]`).click();
      await composer.waitFor({ state: "visible" });
      assertEquals(await sidebar.isVisible(), false);
      await send(a.page, "from my phone");
      await waitForMessage(a.page, "from my phone");
      // The browser's Back button returns to the room list, Forward to the room.
      await a.page.goBack();
      await sidebar.waitFor({ state: "visible" });
      await a.page.goForward();
      await composer.waitFor({ state: "visible" });
      await waitForMessage(a.page, "from my phone");
      assertEquals(a.errors, []);
      await a.ctx.close();
    });
  },
);

browserTest(
  "chat ui: logging out in another tab ends the chat tab's connection with a sign-in link",
  async (browser) => {
    await withServer(async (server) => {
      const ann = await signedInClient(server.url, uniqueName("ann"));
      const room = await createRoom(ann, "brief", "public");
      const a = await openAs(browser, server, ann, `/chat/${room}`);
      const other = await a.ctx.newPage();
      await other.goto(server.url + "/");
      await other.getByRole("button", { name: "Log out" }).click();
      await other.waitForURL((u) => u.pathname === "/login");
      await a.page.getByText("You are signed out.").waitFor();
      const login = a.page.getByRole("link", { name: "Log in again" });
      assertEquals(
        await login.getAttribute("href"),
        `/login?next=${encodeURIComponent(`/chat/${room}`)}`,
      );
      assertEquals(await a.page.getByText("Reconnecting…").count(), 0);
      assertEquals(a.errors, []);
      await a.ctx.close();
    });
  },
);

browserTest(
  "chat ui: a session that ended while offline is noticed after failed reconnects, not retried forever",
  async (browser) => {
    await withServer(async (server) => {
      const ann = await signedInClient(server.url, uniqueName("ann"));
      const room = await createRoom(ann, "brief", "public");
      const a = await openAs(browser, server, ann, `/chat/${room}`);
      await a.ctx.setOffline(true);
      await a.page.getByText("You are offline. Reconnecting…").waitFor();
      // The same session logs out elsewhere while this tab is offline.
      const out = await ann.fetch("/logout", { method: "POST" });
      await out.body?.cancel();
      assertEquals(out.status, 303);
      await a.ctx.setOffline(false);
      await a.page.getByText("You are signed out.").waitFor();
      assertEquals(await a.page.getByText("Reconnecting…").count(), 0);
      assertEquals(a.errors, []);
      await a.ctx.close();
    });
  },
);

browserTest(
  "chat ui: a DM opened by someone else appears live with its unread message, no reload",
  async (browser) => {
    await withServer(async (server) => {
      const ann = await signedInClient(server.url, uniqueName("ann"));
      const bob = await signedInClient(server.url, uniqueName("bob"));
      const b = await openAs(browser, server, bob, "/chat");
      await b.page.locator('.chat[data-connection="online"]').waitFor();
      const { body: dm } = await ann.json<{ id: string }>("/api/dms", {
        json: { username: bob.username },
      });
      const link = b.page.locator(`a[data-room="${dm.id}"]`);
      await link.waitFor();
      assertEquals((await link.textContent())?.includes(ann.username!), true);
      // Ann's first message reaches Bob live: unread badge, then the text.
      const a = await openAs(browser, server, ann, `/chat/${dm.id}`);
      await send(a.page, "hello from a new DM");
      await link.locator(".chat-badge").waitFor();
      await link.click();
      await waitForMessage(b.page, "hello from a new DM");
      assertEquals([...a.errors, ...b.errors], []);
      await a.ctx.close();
      await b.ctx.close();
    });
  },
);
