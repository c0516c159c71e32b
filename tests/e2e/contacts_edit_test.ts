import { Buffer } from "node:buffer";
import type { Page } from "playwright-core";
import { assert, assertEquals } from "../helpers/assert.ts";
import { browserTest } from "../helpers/browser.ts";
import { uniqueName } from "../helpers/client.ts";
import { withServer } from "../helpers/server.ts";

type Api = Record<string, unknown> & { id: string; groups: string[] };

async function signUpToContacts(page: Page, url: string) {
  await page.goto(url + "/signup");
  await page.getByLabel("Username").fill(uniqueName("ce"));
  await page.getByLabel("Password").fill("a good password");
  await page.getByRole("button", { name: "Sign up" }).click();
  await page.waitForURL(url + "/");
  await page.goto(url + "/contacts");
  await page.locator("html[data-rt-hydrated]").waitFor({ state: "attached" });
}

/** Calls the API with the page's session (same origin). */
function call<T>(page: Page, path: string, body?: unknown): Promise<T> {
  return page.evaluate(async ([path, body]) => {
    const r = await fetch(path as string, {
      method: body ? "POST" : "GET",
      headers: { "content-type": "application/json" },
      body: body ? JSON.stringify(body) : undefined,
    });
    return await r.json();
  }, [path, body] as const) as Promise<T>;
}

const statusOf = (page: Page, text: string) =>
  page.locator("p.status").first().filter({ hasText: text }).waitFor();

browserTest(
  "contacts ui: New contact opens with focus in the form, saves every field, and Edit changes every field and the groups",
  async (browser) => {
    await withServer(async (server) => {
      const page = await browser.newPage();
      const errors: string[] = [];
      page.on("pageerror", (e) => errors.push(String(e)));
      await signUpToContacts(page, server.url);
      const vip = await call<Api>(page, "/api/groups", { name: "VIP" });
      await call<Api>(page, "/api/groups", { name: "Family" });
      await page.reload();
      await page.locator("html[data-rt-hydrated]").waitFor({
        state: "attached",
      });

      await page.getByRole("button", { name: "New contact" }).click();
      const form = page.getByRole("dialog", { name: "New contact" });
      await form.waitFor();
      assertEquals(
        await page.evaluate(() => document.activeElement?.id),
        "ce-givenName",
        "autofocus lands in the first field",
      );
      await page.keyboard.type("Ana");
      await form.getByLabel("Family name").fill("Lima");
      await form.getByLabel("Nickname").fill("Aninha");
      await form.getByLabel("Label of email 1").fill("Work");
      await form.getByLabel("Email 1", { exact: true }).fill(
        "ana@work.example",
      );
      await form.getByRole("button", { name: "Add email" }).click();
      await form.getByLabel("Label of email 2").fill("Home");
      await form.getByLabel("Email 2", { exact: true }).fill(
        "ana@home.example",
      );
      await form.getByLabel("Label of phone 1").fill("Mobile, private");
      await form.getByLabel("Phone 1", { exact: true }).fill(
        "+55 11 99999-0000",
      );
      await form.getByRole("button", { name: "Add phone" }).click();
      await form.getByLabel("Phone 2", { exact: true }).fill(
        "+55 11 3333-0000",
      );
      await form.getByLabel("Company").fill("Lima & Filhos");
      await form.getByLabel("Job title").fill("Owner");
      await form.getByLabel("Birthday").fill("1990-05-17");
      await form.getByLabel("Website").fill("ana.example");
      await form.getByLabel("Address").fill("Rua A, 1\nSão Paulo");
      await form.getByLabel("Notes").fill("Met at the fair");
      await form.getByLabel("VIP").check();
      if (Deno.env.get("SCREENSHOTS")) {
        await page.screenshot({ path: "/tmp/contacts-editor.png" });
      }
      await form.getByRole("button", { name: "Save contact" }).click();
      await statusOf(page, "Added Ana Lima.");
      await form.waitFor({ state: "hidden" });
      const [ana] = (await call<{ contacts: Api[] }>(
        page,
        "/api/contacts?q=aninha",
      )).contacts;
      assertEquals(ana.name, "Ana Lima");
      assertEquals([ana.givenName, ana.familyName], ["Ana", "Lima"]);
      assertEquals(ana.emails, [
        { label: "Work", value: "ana@work.example" },
        { label: "Home", value: "ana@home.example" },
      ]);
      assertEquals(ana.phones, [
        { label: "Mobile, private", value: "+55 11 99999-0000" },
        { label: "", value: "+55 11 3333-0000" },
      ]);
      assertEquals(
        [ana.company, ana.title, ana.birthday, ana.website, ana.notes],
        [
          "Lima & Filhos",
          "Owner",
          "1990-05-17",
          "ana.example",
          "Met at the fair",
        ],
      );
      assertEquals(ana.address, "Rua A, 1\nSão Paulo");
      assertEquals(ana.groups, [vip.id]);

      // Edit: every field is there; change some, drop a phone, swap groups.
      await page.getByRole("button", { name: "Edit Ana Lima" }).click();
      const edit = page.getByRole("dialog", { name: "Edit Ana Lima" });
      await edit.waitFor();
      assertEquals(await edit.getByLabel("Nickname").inputValue(), "Aninha");
      assertEquals(
        await edit.getByLabel("Notes").inputValue(),
        "Met at the fair",
      );
      await edit.getByLabel("Given name").fill("Anna");
      await edit.getByLabel("Job title").fill("");
      await edit.getByRole("button", { name: "Remove phone 2" }).click();
      await edit.getByLabel("VIP").uncheck();
      await edit.getByLabel("Family", { exact: true }).check();
      // An invalid birthday is refused in the form, with the reason.
      await edit.getByLabel("Birthday").fill("17.05.1990");
      await edit.getByRole("button", { name: "Save", exact: true }).click();
      await edit.getByText("Use YYYY-MM-DD").waitFor();
      await edit.getByLabel("Birthday").fill("--05-17");
      await edit.getByRole("button", { name: "Save", exact: true }).click();
      await statusOf(page, "Saved Anna Lima.");
      const after = await call<Api>(page, `/api/contacts/${ana.id}`);
      assertEquals(after.name, "Anna Lima", "display name derived again");
      assertEquals(after.title, undefined);
      assertEquals(after.birthday, "--05-17");
      assertEquals((after.phones as unknown[]).length, 1);
      assertEquals(after.groups.length, 1);
      assert(after.groups[0] !== vip.id);
      // Focus returned to the opener after the dialog closed.
      assertEquals(
        await page.evaluate(() =>
          document.activeElement?.getAttribute("aria-label")
        ),
        "Edit Anna Lima",
      );
      assertEquals(errors, []);
    });
  },
);

