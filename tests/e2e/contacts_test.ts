import { Buffer } from "node:buffer";
import { assert, assertEquals } from "../helpers/assert.ts";
import { browserTest } from "../helpers/browser.ts";
import { uniqueName } from "../helpers/client.ts";
import { startServer } from "../helpers/server.ts";

function bigCsv(rows: number): string {
  const lines = ["name,email,phone,company,groups"];
  for (let i = 0; i < rows; i++) {
    lines.push(
      `Person ${i},person${i}@bulk.example,+1 555 01${
        String(i).padStart(4, "0")
      },Bulk Co,Bulk`,
    );
  }
  lines.push("Zebra Stripe,zebra@zoo.example,,Savanna Ltd,Zoo");
  lines.push("Broken Row,not-an-email,,,"); // line rows + 3
  return lines.join("\n") + "\n";
}

browserTest(
  "contacts ui: import a CSV through the dialog with progress and report, then search and edit in the contact dialog",
  async (browser) => {
    const server = await startServer();
    try {
      const page = await browser.newPage();
      const errors: string[] = [];
      page.on("pageerror", (e) => errors.push(String(e)));
      await page.goto(server.url + "/signup");
      await page.getByLabel("Username").fill(uniqueName("ct"));
      await page.getByLabel("Password").fill("a good password");
      await page.getByRole("button", { name: "Sign up" }).click();
      await page.waitForURL(server.url + "/");
      await page.goto(server.url + "/contacts");
      await page.locator("html[data-rt-hydrated]").waitFor({
        state: "attached",
      });
      await page.getByText("No contacts yet").waitFor();

      // Import through the dialog.
      const rows = 1500;
      await page.getByRole("button", { name: "Import…" }).click();
      const dialog = page.getByRole("dialog", { name: "Import contacts" });
      await dialog.waitFor();
      await page.getByLabel("File (CSV or vCard)").setInputFiles({
        name: "people.csv",
        mimeType: "text/csv",
        buffer: Buffer.from(bigCsv(rows), "utf-8"),
      });
      await dialog.getByText("Generic columns", { exact: true }).waitFor();
      await dialog.getByRole("cell", { name: "person0@bulk.example" })
        .waitFor();
      // Record every value the progress bar shows.
      await page.evaluate(() => {
        const seen: string[] = [];
        (globalThis as unknown as { seen: string[] }).seen = seen;
        new MutationObserver(() => {
          const p = document.querySelector("#import-progress");
          if (p) {
            seen.push(`${p.getAttribute("value")}/${p.getAttribute("max")}`);
          }
        }).observe(document.body, {
          subtree: true,
          attributes: true,
          childList: true,
        });
      });
      await dialog.getByRole("button", { name: "Import", exact: true }).click();
      const done = `Done: ${
        rows + 1
      } imported, 0 updated, 0 skipped, 1 with errors.`;
      await dialog.getByRole("status").filter({ hasText: done }).waitFor({
        timeout: 60_000,
      });
      const seen = await page.evaluate(() =>
        (globalThis as unknown as { seen: string[] }).seen
      );
      const total = `/${rows + 1}`;
      assert(
        seen.includes(`${rows + 1}${total}`),
        `progress reached the end: ${seen.slice(-3)}`,
      );
      assert(
        seen.some((s) =>
          s.endsWith(total) && !s.startsWith("0/") &&
          s !== `${rows + 1}${total}`
        ),
        `an intermediate progress value was shown: ${seen.join(" ")}`,
      );
      const errorRow = dialog.locator(".import-errors tbody tr");
      assertEquals(await errorRow.count(), 1);
      assertEquals(
        await errorRow.locator("td").first().textContent(),
        String(rows + 3),
      );
      if (Deno.env.get("SCREENSHOTS")) {
        await page.screenshot({ path: "/tmp/contacts-import.png" });
      }
      await dialog.getByRole("button", { name: "Close" }).click();
      await page.getByRole("button", { name: "Zoo", exact: true }).waitFor();

      // Search as you type.
      await page.getByLabel("Search contacts").fill("zeb");
      const body = page.locator(".contacts-table tbody tr");
      await page.waitForFunction(() =>
        document.querySelectorAll(".contacts-table tbody tr").length === 1
      );
      assertEquals(await body.locator("th").textContent(), "Zebra Stripe");

      // Edit in the contact dialog: focus moves into it, Enter saves.
      await page.getByRole("button", { name: "Edit Zebra Stripe" }).click();
      const editor = page.getByRole("dialog", { name: "Edit Zebra Stripe" });
      await editor.waitFor();
      assertEquals(
        await page.evaluate(() => document.activeElement?.id),
        "ce-givenName",
      );
      const company = editor.getByLabel("Company");
      await company.fill("Serengeti Park");
      await company.press("Enter");
      await page.getByRole("status").filter({ hasText: "Saved Zebra Stripe." })
        .waitFor();
      assertEquals(
        await body.locator("td[data-label=Company]").textContent(),
        "Serengeti Park",
      );
      const stored = await page.evaluate(async () => {
        const r = await fetch("/api/contacts?q=zebra");
        return (await r.json()).contacts[0].company;
      });
      assertEquals(stored, "Serengeti Park");
      // A bad email shows the field error and keeps the dialog open;
      // Escape closes it without saving.
      await page.getByRole("button", { name: "Edit Zebra Stripe" }).click();
      await editor.getByLabel("Email 1", { exact: true }).fill("zebra@");
      await editor.getByRole("button", { name: "Save" }).click();
      await editor.getByText("The domain after @ is missing.").waitFor();
      await editor.getByLabel("Email 1", { exact: true }).press("Escape");
      await editor.waitFor({ state: "hidden" });
      if (Deno.env.get("SCREENSHOTS")) {
        await page.screenshot({
          path: "/tmp/contacts-page.png",
          fullPage: true,
        });
      }

      // Delete, then undo (focus moves to the Undo button).
      await page.getByRole("button", { name: "Delete Zebra Stripe" }).click();
      await page.getByRole("status").filter({
        hasText: "Deleted Zebra Stripe.",
      }).waitFor();
      assertEquals(await body.count(), 0);
      assertEquals(
        await page.evaluate(() => document.activeElement?.textContent?.trim()),
        "Undo",
      );
      await page.keyboard.press("Enter");
      await page.getByRole("status").filter({
        hasText: "Restored Zebra Stripe.",
      }).waitFor({ timeout: 10_000 }).catch(async (err) => {
        const text = await page.locator("p.status").first().textContent();
        throw new Error(`status was "${text}": ${err}`);
      });
      await page.waitForFunction(() =>
        document.querySelectorAll(".contacts-table tbody tr").length === 1
      );
      assertEquals(
        await body.locator("td[data-label=Company]").textContent(),
        "Serengeti Park",
      );

      // Group chip filter, rename and delete (the contact stays).
      await page.getByLabel("Search contacts").fill("");
      await page.waitForFunction(() =>
        document.querySelectorAll(".contacts-table tbody tr").length > 1
      );
      await page.getByRole("button", { name: "Zoo", exact: true }).click();
      await page.waitForFunction(() =>
        document.querySelectorAll(".contacts-table tbody tr").length === 1
      );
      await page.getByRole("button", { name: "Rename this group" }).click();
      const rename = page.getByRole("dialog", { name: "Rename the group Zoo" });
      await rename.getByLabel("New group name").fill("Wildlife");
      await rename.getByRole("button", { name: "Rename" }).click();
      await page.getByRole("button", { name: "Wildlife", exact: true })
        .waitFor();
      page.once("dialog", (d) => d.accept());
      await page.getByRole("button", { name: "Delete this group" }).click();
      await page.getByRole("status").filter({
        hasText: "Group Wildlife deleted",
      }).waitFor();
      assertEquals(
        await page.getByRole("button", { name: "Wildlife", exact: true })
          .count(),
        0,
      );
      // Back on "All": every contact again, Zebra Stripe without the group.
      await page.waitForFunction(() =>
        document.querySelectorAll(".contacts-table tbody tr").length > 1
      );
      const zebra = await page.evaluate(async () =>
        (await (await fetch("/api/contacts?q=zebra")).json()).contacts[0]
      );
      assertEquals([zebra.name, zebra.groups], ["Zebra Stripe", []]);

      // A vCard file is recognised and previewed too.
      await page.getByRole("button", { name: "Import…" }).click();
      await page.getByLabel("File (CSV or vCard)").setInputFiles({
        name: "cards.vcf",
        mimeType: "text/vcard",
        buffer: Buffer.from(
          await Deno.readTextFile(
            new URL("../fixtures/contacts/cards.vcf", import.meta.url),
          ),
        ),
      });
      await dialog.getByText("vCard", { exact: true }).waitFor();
      await dialog.getByRole("cell", { name: "mia@example.com" }).waitFor();
      await dialog.getByRole("button", { name: "Cancel" }).click();
      await dialog.waitFor({ state: "hidden" });
      assertEquals(errors, []);
    } finally {
      await server.close();
    }
  },
);
