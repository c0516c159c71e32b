/**
 * Muting a room from its settings menu (notification level `none`): no
 * desktop notification, even for a mention; unmuting brings them back.
 * @module
 */
import type { Page } from "playwright-core";
import { assertEquals } from "../helpers/assert.ts";
import { browserTest } from "../helpers/browser.ts";
import { signedInClient, uniqueName } from "../helpers/client.ts";
import { withServer } from "../helpers/server.ts";
import { chatSocket } from "../helpers/chat_ws.ts";
import { hide, type Notes, openAs } from "./chat_pages.ts";

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
      const { page: b } = await openAs(browser, server, bob, `/chat/${room}`);
      await b.locator("#chat-input:not([disabled])").waitFor();
      await b.getByRole("button", { name: "Room settings" }).click();
      await b.getByRole("button", { name: "Mute notifications" }).click();
      await b.getByText("Muted: no notifications.").waitFor();
      await b.keyboard.press("Escape");
      await hide(b, true);

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
      await hide(b, true);
      await say(`@${bob.username} now?`, "m3");
      await b.waitForFunction(() =>
        (globalThis as unknown as { __notes: Notes }).__notes.length === 1
      );
    });
  },
);
