import assert from "node:assert/strict";
import { createContact, findContactByEmail } from "../lib/contacts/contacts.ts";
import { escapeCell, parseContactsCsv } from "../lib/contacts/csv.ts";
import { csvHeader } from "../lib/contacts/csv_export.ts";
import { exportContacts } from "../lib/contacts/export.ts";
import { createGroup } from "../lib/contacts/groups.ts";
import { importContacts } from "../lib/contacts/import.ts";
import { listContacts } from "../lib/contacts/search.ts";
import { withKv } from "./helpers/kv.ts";

const GOOGLE_HEAD =
  "First Name,Middle Name,Last Name,Phonetic First Name,Phonetic Middle Name,Phonetic Last Name,Name Prefix,Name Suffix,Nickname,File As,Organization Name,Organization Title,Organization Department,Birthday,Notes,Photo,Labels,E-mail 1 - Label,E-mail 1 - Value,Phone 1 - Label,Phone 1 - Value,Address 1 - Label,Address 1 - Formatted,Address 1 - Street,Address 1 - City,Address 1 - PO Box,Address 1 - Region,Address 1 - Postal Code,Address 1 - Country,Address 1 - Extended Address,Website 1 - Label,Website 1 - Value";

/** A Google CSV row: the values by column name, the rest empty. */
function googleRow(values: Record<string, string>): string {
  return GOOGLE_HEAD.split(",").map((h) => {
    const v = values[h] ?? "";
    return /[",\n]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v;
  }).join(",");
}

Deno.test("csv import: a Google label cell '* Home ::: Other' is split per value and the starred value is primary", () => {
  const text = [
    GOOGLE_HEAD,
    googleRow({
      "First Name": "Ana",
      "E-mail 1 - Label": "Other ::: * Home",
      "E-mail 1 - Value": "ana@other.example ::: ana@home.example",
      "Phone 1 - Label": "* Mobile ::: Work",
      "Phone 1 - Value": "+1 555 0100 ::: +1 555 0199",
    }),
  ].join("\n");
  const r = parseContactsCsv(text);
  assert.deepEqual(r.errors, []);
  assert.deepEqual(r.rows[0].contact.emails, [
    { label: "Home", value: "ana@home.example" },
    { label: "Other", value: "ana@other.example" },
  ]);
  assert.deepEqual(r.rows[0].contact.phones, [
    { label: "Mobile", value: "+1 555 0100" },
    { label: "Work", value: "+1 555 0199" },
  ]);
});

Deno.test("csv import: a row with fewer fields than the header is an error with its line, not a contact", async () => {
  await withKv(async (kv) => {
    const r = await importContacts(
      kv,
      "u1",
      "name,email,phone,company\nAna,ana@example.com,+1 555,Acme\nBob,bob@example.com\n",
      "csv",
    );
    assert.equal(r.imported, 1);
    assert.deepEqual(r.errors.map((e) => e.line), [3]);
    assert.match(r.errors[0].message, /2 fields; the header has 4/);
    assert.equal(await findContactByEmail(kv, "u1", "bob@example.com"), null);
    // A trailing empty header cell needs no field.
    const t = await importContacts(
      kv,
      "u2",
      "name,email,\nCy,cy@x.example\n",
      "csv",
    );
    assert.deepEqual([t.imported, t.errors.length], [1, 0]);
  });
});

Deno.test("csv import: an invalid optional field keeps the row, drops the field and warns with the line", async () => {
  await withKv(async (kv) => {
    const text = [
      "name,email,phone,birthday,website,notes",
      "Ana,ana@example.com,call me maybe,1990-02-30,javascript:alert(1),hi",
      "Bob,bob@example.com,+1 555 0100,--05-17,bob.example,",
      "Cy,not-an-email,+1 555,,,",
    ].join("\n");
    const r = await importContacts(kv, "u1", text, "csv");
    assert.equal(r.imported, 2);
    assert.deepEqual(
      r.errors.map((e) => e.line),
      [4],
      "a bad email is still an error",
    );
    assert.deepEqual(r.warnings.map((w) => w.line), [2, 2, 2]);
    assert.ok(
      r.warnings.some((w) =>
        /^phone "call me maybe" was not imported/.test(w.message)
      ),
    );
    assert.ok(r.warnings.some((w) => /^birthday/.test(w.message)));
    assert.ok(r.warnings.some((w) => /^website/.test(w.message)));
    const ana = (await findContactByEmail(kv, "u1", "ana@example.com"))!;
    assert.deepEqual(ana.phones, []);
    assert.equal(ana.birthday, undefined);
    assert.equal(ana.website, undefined);
    assert.equal(ana.notes, "hi");
    const bob = (await findContactByEmail(kv, "u1", "bob@example.com"))!;
    assert.equal(bob.birthday, "--05-17");
    assert.equal(bob.website, "bob.example");
  });
});

Deno.test("csv import and export: Nickname, Birthday, Address and Website are kept, exported in Google's layout, and nickname is searchable", async () => {
  await withKv(async (kv) => {
    const g = await createGroup(kv, "u1", "Smith, Jones & Co");
    await createContact(kv, "u1", {
      name: "Dr. Ana Lima",
      givenName: "Ana",
      familyName: "Lima",
      nickname: "Aninha",
      birthday: "1990-05-17",
      address: "Rua A, 1\nSão Paulo",
      website: "https://ana.example/me",
      emails: [{ label: "Work", value: "ana@work.example" }],
      phones: [{ label: "Mobile, private", value: "+55 (11) 99999-0000" }],
      groups: [g.id],
    });
    const found = await listContacts(kv, "u1", { q: "anin" });
    assert.deepEqual(found.contacts.map((c) => c.nickname), ["Aninha"]);
    const csv = (await exportContacts(kv, "u1", "csv")).body;
    const [head, row] = csv.slice(1).split("\r\n");
    assert.equal(head, GOOGLE_HEAD);
    assert.deepEqual(head.split(","), csvHeader(1, 1));
    assert.ok(row.startsWith("Ana,,Lima,,,,,,Aninha,Dr. Ana Lima,"), row);
    assert.ok(row.includes(',* myContacts ::: ""') === false);
    assert.ok(row.includes(',"* myContacts ::: Smith, Jones & Co",Work,'));
    assert.ok(row.includes(",Mobile, private,") === false, "quoted");
    assert.ok(row.includes(',"Mobile, private",+55 (11) 99999-0000,'));
    const back = await importContacts(kv, "u2", csv, "csv");
    assert.deepEqual([back.imported, back.errors, back.warnings], [1, [], []]);
    const ana = (await findContactByEmail(kv, "u2", "ana@work.example"))!;
    assert.equal(ana.name, "Dr. Ana Lima");
    assert.equal(ana.nickname, "Aninha");
    assert.equal(ana.birthday, "1990-05-17");
    assert.equal(ana.address, "Rua A, 1\nSão Paulo");
    assert.equal(ana.website, "https://ana.example/me");
    assert.deepEqual(ana.emails, [{
      label: "Work",
      value: "ana@work.example",
    }]);
    assert.deepEqual(ana.phones, [
      { label: "Mobile, private", value: "+55 (11) 99999-0000" },
    ]);
  });
});

Deno.test("vcard export: every line ends in CRLF, labels are kept as written, and the new fields round-trip", async () => {
  await withKv(async (kv) => {
    await createContact(kv, "u1", {
      name: "Ana Lima",
      nickname: "Aninha",
      birthday: "--05-17",
      address: "Rua A, 1\nSão Paulo",
      website: "ana.example",
      notes: "a long note ".repeat(30) + "\nsecond line",
      emails: [{ label: "Work", value: "ana@work.example" }],
      phones: [{ label: "Mobile, private", value: "+55 11 99999-0000" }],
    });
    const vcf = (await exportContacts(kv, "u1", "vcard")).body;
    assert.ok(vcf.endsWith("END:VCARD\r\n"));
    assert.equal(/\n/.test(vcf.replaceAll("\r\n", "")), false, "no bare LF");
    assert.equal(/\r/.test(vcf.replaceAll("\r\n", "")), false, "no bare CR");
    assert.ok(vcf.includes("\r\n "), "long lines are folded with CRLF + space");
    const r = await importContacts(kv, "u2", vcf, "vcard");
    assert.deepEqual([r.imported, r.errors], [1, []]);
    const ana = (await findContactByEmail(kv, "u2", "ana@work.example"))!;
    assert.equal(ana.emails[0].label, "Work");
    assert.equal(ana.phones[0].label, "Mobile, private");
    assert.equal(ana.nickname, "Aninha");
    assert.equal(ana.birthday, "--05-17");
    assert.equal(ana.address, "Rua A, 1\nSão Paulo");
    assert.equal(ana.website, "ana.example");
    // A vCard 3.0 TYPE list is kept too (technical types dropped).
    const v3 = await importContacts(
      kv,
      "u3",
      "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Bo\r\nTEL;TYPE=Mobile,private,VOICE:+1 555\r\nBDAY:1980-01-02\r\nEND:VCARD\r\n",
      "vcard",
    );
    assert.equal(v3.imported, 1);
    const bo = (await listContacts(kv, "u3")).contacts[0];
    assert.equal(bo.phones[0].label, "Mobile, private");
    assert.equal(bo.birthday, "1980-01-02");
  });
});

Deno.test("csv export: formula escaping covers full-width and small = + - @, but not phone-like values", () => {
  const formula = [
    "=1+1",
    "+cmd",
    "-x",
    "@SUM(A1)",
    "\tx",
    "\rx",
    "\uFF1D1+1", // FULLWIDTH EQUALS SIGN
    "\uFF0Bcmd", // FULLWIDTH PLUS SIGN
    "\uFF0Dx", // FULLWIDTH HYPHEN-MINUS
    "\uFF20SUM(A1)", // FULLWIDTH COMMERCIAL AT
    "\uFE66x", // SMALL EQUALS SIGN
    "\uFE62x", // SMALL PLUS SIGN
    "\uFE63x", // SMALL HYPHEN-MINUS
    "\uFE6Bx", // SMALL COMMERCIAL AT
    "'=x",
    "+",
    "-",
    "+1+A1",
  ];
  for (const v of formula) {
    assert.equal(escapeCell(v), `'${v}`, JSON.stringify(v));
  }
  for (
    const v of [
      "+1 415-555-1035",
      "-5 55",
      "(555) 010-2000",
      "+44 (0)20 7946.0991",
      "1990-05-17",
      "Ana",
      "a=b",
    ]
  ) assert.equal(escapeCell(v), v, v);
  // Our importer drops the added quote again.
  for (const v of formula.slice(6, 14)) {
    const back = parseContactsCsv(`name,company\nA,${escapeCell(v)}\n`);
    assert.equal(back.rows[0].contact.company, v);
  }
});