browserTest(
  "contacts ui: select several contacts, add them to a group, remove them, delete them and undo",
  async (browser) => {
    await withServer(async (server) => {
      const page = await browser.newPage();
      await signUpToContacts(page, server.url);
      const vip = await call<Api>(page, "/api/groups", { name: "VIP" });
      const ids: string[] = [];
      for (const n of ["Ana", "Bob", "Cy", "Dee"]) {
        ids.push(
          (await call<Api>(page, "/api/contacts", {
            name: n,
            email: `${n.toLowerCase()}@example.com`,
          })).id,
        );
      }
      await page.reload();
      await page.locator("html[data-rt-hydrated]").waitFor({
        state: "attached",
      });
      for (const n of ["Ana", "Bob", "Cy"]) {
        await page.getByLabel(`Select ${n}`, { exact: true }).check();
      }
      const bar = page.getByRole("region", { name: "Bulk actions" });
      await bar.getByText("3 selected").waitFor();
      await bar.getByLabel("Group").selectOption(vip.id);
      await bar.getByRole("button", { name: "Add to group" }).click();
      await statusOf(page, "Added 3 contacts to VIP.");
      const members = async () =>
        (await call<{ contacts: Api[] }>(
          page,
          `/api/contacts?group=${vip.id}`,
        )).contacts.map((c) => c.name);
      assertEquals(await members(), ["Ana", "Bob", "Cy"]);
      await page.getByLabel("Select Ana", { exact: true }).uncheck();
      await bar.getByText("2 selected").waitFor();
      await bar.getByRole("button", { name: "Remove from group" }).click();
      await statusOf(page, "Removed 2 contacts from VIP.");
      assertEquals(await members(), ["Ana"]);

      // Select all shown, then delete, then undo: same ids come back.
      await page.getByLabel("Select all shown contacts").check();
      await bar.getByText("4 selected").waitFor();
      if (Deno.env.get("SCREENSHOTS")) {
        await page.screenshot({ path: "/tmp/contacts-bulk.png" });
      }
      await bar.getByRole("button", { name: "Delete selected" }).click();
      await statusOf(page, "Deleted 4 contacts.");
      await page.getByText("No contacts yet").waitFor();
      assertEquals(
        await page.evaluate(() => document.activeElement?.textContent?.trim()),
        "Undo",
      );
      await page.keyboard.press("Enter");
      await statusOf(page, "Restored 4 contacts.");
      await page.waitForFunction(() =>
        document.querySelectorAll(".contacts-table tbody tr").length === 4
      );
      const back = (await call<{ contacts: Api[] }>(page, "/api/contacts"))
        .contacts;
      assertEquals(back.map((c) => c.id).sort(), [...ids].sort());
      assertEquals(await members(), ["Ana"]);
    });
  },
);

