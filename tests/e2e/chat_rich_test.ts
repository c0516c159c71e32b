/**
 * Chat richness in Chromium with two users: reactions live, replies that
 * jump to the original, a pasted image seen inline, Markdown rendering
 * (with a `<script>` kept as text), the member panel.
 * @module
 */
import type { Browser, BrowserContext, Page } from "playwright-core";
import { assert, assertEquals } from "../helpers/assert.ts";
import { browserTest } from "../helpers/browser.ts";
import { type Client, signedInClient, uniqueName } from "../helpers/client.ts";
import { type TestServer, withServer } from "../helpers/server.ts";
import { chatSocket } from "../helpers/chat_ws.ts";

async function openAs(
  browser: Browser,
  server: TestServer,
  client: Client,
  path: string,
  viewport = { width: 1100, height: 760 },
): Promise<{ ctx: BrowserContext; page: Page; errors: string[] }> {
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
  page.on("pageerror", (e) => errors.push(String(e)));
  await page.goto(server.url + path);
  await page.locator("html[data-rt-hydrated]").waitFor({ state: "attached" });
  await page.locator("#chat-input:not([disabled])").waitFor();
  return { ctx, page, errors };
}

async function send(page: Page, text: string): Promise<void> {
  await page.locator("#chat-input").fill(text);
  await page.locator("#chat-input").press("Enter");
}

/** The confirmed message whose body contains `text`. */
function message(page: Page, text: string) {
  return page.locator(".chat-msg:not(.is-pending)").filter({
    has: page.locator(".chat-msg-body", { hasText: text }),
  });
}

async function setup(server: TestServer) {
  const ann = await signedInClient(server.url, uniqueName("ann"));
  const bob = await signedInClient(server.url, uniqueName("bob"));
  const res = await ann.fetch("/api/rooms", {
    method: "POST",
    json: { name: "rich", visibility: "private" },
  });
  const room = (await res.json()).id as string;
  const add = await ann.fetch(`/api/rooms/${room}/members`, {
    method: "POST",
    json: { username: bob.username },
  });
  await add.body?.cancel();
  assertEquals(add.status, 200);
  return { ann, bob, room };
}

browserTest(
  "chat rich ui: Markdown renders bold/code/link and a <script> stays text; a reaction shows live with who reacted; the member panel lists both users",
  async (browser) => {
    await withServer(async (server) => {
      const { ann, bob, room } = await setup(server);
      const a = await openAs(browser, server, ann, `/chat/${room}`);
      const b = await openAs(browser, server, bob, `/chat/${room}`);

      await send(
        a.page,
        "**bold** and `code` and [docs](https://example.com/docs) <script>window.__pwned=1</script> [x](javascript:alert(1))",
      );
      const m = message(b.page, "bold");
      await m.waitFor();
      assertEquals(await m.locator("strong").textContent(), "bold");
      assertEquals(
        await m.locator(".chat-msg-body code").textContent(),
        "code",
      );
      assertEquals(
        await m.locator("a").getAttribute("href"),
        "https://example.com/docs",
      );
      assertEquals(await m.locator("a").count(), 1);
      const body = await m.locator(".chat-msg-body").textContent();
      assert(body!.includes("<script>window.__pwned=1</script>"), body!);
      assertEquals(await m.locator("script").count(), 0);
      assertEquals(
        await b.page.evaluate(() =>
          (globalThis as unknown as { __pwned?: number }).__pwned
        ),
        undefined,
      );

      // Bob reacts with 👍 from the picker; Ann sees it live with his name.
      await m.hover();
      await m.getByRole("button", { name: /Add a reaction/ }).click();
      await b.page.getByRole("button", { name: "thumbs up", exact: true })
        .click();
      const chip = message(a.page, "bold").locator(".chat-reaction");
      await chip.waitFor();
      assertEquals((await chip.textContent())?.replace(/\s+/g, ""), "👍1");
      const label = await chip.getAttribute("aria-label");
      assert(label!.includes(bob.username!), label!);
      assertEquals(await chip.getAttribute("aria-pressed"), "false");
      // Ann adds hers by clicking the chip: 2 for both.
      await chip.click();
      await message(b.page, "bold").locator(".chat-reaction", {
        hasText: "2",
      }).waitFor();
      assertEquals(await chip.getAttribute("aria-pressed"), "true");

      // The member panel shows both users with the creator's role.
      await b.page.getByRole("button", { name: "Members" }).click();
      const panel = b.page.locator(".chat-members");
      await panel.getByText(ann.username!).waitFor();
      await panel.getByText(`${bob.username} (you)`).waitFor();
      assertEquals(await panel.locator(".chat-role").count(), 1);

      assertEquals(a.errors, []);
      assertEquals(b.errors, []);
      await a.ctx.close();
      await b.ctx.close();
    });
  },
);

