import assert from "node:assert/strict";
import { findContactByEmail } from "../lib/contacts/contacts.ts";
import { parseContactsCsv } from "../lib/contacts/csv.ts";
import { exportContacts } from "../lib/contacts/export.ts";
import { createGroup, listGroups } from "../lib/contacts/groups.ts";
import { createContact } from "../lib/contacts/contacts.ts";
import { importContacts, type ImportProgress } from "../lib/contacts/import.ts";
import { decodeImportBody } from "../lib/contacts/import_parse.ts";
import { listContacts } from "../lib/contacts/search.ts";
import { withKv } from "./helpers/kv.ts";

const fixture = (name: string) =>
  Deno.readTextFile(new URL(`./fixtures/contacts/${name}`, import.meta.url));

async function all(kv: Deno.Kv, owner: string) {
  return (await listContacts(kv, owner, { limit: 200 })).contacts;
}

Deno.test("import: Google CSV (Given Name / Group Membership) with exact counts and error lines", async () => {
  await withKv(async (kv) => {
    const r = await importContacts(
      kv,
      "u1",
      await fixture("google.csv"),
      "csv",
    );
    assert.deepEqual(r.errors.map((e) => e.line), [5]);
    assert.match(r.errors[0].message, /^email: /);
    assert.deepEqual([r.imported, r.updated, r.skipped], [4, 0, 0]);
    const ana = (await findContactByEmail(kv, "u1", "ana.lima@example.org"))!;
    assert.equal(ana.name, "Ana Lima");
    assert.deepEqual(ana.emails, [
      { label: "Home", value: "ana@example.com" },
      { label: "Home", value: "ana.lima@example.org" },
    ]);
    assert.equal(ana.company, "Lima & Filhos, Ltda");
    assert.equal(ana.title, "Owner");
    assert.equal(ana.phone, "+55 11 99999-0000");
    const bob = (await findContactByEmail(kv, "u1", "BOB@stone.example"))!;
    assert.equal(bob.notes, 'Met at the fair, 2024\nLikes "tea"');
    const groups = await listGroups(kv, "u1");
    assert.deepEqual(groups.map((g) => g.name), ["Friends", "starred", "Work"]);
    const friends = groups.find((g) => g.name === "Friends")!;
    assert.deepEqual(ana.groups.length, 2);
    assert.ok(bob.groups.includes(friends.id));
  });
});

Deno.test("import: Google CSV (First Name / Labels), re-import creates no duplicates", async () => {
  await withKv(async (kv) => {
    const text = await fixture("google_labels.csv");
    const progress: ImportProgress[] = [];
    const r = await importContacts(kv, "u1", text, "csv", {
      onProgress: (p) => void progress.push(p),
    });
    assert.deepEqual(r.errors.map((e) => e.line), [3, 7]);
    assert.deepEqual([r.imported, r.updated, r.skipped], [2, 0, 0]);
    assert.deepEqual(progress.at(-1), { done: 2, total: 2 });
    const fiona = (await findContactByEmail(kv, "u1", "fiona@corp.example"))!;
    assert.equal(fiona.name, "Fiona M. Gallagher");
    assert.equal(fiona.emails[1].label, "Work"); // labels kept as written
    const hana = (await findContactByEmail(kv, "u1", "hana@例え.jp"))!;
    assert.equal(hana.notes, "multi\nline\nnote");
    const again = await importContacts(kv, "u1", text, "csv");
    assert.deepEqual([again.imported, again.updated, again.skipped], [0, 0, 2]);
    assert.equal((await all(kv, "u1")).length, 2);
    assert.deepEqual((await listGroups(kv, "u1")).map((g) => g.name), [
      "Family",
      "Neighbours",
    ]);
  });
});

Deno.test("import: generic ';' CSV with BOM, quoted new lines, and a changed row counts as updated", async () => {
  await withKv(async (kv) => {
    const text = await fixture("generic_semicolon.csv");
    const parsed = parseContactsCsv(text);
    assert.equal(parsed.delimiter, ";");
    assert.deepEqual(parsed.mapping, [
      "name",
      "email",
      "phone",
      "company",
      "notes",
      "groups",
    ]);
    const r = await importContacts(kv, "u1", text, "csv");
    assert.deepEqual(r.errors.map((e) => e.line), [6]);
    assert.deepEqual([r.imported, r.updated, r.skipped], [3, 0, 0]);
    const ivy = (await findContactByEmail(kv, "u1", "ivy@example.com"))!;
    assert.equal(ivy.company, "Chen; Partners");
    assert.equal(ivy.notes, "two\nlines");
    assert.equal(
      (await findContactByEmail(kv, "u1", "lena@example.com"))!.notes,
      "=1+2",
    );
    const changed = text.replace(
      "Jack Brown;jack@example.com;;Acme",
      "Jack Brown;JACK@EXAMPLE.COM;;Acme Inc",
    );
    const again = await importContacts(kv, "u1", changed, "csv");
    // Addresses compare case-insensitively (local part too): the same contact.
    assert.deepEqual([again.imported, again.updated, again.skipped], [0, 1, 2]);
    const changed2 = text.replace("Acme;", "Acme Inc;");
    const third = await importContacts(kv, "u1", changed2, "csv");
    // Already "Acme Inc" from the case-variant row above: nothing changes.
    assert.deepEqual([third.imported, third.updated, third.skipped], [0, 0, 3]);
    assert.equal(
      (await findContactByEmail(kv, "u1", "jack@example.com"))!.company,
      "Acme Inc",
    );
  });
});