browserTest(
  "contacts ui: a search without results says only 'No contacts match.'; an import clears an old status and lists warnings; group rename is a dialog",
  async (browser) => {
    await withServer(async (server) => {
      const page = await browser.newPage();
      let prompted = false;
      page.on("dialog", (d) => {
        prompted = true;
        d.dismiss();
      });
      await signUpToContacts(page, server.url);
      await call<Api>(page, "/api/contacts", {
        name: "Quinn Long",
        email: "quinn.with.a.rather.long.address@subdomain.example.com",
      });
      await page.reload();
      await page.locator("html[data-rt-hydrated]").waitFor({
        state: "attached",
      });
      await page.getByLabel("Search contacts").fill("zzzz");
      await statusOf(page, "No contacts match.");
      assertEquals(await page.getByText("No contacts yet").count(), 0);
      assertEquals(await page.getByText("No contacts match.").count(), 1);
      await page.getByLabel("Search contacts").fill("");
      await page.locator(".contacts-table tbody tr").first().waitFor();

      await page.getByLabel("New group name").fill("VIP");
      await page.getByRole("button", { name: "Add group" }).click();
      await statusOf(page, "Group VIP created.");
      await page.getByRole("button", { name: "Import…" }).click();
      const dialog = page.getByRole("dialog", { name: "Import contacts" });
      await page.getByLabel("File (CSV or vCard)").setInputFiles({
        name: "p.csv",
        mimeType: "text/csv",
        buffer: Buffer.from(
          "name,email,phone\nRia,ria@example.com,call me maybe\nSol,sol@example.com\n",
        ),
      });
      await dialog.getByRole("button", { name: "Import", exact: true }).click();
      await dialog.getByText(
        "Done: 1 imported, 0 updated, 0 skipped, 1 with errors. 1 fields not imported.",
      ).waitFor();
      await dialog.getByRole("cell", { name: /phone "call me maybe"/ })
        .waitFor();
      await dialog.getByRole("button", { name: "Close" }).click();
      await statusOf(page, "Import done: 1 imported");
      assertEquals(await page.getByText("Group VIP created.").count(), 0);

      await page.getByRole("button", { name: "VIP", exact: true }).click();
      await page.getByRole("button", { name: "Rename this group" }).click();
      const rename = page.getByRole("dialog", { name: "Rename the group VIP" });
      await rename.waitFor();
      assertEquals(
        await page.evaluate(() => document.activeElement?.id),
        "group-rename-name",
      );
      await page.keyboard.press("Escape");
      await rename.waitFor({ state: "hidden" });
      await page.getByRole("button", { name: "Rename this group" }).click();
      await rename.getByLabel("New group name").fill("Very Important");
      await rename.getByRole("button", { name: "Rename" }).click();
      await page.getByRole("button", { name: "Very Important", exact: true })
        .waitFor();
      assertEquals(prompted, false, "no prompt()/confirm() was used");
    });
  },
);

browserTest(
  "contacts ui: emails in the list wrap only after '@', a dot or a hyphen, at desktop and phone width, light and dark",
  async (browser) => {
    await withServer(async (server) => {
      const page = await browser.newPage();
      await signUpToContacts(page, server.url);
      const g = await call<Api>(page, "/api/groups", { name: "Friends" });
      for (let i = 0; i < 6; i++) {
        await call<Api>(page, "/api/contacts", {
          givenName: `Person${i}`,
          familyName: "Withaverylongfamilyname",
          email:
            `firstname.lastname${i}@aratherlongsubdomain.examplecompany.com`,
          phone: "+1 (415) 555-0100",
          company: "International Business Corporation",
          groups: i % 2 ? [g.id] : [],
        });
      }
      const shots: Array<[string, number, number, "light" | "dark"]> = [
        ["desktop-light", 1280, 800, "light"],
        ["desktop-dark", 1280, 800, "dark"],
        ["phone-light", 390, 844, "light"],
        ["phone-dark", 390, 844, "dark"],
        ["narrow-desktop", 900, 800, "light"],
      ];
      for (const [name, width, height, scheme] of shots) {
        await page.setViewportSize({ width, height });
        await page.emulateMedia({ colorScheme: scheme });
        await page.reload();
        await page.locator("html[data-rt-hydrated]").waitFor({
          state: "attached",
        });
        // Where does each line of each email end?
        const bad = await page.evaluate(() => {
          const out: string[] = [];
          for (const a of document.querySelectorAll(".email-cell a")) {
            const text = a.textContent ?? "";
            const range = document.createRange();
            const tops: number[] = [];
            let offset = 0;
            const walker = document.createTreeWalker(a, NodeFilter.SHOW_TEXT);
            for (let n = walker.nextNode(); n; n = walker.nextNode()) {
              for (let i = 0; i < n.textContent!.length; i++) {
                range.setStart(n, i);
                range.setEnd(n, i + 1);
                tops[offset + i] = Math.round(
                  range.getBoundingClientRect().top,
                );
              }
              offset += n.textContent!.length;
            }
            for (let i = 1; i < text.length; i++) {
              if (tops[i] !== tops[i - 1] && !/[@.-]/.test(text[i - 1])) {
                out.push(`${text.slice(0, i)}|${text.slice(i)}`);
              }
            }
          }
          return out;
        });
        assertEquals(bad, [], `${name}: emails broken mid-word`);
        if (Deno.env.get("SCREENSHOTS")) {
          await page.screenshot({
            path: `/tmp/contacts-${name}.png`,
            fullPage: true,
          });
        }
      }
    });
  },
);
