import assert from "node:assert/strict";
import {
  createContact,
  deleteContact,
  findContactByEmail,
  getContact,
  updateContact,
} from "../lib/contacts/contacts.ts";
import {
  createGroup,
  deleteGroup,
  listGroupMembers,
  listGroups,
  renameGroup,
} from "../lib/contacts/groups.ts";
import { listContacts } from "../lib/contacts/search.ts";
import { emailProblem, normalizeEmail } from "../lib/contacts/email.ts";
import { validateContact } from "../lib/contacts/validate.ts";
import type { AppError } from "../lib/errors.ts";
import { withKv } from "./helpers/kv.ts";

async function rejects(p: Promise<unknown>, status: number, field?: string) {
  try {
    await p;
  } catch (err) {
    const e = err as AppError;
    assert.equal(e.status, status, String(err));
    if (field) assert.ok(e.fields?.[field], JSON.stringify(e.fields));
    return e;
  }
  assert.fail("expected an error");
}

Deno.test("contacts: email validation follows RFC 5321 limits and accepts IDN domains", () => {
  assert.equal(emailProblem("jane@example.com"), null);
  assert.equal(emailProblem("jane.o'neil+news@sub.example.co.uk"), null);
  assert.equal(emailProblem("anna@bücher.de"), null);
  assert.equal(emailProblem("用户@例子.中国"), null);
  assert.equal(emailProblem(`${"a".repeat(64)}@example.com`), null);
  assert.match(emailProblem(`${"a".repeat(65)}@example.com`)!, /64/);
  const label = "b".repeat(63);
  assert.equal(emailProblem(`a@${label}.com`), null);
  assert.ok(emailProblem(`a@${"b".repeat(64)}.com`));
  const longDomain = [label, label, label, "c".repeat(57), "com"].join(".");
  assert.ok(emailProblem(`a@${longDomain}`)); // 253+ octets
  const total = `${"a".repeat(64)}@${
    [label, label, label, "d".repeat(58)].join(".")
  }`;
  assert.equal(total.length, 64 + 1 + 63 * 3 + 3 + 58);
  assert.match(emailProblem(total)!, /254/);
  for (
    const bad of [
      "",
      "plain",
      "@x.com",
      "a@",
      "a@b",
      "a..b@x.com",
      "a b@x.com",
      "a@x..com",
      "a@-x.com",
      "a@1.2.3.4",
      "a@[127.0.0.1]",
    ]
  ) {
    assert.ok(emailProblem(bad), bad);
  }
  assert.equal(normalizeEmail("  Jane@EXAMPLE.com "), "jane@example.com");
  assert.equal(normalizeEmail("a@BÜCHER.de"), "a@xn--bcher-kva.de");
});

Deno.test("contacts: validation reports every bad field and keeps phone text", () => {
  try {
    validateContact({
      email: "nope",
      phone: "call me",
      notes: "x".repeat(10_001),
      emails: ["ok@x.com", "bad@"],
    });
    assert.fail("should throw");
  } catch (err) {
    const e = err as AppError;
    assert.equal(e.status, 400);
    assert.equal(e.code, "invalid_contact");
    assert.deepEqual(Object.keys(e.fields!).sort(), [
      "email",
      "emails.2",
      "notes",
      "phone",
    ]);
  }
  const c = validateContact({
    givenName: " Jane ",
    familyName: "Doe",
    phone: "+1 (555) 010-9999 ext. 4",
  });
  assert.equal(c.name, "Jane Doe");
  assert.equal(c.phone, "+1 (555) 010-9999 ext. 4");
  assert.throws(() => validateContact({}), /name/);
});

