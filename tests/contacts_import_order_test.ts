import assert from "node:assert/strict";
import { createContact, findContactByEmail } from "../lib/contacts/contacts.ts";
import { importContacts } from "../lib/contacts/import.ts";
import { placeRows } from "../lib/contacts/import_order.ts";
import { listContacts } from "../lib/contacts/search.ts";
import { assertConsistentBook } from "./helpers/contacts_book.ts";
import { withKv } from "./helpers/kv.ts";

Deno.test("import order: rows are placed by name, rows that can reach one contact keep their file order", () => {
  const e = (x: string) => `contact_email\u0000${x}`;
  const rows = ["zed", "amy", "zed again", "bob (no email)", "al (no email)"];
  const placements = [
    { keys: [e("z@x")], sort: "zed" },
    { keys: [e("a@x")], sort: "amy" },
    { keys: [e("z@x")], sort: "aaa" }, // same address as row 0: stays after it
    { keys: [], sort: "bob" },
    { keys: [], sort: "al" }, // rows without email keep their order
  ];
  assert.deepEqual(placeRows(rows, placements, new Map()), [
    "amy",
    "bob (no email)",
    "al (no email)",
    "zed",
    "zed again",
  ]);
  // Two addresses of one stored contact: those rows keep their order too.
  const known = new Map([[e("m@x"), "C1"], [e("n@x"), "C1"]]);
  assert.deepEqual(
    placeRows(["first", "other", "second"], [
      { keys: [e("m@x")], sort: "zz" },
      { keys: [e("o@x")], sort: "mm" },
      { keys: [e("n@x")], sort: "aa" },
    ], known),
    ["other", "first", "second"],
  );
});

Deno.test("import order: a big import with repeated addresses merges as in file order (later rows win)", async () => {
  await withKv(async (kv) => {
    const stored = await createContact(kv, "u1", {
      name: "Stored Person",
      emails: [{ label: "", value: "s1@x.example" }, {
        label: "",
        value: "s2@x.example",
      }],
    });
    const lines = ["name,email,notes"];
    for (let i = 0; i < 1500; i++) {
      lines.push(
        `${String.fromCharCode(122 - (i % 26))}name ${i},p${i}@x.example,`,
      );
    }
    // Same address, names sorting the other way round: the later row wins.
    lines.push("Zulu First,dup@x.example,first");
    lines.push("Alpha Second,dup@x.example,second");
    // Two addresses of one stored contact.
    lines.push("Yankee,s1@x.example,by s1");
    lines.push("Bravo,s2@x.example,by s2");
    const r = await importContacts(kv, "u1", lines.join("\n"), "csv");
    assert.deepEqual(r.errors, []);
    assert.equal(r.imported, 1501);
    assert.equal(r.updated, 3);
    const dup = (await findContactByEmail(kv, "u1", "dup@x.example"))!;
    assert.equal(dup.name, "Alpha Second");
    assert.equal(dup.notes, "second");
    const s = (await findContactByEmail(kv, "u1", "s1@x.example"))!;
    assert.equal(s.id, stored.id);
    assert.equal(s.name, "Bravo");
    assert.equal(s.notes, "by s2");
    assert.equal(await assertConsistentBook(kv, "u1"), 1502);
    // Search answers in the order contacts were added: the stored one,
    // then the import's in the order it wrote them (by name).
    const page = await listContacts(kv, "u1", { q: "x example", limit: 3 });
    assert.deepEqual(page.contacts.map((c) => c.name), [
      "Bravo",
      "aname 1013",
      "aname 103",
    ]);
  });
});

Deno.test("import order: a big import that stops says how many rows were not saved", async () => {
  await withKv(async (kv) => {
    const lines = ["name,email"];
    for (let i = 0; i < 1200; i++) lines.push(`Person ${i},p${i}@x.example`);
    const words = Array.from({ length: 20 }, (_, i) => `w${i}`).join(" ");
    lines.push(`Aaa ${words},long@x.example`); // sorts first, cannot fit
    const r = await importContacts(kv, "u1", lines.join("\n"), "csv", {
      maxMutations: 12,
    });
    assert.equal(r.imported, 0);
    assert.equal(r.errors.length, 1);
    assert.equal(r.errors[0].line, 1202);
    assert.match(r.errors[0].message, /This row and 1200 more were not saved/);
    assert.equal(await assertConsistentBook(kv, "u1"), 0);
  });
});