Deno.test("import: vCard 3.0 and 4.0 with folded lines; a bad card is reported by its line", async () => {
  await withKv(async (kv) => {
    const r = await importContacts(
      kv,
      "u1",
      await fixture("cards.vcf"),
      "vcard",
    );
    assert.deepEqual(r.errors.map((e) => e.line), [21]);
    assert.deepEqual([r.imported, r.updated, r.skipped], [3, 0, 0]);
    const mia = (await findContactByEmail(kv, "u1", "mia@example.com"))!;
    assert.equal(mia.company, "Wong Design");
    assert.equal(mia.notes, "Prefers email, not calls");
    assert.equal(mia.familyName, "Wong");
    assert.equal(mia.emails[0].label, "WORK"); // as written, INTERNET dropped
    const noah = (await findContactByEmail(kv, "u1", "noah@work.example"))!;
    assert.equal(noah.phone, "+46-8-123-456");
    assert.ok(await findContactByEmail(kv, "u1", "pia@example.com"));
    assert.deepEqual((await listGroups(kv, "u1")).map((g) => g.name), [
      "Clients",
      "Design",
    ]);
  });
});

Deno.test("export: CSV escapes formulas and round-trips into a fresh book; vCard too", async () => {
  await withKv(async (kv) => {
    await importContacts(kv, "u1", await fixture("google.csv"), "csv");
    await importContacts(kv, "u1", await fixture("cards.vcf"), "vcard");
    await importContacts(
      kv,
      "u1",
      'name,email,company,notes\n"=HYPERLINK(""http://x"")",evil@example.com,+cmd,"@SUM(A1)\n-2"\n',
      "csv",
    );
    await createGroup(kv, "u1", "Smith, Jones & Co");
    const sj = (await listGroups(kv, "u1")).find((g) =>
      g.name.startsWith("Smith")
    )!;
    await createContact(kv, "u1", { name: "Comma Group", groups: [sj.id] });
    const csv = await exportContacts(kv, "u1", "csv");
    assert.ok(csv.body.startsWith("\uFEFFFirst Name,Middle Name,Last Name,"));
    assert.ok(csv.body.includes('"\'=HYPERLINK(""http://x"")"'));
    assert.ok(csv.body.includes(",'+cmd,"));
    assert.ok(csv.body.includes('"\'@SUM(A1)\n-2"'));
    assert.ok(
      !/\r\n/.test(csv.body.replace(/\r\n/g, "")),
      "rows end with CRLF",
    );
    const before = await all(kv, "u1");
    const strip = (cs: typeof before) =>
      cs.map(({ id: _i, createdAt: _c, updatedAt: _u, groups, ...rest }) => ({
        ...rest,
        groups: groups.length,
      }));
    for (
      const [format, body] of [["csv", csv.body], [
        "vcard",
        (await exportContacts(kv, "u1", "vcard")).body,
      ]] as const
    ) {
      const owner = `fresh-${format}`;
      const r = await importContacts(kv, owner, body, format);
      assert.deepEqual(r.errors, []);
      assert.equal(r.imported, before.length);
      assert.deepEqual(strip(await all(kv, owner)), strip(before));
      const again = await importContacts(kv, owner, body, format);
      assert.deepEqual([again.imported, again.updated, again.skipped], [
        0,
        0,
        before.length,
      ]);
    }
  });
});

Deno.test("import: binary garbage and header-less files are refused before anything is written", async () => {
  assert.throws(
    () => decodeImportBody(new Uint8Array([0xff, 0xfe, 0x00, 0x41])),
    /not UTF-8|binary/,
  );
  assert.throws(
    () => decodeImportBody(new Uint8Array([0x41, 0x00, 0x42])),
    /binary/,
  );
  await withKv(async (kv) => {
    await assert.rejects(
      importContacts(kv, "u1", "foo,bar\n1,2\n", "csv"),
      /No known column/,
    );
    await assert.rejects(
      importContacts(kv, "u1", "hello world", "vcard"),
      /No vCard/,
    );
    assert.equal((await all(kv, "u1")).length, 0);
  });
});

Deno.test("import: a batch that cannot be stored stops the import with a report of what was stored", async () => {
  await withKv(async (kv) => {
    const lines = ["name,email"];
    for (let i = 0; i < 10; i++) lines.push(`P${i},p${i}@x.co`);
    lines.push(
      `A very long name with many many different words in it,long@x.co`,
    ); // line 12
    lines.push("Q,q@x.co");
    const r = await importContacts(kv, "u1", lines.join("\n"), "csv", {
      maxMutations: 12,
    });
    assert.equal(r.imported, 10);
    assert.deepEqual(r.errors.map((e) => e.line), [12]);
    assert.match(r.errors[0].message, /line 12 on were not saved/);
    const stored = await all(kv, "u1");
    assert.equal(stored.length, 10);
    assert.ok(
      !stored.some((c) => c.name === "Q"),
      "nothing after the failed batch is written",
    );
  });
});