Deno.test("contacts: CRUD is scoped to the owner and dedupes by normalised email", async () => {
  await withKv(async (kv) => {
    const c = await createContact(kv, "u1", {
      name: "Jane Doe",
      email: "Jane@Example.COM",
      company: "Acme",
    });
    assert.equal(c.email, "Jane@Example.COM");
    assert.deepEqual(await getContact(kv, "u1", c.id), c);
    await rejects(getContact(kv, "u2", c.id), 404);
    await rejects(updateContact(kv, "u2", c.id, { name: "x" }), 404);
    await rejects(deleteContact(kv, "u2", c.id), 404);
    const dup = await rejects(
      createContact(kv, "u1", { name: "J", email: " Jane@example.com" }),
      409,
      "email",
    );
    assert.equal(dup.code, "duplicate_email");
    // The same address in another book is fine.
    await createContact(kv, "u2", { name: "Jane", email: "jane@example.com" });
    const up = await updateContact(kv, "u1", c.id, {
      email: "jd@example.org",
      title: "CEO",
    });
    assert.equal(up.email, "jd@example.org");
    assert.equal(up.title, "CEO");
    assert.equal(up.createdAt, c.createdAt);
    assert.equal(await findContactByEmail(kv, "u1", "jane@example.com"), null);
    assert.equal(
      (await findContactByEmail(kv, "u1", "jd@EXAMPLE.org"))?.id,
      c.id,
    );
    // The freed address can be used again.
    await createContact(kv, "u1", { name: "Other", email: "jane@example.com" });
    await deleteContact(kv, "u1", c.id);
    await rejects(getContact(kv, "u1", c.id), 404);
    const left = [];
    for await (const e of kv.list({ prefix: [] })) left.push(e.key);
    assert.ok(
      !left.some((k) => k.includes(c.id)),
      "no index entry of a deleted contact is left",
    );
  });
});

Deno.test("groups: deleting a group keeps its contacts and removes the membership", async () => {
  await withKv(async (kv) => {
    const g = await createGroup(kv, "u1", "Friends");
    await rejects(createGroup(kv, "u1", " friends "), 409, "name");
    await rejects(createGroup(kv, "u1", ""), 400, "name");
    const other = await createGroup(kv, "u2", "Friends");
    await rejects(
      createContact(kv, "u1", { name: "X", groups: [other.id] }),
      400,
      "groups",
    );
    const ids = [];
    for (let i = 0; i < 40; i++) {
      ids.push(
        (await createContact(kv, "u1", {
          name: `P${i}`,
          email: `p${i}@x.com`,
          groups: [g.id],
        })).id,
      );
    }
    await createContact(kv, "u1", { name: "Outsider" });
    assert.equal((await listGroupMembers(kv, "u1", g.id)).length, 40);
    await rejects(listGroupMembers(kv, "u2", g.id), 404);
    const page = await listContacts(kv, "u1", { group: g.id, limit: 30 });
    assert.equal(page.contacts.length, 30);
    assert.ok(page.cursor);
    const page2 = await listContacts(kv, "u1", {
      group: g.id,
      limit: 30,
      cursor: page.cursor,
    });
    assert.equal(page2.contacts.length, 10);
    assert.equal(page2.cursor, "");
    await renameGroup(kv, "u1", g.id, "Pals");
    assert.deepEqual((await listGroups(kv, "u1")).map((x) => x.name), ["Pals"]);
    await rejects(renameGroup(kv, "u2", g.id, "Mine"), 404);
    await deleteGroup(kv, "u1", g.id);
    assert.deepEqual(await listGroups(kv, "u1"), []);
    for (const id of ids) {
      assert.deepEqual((await getContact(kv, "u1", id)).groups, []);
    }
    assert.equal((await listContacts(kv, "u1", {})).contacts.length, 41);
    assert.equal(
      (await listContacts(kv, "u1", { q: "p1" })).contacts.length,
      11,
    );
  });
});

