/** Chromium: mentions, notifications, unread navigation and search, two users. */
import type { Page } from "playwright-core";
import { assert, assertEquals } from "../helpers/assert.ts";
import { browserTest } from "../helpers/browser.ts";
import { signedInClient, uniqueName } from "../helpers/client.ts";
import { withServer } from "../helpers/server.ts";
import { chatSocket } from "../helpers/chat_ws.ts";
import { createRoom, hide, type Notes, openAs } from "./chat_pages.ts";

async function shot(page: Page, name: string) {
  const dir = Deno.env.get("SCREENSHOTS");
  if (dir) await page.screenshot({ path: `${dir}/${name}.png` });
}

browserTest(
  "chat essentials ui: @autocomplete mention; the other sees the highlight and mention badge, gets a desktop notification while hidden, and its click opens the message",
  async (browser) => {
    await withServer(async (server) => {
      const ann = await signedInClient(server.url, uniqueName("ann"));
      const bob = await signedInClient(server.url, uniqueName("bob"));
      const design = await createRoom(ann, "design");
      const general = await createRoom(ann, "general");
      for (const r of [design, general]) {
        await ann.json(`/api/rooms/${r}/members`, {
          json: { username: bob.username },
        });
      }
      const a = await openAs(browser, server, ann, `/chat/${design}`);
      const b = await openAs(browser, server, bob, `/chat/${general}`);
      await a.page.locator("#chat-input:not([disabled])").waitFor();
      await b.page.locator("#chat-input:not([disabled])").waitFor();

      await hide(b.page, true);
      // Ann types "@bo", picks Bob with the keyboard, sends.
      const box = a.page.locator("#chat-input");
      // A busy page paints late: a caret placed "after the next frame" would
      // land back under the keys typed meanwhile.
      await a.page.evaluate(() => {
        const raf = globalThis.requestAnimationFrame.bind(globalThis);
        globalThis.requestAnimationFrame = (cb) =>
          raf((t) => setTimeout(() => cb(t), 300));
      });
      await box.pressSequentially(`hi @${bob.username!.slice(0, 5)}`);
      const option = a.page.getByRole("option", {
        name: new RegExp(`@${bob.username}`),
      });
      await option.waitFor();
      assertEquals(await option.getAttribute("aria-selected"), "true");
      await box.press("Tab");
      assertEquals(await box.inputValue(), `hi @${bob.username} `);
      await box.pressSequentially("can you review?", { delay: 50 });
      await box.press("Escape");
      await box.press("Enter");

      // Bob (in another room, tab hidden) gets the badge and a notification.
      const row = b.page.locator(`.chat-room[data-room="${design}"]`);
      await row.locator(".chat-badge.is-mention").waitFor();
      assertEquals(
        (await row.locator(".chat-badge.is-mention").textContent())?.trim(),
        "@1mention",
      );
      await b.page.waitForFunction(() =>
        (globalThis as unknown as { __notes: Notes }).__notes.length === 1
      );
      const note = await b.page.evaluate(() => {
        const n = (globalThis as unknown as { __notes: Notes }).__notes[0];
        return { title: n.title, body: n.body };
      });
      assertEquals(note, {
        title: "#design",
        body: `${ann.username}: hi @${bob.username} can you review?`,
      });
      assert(/\(1 · 1 @\)/.test(await b.page.title()), await b.page.title());
      await shot(b.page, "essentials-badge-desktop-light");

      // A message without a mention in a "mentions" room: no notification.
      await a.page.locator("#chat-input").fill("just chatting");
      await a.page.locator("#chat-input").press("Enter");
      await row.locator(".chat-badge:not(.is-mention)", { hasText: "2" })
        .waitFor();
      assertEquals(
        await b.page.evaluate(() =>
          (globalThis as unknown as { __notes: Notes }).__notes.length
        ),
        1,
      );

      // Clicking the notification opens the room at that message, flashed.
      await hide(b.page, false);
      await b.page.evaluate(() =>
        (globalThis as unknown as { __notes: Notes }).__notes[0].click()
      );
      const flashed = b.page.locator(".chat-msg.is-flash.is-mention");
      await flashed.waitFor();
      assert(
        (await flashed.textContent())!.includes("can you review?"),
        "the flashed message is the mention",
      );
      assertEquals(new URL(b.page.url()).pathname, `/chat/${design}`);
      await shot(b.page, "essentials-mention-desktop-light");
      // Mentioning someone outside the room offers to add them.
      const carol = await signedInClient(server.url, uniqueName("carol"));
      await a.page.locator("#chat-input").fill(`@${carol.username} join us?`);
      await a.page.locator("#chat-input").press("Enter");
      await a.page.getByText(`@${carol.username} is not in this room`)
        .waitFor();
      await a.page.getByRole("button", { name: "Add to room" }).click();
      for (let i = 0; i < 100; i++) {
        const m = await ann.json<{ members: string[] }>(
          `/api/rooms/${design}/members`,
        );
        if (m.body.members.includes(carol.username!)) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      assert(
        (await ann.json<{ members: string[] }>(`/api/rooms/${design}/members`))
          .body.members.includes(carol.username!),
        "carol was added",
      );
      assertEquals([...a.errors, ...b.errors], []);
    });
  },
);

const FAST = {
  env: { CHAT_SEND_BURST: "100000", CHAT_SEND_PER_SECOND: "100000" },
};

browserTest(
  "chat essentials ui: opening a room lands on the New messages divider; Shift+Esc marks all read; search opens a result in context",
  async (browser) => {
    await withServer(async (server) => {
      const ann = await signedInClient(server.url, uniqueName("ann"));
      const bob = await signedInClient(server.url, uniqueName("bob"));
      const design = await createRoom(ann, "design");
      const general = await createRoom(ann, "general");
      for (const r of [design, general]) {
        await ann.json(`/api/rooms/${r}/members`, {
          json: { username: bob.username },
        });
      }
      const ws = await chatSocket(ann);
      for (let i = 1; i <= 30; i++) {
        await ws.sendMessage(design, `old message ${i}`, `o${i}`);
      }
      // Bob reads up to here.
      const bws = await chatSocket(bob);
      await bws.subscribe(design);
      bws.send({ type: "read", room: design, seq: 30 });
      bws.send({ type: "ping" });
      await bws.nextOf("pong");
      await bws.close();
      for (let i = 1; i <= 150; i++) {
        await ws.sendMessage(
          design,
          i === 40 ? "the Crème brûlée recipe is pinned" : `unread ${i}`,
          `u${i}`,
        );
      }
      await ws.sendMessage(general, "hello general", "g1");

      const b = await openAs(browser, server, bob, `/chat/${general}`);
      await b.page.locator("#chat-input:not([disabled])").waitFor();
      const row = b.page.locator(`.chat-room[data-room="${design}"]`);
      assertEquals(
        (await row.locator(".chat-badge").first().textContent())?.trim(),
        "99+unread",
      );
      await row.click();
      const divider = b.page.locator("#chat-new-divider");
      await divider.waitFor();
      // The divider sits right above the first unread, in view.
      const next = await b.page.evaluate(() =>
        document.getElementById("chat-new-divider")!.nextElementSibling!
          .querySelector(".chat-msg-body")!.textContent
      );
      assertEquals(next, "unread 1");
      await b.page.waitForFunction(() => {
        const d = document.getElementById("chat-new-divider")!
          .getBoundingClientRect();
        const s = document.querySelector(".chat-scroll")!
          .getBoundingClientRect();
        return d.top >= s.top - 1 && d.bottom <= s.bottom + 1;
      });
      await shot(b.page, "essentials-divider-desktop-light");
      // Scrolled to the bottom, the pill offers to jump back.
      await b.page.evaluate(() => {
        const s = document.querySelector(".chat-scroll")!;
        s.scrollTop = 0;
        s.dispatchEvent(new Event("scroll"));
      });
      await b.page.getByRole("button", { name: "Jump to first unread" })
        .click();
      await b.page.waitForFunction(() => {
        const d = document.getElementById("chat-new-divider")!
          .getBoundingClientRect();
        const s = document.querySelector(".chat-scroll")!
          .getBoundingClientRect();
        return d.top >= s.top - 1 && d.bottom <= s.bottom + 1;
      });

      // Search: Ctrl+K, an accent-free prefix, the result opens in context.
      await b.page.locator("body").click({ position: { x: 5, y: 5 } });
      await b.page.keyboard.press("Control+k");
      const q = b.page.getByRole("searchbox", { name: "Search messages" });
      await q.fill("creme brul");
      await q.press("Enter");
      const hit = b.page.locator(".chat-search-hit").first();
      await hit.waitFor();
      assertEquals(
        await hit.locator("mark").allTextContents(),
        ["Crème", "brûlée"],
      );
      await shot(b.page, "essentials-search-desktop-light");
      await hit.click();
      const flashed = b.page.locator(".chat-msg.is-flash");
      await flashed.waitFor();
      assertEquals(
        await flashed.locator(".chat-msg-body").textContent(),
        "the Crème brûlée recipe is pinned",
      );
      // History on both sides of it.
      const bodies = await b.page.locator(".chat-msg .chat-msg-body")
        .allTextContents();
      const at = bodies.indexOf("the Crème brûlée recipe is pinned");
      assertEquals(bodies[at - 1], "unread 39");
      assertEquals(bodies[at + 1], "unread 41");

      // "/" opens search too; Escape closes it.
      await b.page.locator(".chat-scroll").focus();
      await b.page.keyboard.press("/");
      await q.waitFor();
      await b.page.keyboard.press("Escape");
      await q.waitFor({ state: "detached" });

      // Shift+Esc: every room is read.
      await b.page.locator(".chat-scroll").focus();
      await b.page.keyboard.press("Shift+Escape");
      await b.page.locator(".chat-sidebar .chat-badge").first().waitFor({
        state: "detached",
      });
      const { body } = await bob.json<{ rooms: { unread: number }[] }>(
        "/api/rooms",
      );
      await b.page.waitForFunction(() => true);
      // A liveness bound for a loaded machine (30 s), not a timing check.
      for (let i = 0; i < 300; i++) {
        const rows = (await bob.json<{ rooms: { unread: number }[] }>(
          "/api/rooms",
        )).body.rooms;
        if (rows.every((r) => r.unread === 0)) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      assertEquals(
        (await bob.json<{ rooms: { unread: number }[] }>("/api/rooms")).body
          .rooms.map((r) => r.unread),
        body.rooms.map(() => 0),
      );
      if (Deno.env.get("SCREENSHOTS")) {
        // Desktop and phone, light and dark: mentions, badges, divider, search.
        await ws.sendMessage(general, `@${bob.username} ping in general`, "s1");
        await ws.sendMessage(design, "@room standup in 5", "s2");
        for (const dark of [false, true]) {
          for (const phone of [false, true]) {
            const tag = `${phone ? "phone" : "desktop"}-${
              dark ? "dark" : "light"
            }`;
            const v = await openAs(browser, server, bob, `/chat/${design}`, {
              dark,
              viewport: phone
                ? { width: 390, height: 780 }
                : { width: 1100, height: 760 },
            });
            await v.page.locator("#chat-input:not([disabled])").waitFor();
            await shot(v.page, `essentials-room-${tag}`);
            await v.page.locator("#chat-input").pressSequentially("@");
            await v.page.locator(".chat-mentions-popup").waitFor();
            await shot(v.page, `essentials-autocomplete-${tag}`);
            await v.page.locator("#chat-input").press("Escape");
            await v.page.locator("#chat-input").fill("");
            await v.page.locator(".chat-scroll").focus();
            await v.page.keyboard.press("Control+k");
            await v.page.getByRole("searchbox").fill("unread 4");
            await v.page.getByRole("searchbox").press("Enter");
            await v.page.locator(".chat-search-hit").first().waitFor();
            await shot(v.page, `essentials-search-${tag}`);
            await v.ctx.close();
          }
        }
      }
      await ws.close();
      assertEquals(b.errors, []);
    }, FAST);
  },
);

browserTest(
  "chat essentials ui: a tab signed out elsewhere disables its composer and says why; presence turns grey while disconnected",
  async (browser) => {
    await withServer(async (server) => {
      const ann = await signedInClient(server.url, uniqueName("ann"));
      const bob = await signedInClient(server.url, uniqueName("bob"));
      const dm = (await ann.json<{ id: string }>("/api/dms", {
        json: { username: bob.username },
      })).body.id;
      const bws = await chatSocket(bob);
      const a = await openAs(browser, server, ann, `/chat/${dm}`, {
        grant: false,
      });
      await a.page.locator("#chat-input:not([disabled])").waitFor();
      // Notifications are never asked for on load: a banner offers them.
      await a.page.getByRole("button", { name: "Enable notifications" })
        .waitFor();
      assertEquals(
        await a.page.evaluate(() => Notification.permission),
        "default",
      );
      // The sidebar's settings: desktop notifications from a button, and the
      // missed-mention mail setting.
      await a.page.getByText("Notification settings").click();
      await a.page.getByRole("button", { name: "Enable", exact: true })
        .waitFor();
      await a.page.getByLabel("Email me about unread mentions and DMs")
        .selectOption("off");
      await a.page.getByText("Saved.").waitFor();
      assertEquals(
        (await ann.json<{ digest: string }>("/api/me/digest")).body.digest,
        "off",
      );
      const dot = a.page.locator(
        `.chat-room[data-room="${dm}"] .chat-presence`,
      );
      await a.page.locator(
        `.chat-room[data-room="${dm}"] .chat-presence.is-online`,
      )
        .waitFor();
      // Own socket down: others' presence is unknown, not "offline".
      await a.ctx.setOffline(true);
      await a.page.locator(
        `.chat-room[data-room="${dm}"] .chat-presence.is-unknown`,
      ).waitFor();
      assertEquals(
        await dot.getAttribute("title"),
        "Status unknown (you are offline)",
      );
      await a.ctx.setOffline(false);
      await a.page.locator(
        `.chat-room[data-room="${dm}"] .chat-presence.is-online`,
      )
        .waitFor();
      // A second tab of the same session signs out.
      const other = await a.ctx.newPage();
      await other.goto(server.url + "/chat");
      await other.locator("html[data-rt-hydrated]").waitFor({
        state: "attached",
      });
      await other.evaluate(async () => {
        await fetch("/logout", { method: "POST" });
      });
      await a.page.locator("#chat-input[disabled]").waitFor();
      assert(
        (await a.page.locator("#chat-input-help").textContent())!.includes(
          "signed out",
        ),
      );
      assertEquals(
        await a.page.getByRole("button", { name: "Send" }).isDisabled(),
        true,
      );
      await bws.close();
      assertEquals(a.errors, []);
    });
  },
);