browserTest(
  "chat rich ui: Alt+R replies with a quote that jumps to the original, loading older history; a pasted image shows inline for the other user and opens full size",
  async (browser) => {
    await withServer(async (server) => {
      const { ann, bob, room } = await setup(server);
      // The original, then 70 more, so it is not on Bob's first screen.
      const ws = await chatSocket(ann);
      await ws.subscribe(room);
      await ws.sendMessage(room, "the original question", "q");
      for (let i = 0; i < 70; i++) {
        const ack = await ws.sendMessage(room, `filler ${i}`, `f${i}`);
        assertEquals(ack.type, "ack");
      }
      await ws.close();

      const b = await openAs(browser, server, bob, `/chat/${room}`);
      const a = await openAs(browser, server, ann, `/chat/${room}`);
      // Bob replies to the newest message with Alt+R on it.
      const last = message(b.page, "filler 69");
      await last.focus();
      await b.page.keyboard.press("Alt+r");
      await b.page.locator(".chat-replying").getByText("filler 69").waitFor();
      await b.page.keyboard.type("replying to the last");
      await b.page.keyboard.press("Enter");
      const quote = message(a.page, "replying to the last").locator(
        ".chat-reply-quote",
      );
      await quote.waitFor();
      assert((await quote.textContent())!.includes("filler 69"));
      assert((await quote.textContent())!.includes(ann.username!));

      // A reply to the first message (sent over the socket) jumps back to it.
      const first = await ann.json<{ messages: { id: string; seq: number }[] }>(
        `/api/rooms/${room}/messages?after=0&limit=1`,
      );
      const orig = first.body.messages[0];
      const wb = await chatSocket(bob);
      await wb.subscribe(room);
      wb.send({
        type: "send",
        room,
        text: "what about this?",
        cid: "r2",
        replyTo: { id: orig.id, seq: orig.seq },
      });
      await wb.next((f) => f.type === "ack");
      await wb.close();
      const far = message(a.page, "what about this?").locator(
        ".chat-reply-quote",
      );
      await far.waitFor();
      assertEquals(
        await a.page.locator(`[data-id="${orig.id}"]`).count(),
        0,
        "the original is not loaded yet",
      );
      await far.click();
      const target = a.page.locator(`[data-id="${orig.id}"]`);
      await target.waitFor();
      await a.page.locator(`[data-id="${orig.id}"].is-highlight`).waitFor();
      assert(await target.evaluate((el) => el === document.activeElement));

      // Bob pastes a screenshot; Ann sees it inline with its size.
      await b.page.locator("#chat-input").focus();
      await b.page.evaluate(async () => {
        // A real screenshot-like PNG, drawn on a canvas.
        const canvas = document.createElement("canvas");
        canvas.width = 64;
        canvas.height = 48;
        const g = canvas.getContext("2d")!;
        g.fillStyle = "#2f6fde";
        g.fillRect(0, 0, 64, 48);
        const blob = await new Promise<Blob>((r) =>
          canvas.toBlob((b) => r(b!), "image/png")
        );
        const file = new File([blob], "image.png", { type: "image/png" });
        const dt = new DataTransfer();
        dt.items.add(file);
        const ev = new ClipboardEvent("paste", {
          clipboardData: dt,
          bubbles: true,
          cancelable: true,
        });
        document.querySelector("#chat-input")!.dispatchEvent(ev);
      });
      await b.page.locator(".chat-uploads li.is-done").waitFor();
      await b.page.locator("#chat-input").fill("see screenshot");
      await b.page.locator("#chat-input").press("Enter");
      const img = message(a.page, "see screenshot").locator(".chat-thumb img");
      await img.waitFor();
      assertEquals(await img.getAttribute("width"), "64");
      assertEquals(await img.getAttribute("height"), "48");
      await a.page.waitForFunction(() =>
        [...document.querySelectorAll<HTMLImageElement>(".chat-thumb img")]
          .some((i) => i.complete && i.naturalWidth === 64)
      );
      await img.click();
      const overlay = a.page.locator("dialog.chat-overlay[open]");
      await overlay.waitFor();
      await a.page.keyboard.press("Escape");
      await overlay.waitFor({ state: "detached" });

      assertEquals(a.errors, []);
      assertEquals(b.errors, []);
      await a.ctx.close();
      await b.ctx.close();
    }, { env: { CHAT_SEND_BURST: "1000" } });
  },
);