Deno.test("search: prefix, case- and accent-insensitive over name, email, company and phone, paged", async () => {
  await withKv(async (kv) => {
    await createContact(kv, "u1", {
      name: "José Álvarez",
      email: "jose@correo.es",
      company: "Telefónica",
      phone: "+34 600 111 222",
    });
    await createContact(kv, "u1", {
      name: "Joseph Smith",
      email: "jsmith@acme.com",
      company: "Acme",
    });
    await createContact(kv, "u1", {
      name: "Anna Jones",
      email: "anna@jose-mail.com",
    });
    await createContact(kv, "u2", { name: "Jose Other" });
    const names = async (q: string) =>
      (await listContacts(kv, "u1", { q })).contacts.map((c) => c.name).sort((
        a,
        b,
      ) => a.localeCompare(b));
    assert.deepEqual(
      await names("JOS"),
      ["Anna Jones", "José Álvarez", "Joseph Smith"].sort((a, b) =>
        a.localeCompare(b)
      ),
    );
    assert.deepEqual(await names("jose alv"), ["José Álvarez"]);
    assert.deepEqual(await names("telefon"), ["José Álvarez"]);
    assert.deepEqual(await names("600111"), ["José Álvarez"]);
    assert.deepEqual(await names("600 111"), ["José Álvarez"]);
    assert.deepEqual(await names("acme.c"), ["Joseph Smith"]);
    assert.deepEqual(await names("jsmith@acme"), ["Joseph Smith"]);
    assert.deepEqual(await names("zzz"), []);
    // Paging: every match exactly once across pages.
    for (let i = 0; i < 25; i++) {
      await createContact(kv, "u1", {
        name: `Jo ${i}`,
        email: `jo${i}@jo.com`,
      });
    }
    const seen: string[] = [];
    let cursor = "";
    do {
      const page = await listContacts(kv, "u1", { q: "jo", limit: 7, cursor });
      seen.push(...page.contacts.map((c) => c.id));
      cursor = page.cursor;
    } while (cursor);
    assert.equal(seen.length, 28);
    assert.equal(new Set(seen).size, 28);
    await rejects(listContacts(kv, "u1", { limit: 0 }), 400);
    await rejects(listContacts(kv, "u1", { cursor: "garbage!!" }), 400);
  });
});

Deno.test("search: a small scan budget still pages through every match exactly once", async () => {
  await withKv(async (kv) => {
    for (let i = 0; i < 60; i++) {
      await createContact(kv, "u1", {
        name: `Sam ${i % 3 === 0 ? "Rare" : "Common"} ${i}`,
      });
    }
    const seen: string[] = [];
    let cursor = "";
    let calls = 0;
    do {
      const page = await listContacts(kv, "u1", {
        q: "sam rare",
        limit: 4,
        cursor,
        scanBudget: 7,
      });
      seen.push(...page.contacts.map((c) => c.name));
      cursor = page.cursor;
      calls++;
    } while (cursor && calls < 100);
    assert.equal(seen.length, 20);
    assert.equal(new Set(seen).size, 20);
    assert.ok(seen.every((n) => n.includes("Rare")));
  });
});

Deno.test("contacts: limits are enforced and PATCH keeps other emails when the primary changes", async () => {
  await withKv(async (kv) => {
    const nine = Array.from({ length: 9 }, (_, i) => `e${i}@x.example`);
    await rejects(
      createContact(kv, "u1", { name: "Many", emails: nine }),
      400,
      "emails",
    );
    await rejects(
      createContact(kv, "u1", { name: "x".repeat(201) }),
      400,
      "name",
    );
    await rejects(createContact(kv, "u1", { name: "Bell\u0007" }), 400, "name");
    await rejects(
      createContact(kv, "u1", { name: "P", phone: "1".repeat(65) }),
      400,
      "phone",
    );
    const c = await createContact(kv, "u1", {
      name: "Two",
      emails: [{ label: "work", value: "a@x.example" }, "b@x.example"],
    });
    const up = await updateContact(kv, "u1", c.id, { email: "c@x.example" });
    assert.deepEqual(up.emails, [{ label: "work", value: "c@x.example" }, {
      label: "",
      value: "b@x.example",
    }]);
    const cleared = await updateContact(kv, "u1", c.id, {
      email: null as unknown as string,
      company: "",
    });
    assert.deepEqual(cleared.emails.map((e) => e.value), ["b@x.example"]);
    assert.equal(cleared.company, undefined);
    await rejects(
      updateContact(kv, "u1", c.id, { name: "", emails: [], phones: [] }),
      400,
      "name",
    );
  });
});

Deno.test("contacts: a contact left with a deleted group's id (interrupted group delete) can still be edited", async () => {
  await withKv(async (kv) => {
    const g = await createGroup(kv, "u1", "Gone");
    const keep = await createGroup(kv, "u1", "Kept");
    const c = await createContact(kv, "u1", {
      name: "Stale",
      groups: [g.id, keep.id],
    });
    // Simulate a crash after the group record was deleted, before its members were cleaned.
    await kv.delete(["group", "u1", g.id]);
    const up = await updateContact(kv, "u1", c.id, { company: "Still here" });
    assert.equal(up.company, "Still here");
    assert.deepEqual(up.groups, [keep.id]);
    await rejects(
      updateContact(kv, "u1", c.id, { groups: [keep.id, "01NOTAGROUP"] }),
      400,
      "groups",
    );
  });
});
