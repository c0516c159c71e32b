import assert from "node:assert/strict";
import { BookWrite } from "../lib/contacts/book_write.ts";
import {
  createContact,
  deleteContact,
  updateContact,
} from "../lib/contacts/contacts.ts";
import { createGroup, deleteGroup } from "../lib/contacts/groups.ts";
import { importContacts } from "../lib/contacts/import.ts";
import { contactEntries, contactTokens, revKey } from "../lib/contacts/keys.ts";
import {
  LAYOUT_MIGRATION,
  migrateContactsLayout,
} from "../lib/contacts/layout_migration.ts";
import type { Contact } from "../lib/contacts/model.ts";
import { validateContact } from "../lib/contacts/validate.ts";
import { listContacts } from "../lib/contacts/search.ts";
import { newId } from "../lib/ids.ts";
import { assertConsistentBook } from "./helpers/contacts_book.ts";
import { withKv } from "./helpers/kv.ts";
import { startServer } from "./helpers/server.ts";

const names = async (kv: Deno.Kv, q: string, owner = "u1") =>
  (await listContacts(kv, owner, { q, limit: 200 })).contacts.map((c) => c.name)
    .sort();

function csv(n: number, row: (i: number) => string): string {
  const lines = ["name,email,phone,company,groups,notes"];
  for (let i = 0; i < n; i++) lines.push(row(i));
  return lines.join("\n");
}

/** Counts the atomics committed while `fn` runs. */
async function countCommits<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const proto = Deno.AtomicOperation.prototype;
  const commit = proto.commit;
  let n = 0;
  proto.commit = function () {
    n++;
    return commit.call(this);
  };
  try {
    return [await fn(), n];
  } finally {
    proto.commit = commit;
  }
}

Deno.test("contacts layout: an imported contact owns a few keys, written in few large atomics", async () => {
  await withKv(async (kv) => {
    const text = csv(
      2000,
      (i) =>
        `Ana Lima ${i},ana.${i}@acme.example,+1 555 ${i},Acme,${
          i % 2 ? "Team" : ""
        },`,
    );
    const [r, commits] = await countCommits(() =>
      importContacts(kv, "u1", text, "csv")
    );
    assert.equal(r.imported, 2000);
    let keys = 0;
    for await (const _ of kv.list({ prefix: [] })) keys++;
    // record, email, sort key, half a group key, and shared index shards
    assert.ok(keys / 2000 < 5, `${keys / 2000} keys per contact`);
    assert.ok(commits <= 20, `${commits} commits for 2,000 rows`);
    assert.equal(await assertConsistentBook(kv, "u1"), 2000);
    assert.deepEqual(await names(kv, "ana 1999"), ["Ana Lima 1999"]);
    assert.equal(
      (await listContacts(kv, "u1", { q: "acme" })).contacts.length,
      50,
    );
  });
});

Deno.test("import: rows with long notes import in batches sized by bytes (60 × 30 KB, 200 × 10,000 characters)", async () => {
  await withKv(async (kv) => {
    // "€" is 3 bytes in UTF-8 and 2 in KV's serialisation: 30 KB per note.
    const wide = "€".repeat(10_000);
    const r1 = await importContacts(
      kv,
      "u1",
      csv(60, (i) => `Wide ${i},wide${i}@x.example,,,,${wide}`),
      "csv",
    );
    assert.deepEqual(r1.errors, []);
    assert.equal(r1.imported, 60);
    const long = "n".repeat(10_000);
    const r2 = await importContacts(
      kv,
      "u1",
      csv(200, (i) => `Long ${i},long${i}@x.example,,,,${long}`),
      "csv",
    );
    assert.deepEqual(r2.errors, []);
    assert.equal(r2.imported, 200);
    // Updating them all (a changed note each) must fit as well.
    const r3 = await importContacts(
      kv,
      "u1",
      csv(200, (i) => `Long ${i},long${i}@x.example,,,,${wide}`),
      "csv",
    );
    assert.deepEqual(r3.errors, []);
    assert.equal(r3.updated, 200);
    assert.equal(await assertConsistentBook(kv, "u1"), 260);
    const c = (await listContacts(kv, "u1", { q: "long 199" })).contacts[0];
    assert.equal(c.notes, wide);
  });
});

Deno.test("contacts layout: edits, deletes, group deletes and re-imports keep the search index exact", async () => {
  await withKv(async (kv) => {
    const g = await createGroup(kv, "u1", "Team");
    const a = await createContact(kv, "u1", {
      name: "José Álvarez",
      email: "jose@correo.es",
      phone: "+34 600 111 222",
      groups: [g.id],
    });
    const b = await createContact(kv, "u1", { name: "Bea Ruiz" });
    await assertConsistentBook(kv, "u1");
    await updateContact(kv, "u1", a.id, {
      name: "Pepe Gómez",
      email: "pepe@correo.es",
      phone: "+34 700 333 444",
    });
    assert.deepEqual(await names(kv, "jose"), []);
    assert.deepEqual(await names(kv, "600"), []);
    assert.deepEqual(await names(kv, "gomez"), ["Pepe Gómez"]);
    assert.deepEqual(await names(kv, "333 444"), ["Pepe Gómez"]);
    await assertConsistentBook(kv, "u1");
    await deleteGroup(kv, "u1", g.id);
    await assertConsistentBook(kv, "u1");
    await deleteContact(kv, "u1", b.id);
    assert.deepEqual(await names(kv, "bea"), []);
    await assertConsistentBook(kv, "u1");
    // A re-import that changes an imported contact moves it to a new shard.
    await importContacts(kv, "u1", "name,email\nOld Name,o@x.example\n", "csv");
    await importContacts(kv, "u1", "name,email\nNew Name,o@x.example\n", "csv");
    assert.deepEqual(await names(kv, "old"), []);
    assert.deepEqual(await names(kv, "new"), ["New Name"]);
    // The same address twice in one file, in different batches.
    const text = csv(
      600,
      (i) => `Dup ${i % 300},dup${i % 300}@x.example,,,,note ${i}`,
    );
    const r = await importContacts(kv, "u1", text, "csv", {
      maxMutations: 100,
    });
    assert.equal(r.imported, 300);
    assert.equal(r.updated, 300);
    assert.equal(await assertConsistentBook(kv, "u1"), 302);
  });
});

Deno.test("contacts layout: a concurrent write during an import is kept and the book stays consistent", async () => {
  await withKv(async (kv) => {
    const text = csv(3000, (i) => `Row ${i},row${i}@x.example,,,,`);
    const importing = importContacts(kv, "u1", text, "csv", {
      maxMutations: 200,
    });
    const made: string[] = [];
    for (let i = 0; i < 20; i++) {
      made.push((await createContact(kv, "u1", { name: `Side ${i}` })).id);
    }
    const r = await importing;
    assert.equal(r.imported, 3000);
    assert.equal(await assertConsistentBook(kv, "u1"), 3020);
    assert.equal((await names(kv, "side")).length, 20);
  });
});

/** Writes contacts the way the layout before token shards did. */
async function writeOldLayout(kv: Deno.Kv, owner: string, n: number) {
  for (let i = 0; i < n; i++) {
    const now = new Date().toISOString();
    const c: Contact = {
      id: newId(),
      ...validateContact({
        name: `Old ${i} Müller`,
        email: `old${i}@legacy.example`,
        phone: `+49 30 ${1000 + i}`,
      }),
      createdAt: now,
      updatedAt: now,
    };
    const op = kv.atomic();
    for (const e of contactEntries(owner, c)) op.set(e.key, e.value);
    const tokens = contactTokens(c);
    tokens.forEach((t, j) =>
      op.set(["contact_search", owner, t, c.id], j ? tokens[j - 1] : "")
    );
    op.set(revKey(owner), i + 1);
    await op.commit();
  }
}

Deno.test("contacts migration: books of the per-token layout are indexed at start, resumably", async () => {
  await withKv(async (kv) => {
    await writeOldLayout(kv, "u1", 70);
    await writeOldLayout(kv, "u2", 5);
    // An interrupted earlier run: part of u1's book indexed already.
    const some = await Array.fromAsync(
      kv.list<Contact>({ prefix: ["contact", "u1"] }, { limit: 25 }),
    );
    const write = new BookWrite(kv, "u1");
    for (const e of some) write.reindex(e.value, "01PARTIALSHARD");
    const op = kv.atomic();
    await write.stage(op);
    await op.commit();

    const report = await migrateContactsLayout(kv);
    assert.equal(report.indexed, 50);
    assert.ok(report.deleted > 70 * 5);
    assert.ok((await kv.get(LAYOUT_MIGRATION)).value);
    assert.equal(await assertConsistentBook(kv, "u1"), 70);
    assert.equal(await assertConsistentBook(kv, "u2"), 5);
    assert.deepEqual(await names(kv, "old 69 mull"), ["Old 69 Müller"]);
    assert.deepEqual(await names(kv, "301069"), ["Old 69 Müller"]);
    assert.deepEqual(await names(kv, "old", "u2"), [
      "Old 0 Müller",
      "Old 1 Müller",
      "Old 2 Müller",
      "Old 3 Müller",
      "Old 4 Müller",
    ]);
    // Edits after the migration keep the index exact; a second run is a no-op.
    const [first] = (await listContacts(kv, "u1", { q: "old 0 " })).contacts;
    await updateContact(kv, "u1", first.id, { name: "Renamed Person" });
    assert.deepEqual(await names(kv, "renamed"), ["Renamed Person"]);
    assert.deepEqual(await migrateContactsLayout(kv), {
      indexed: 0,
      deleted: 0,
    });
    await assertConsistentBook(kv, "u1");
  });
});

Deno.test("contacts migration: runs when the server starts", async () => {
  const kv = await Deno.openKv(":memory:");
  try {
    await writeOldLayout(kv, "u1", 3);
    const server = await startServer({ kv });
    try {
      assert.ok((await kv.get(LAYOUT_MIGRATION)).value);
      assert.equal(await assertConsistentBook(kv, "u1"), 3);
    } finally {
      await server.close();
    }
  } finally {
    kv.close();
  }
});

Deno.test("contacts import: a SIGKILLed import leaves a consistent book", async () => {
  const dir = await Deno.makeTempDir();
  const path = `${dir}/book.kv`;
  try {
    const child = new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "-A",
        new URL("./fixtures/contacts/import_child.ts", import.meta.url)
          .pathname,
        path,
        "20000",
      ],
      stdout: "piped",
      stderr: "inherit",
    }).spawn();
    const reader = child.stdout.pipeThrough(new TextDecoderStream())
      .getReader();
    let out = "";
    while (!out.includes("batch\nbatch\nbatch")) {
      const { value, done } = await reader.read();
      if (done) break;
      out += value;
    }
    child.kill("SIGKILL");
    await child.status;
    await reader.cancel();
    assert.ok(!out.includes("done"), "killed before the end");
    const kv = await Deno.openKv(path);
    try {
      const n = await assertConsistentBook(kv, "u1");
      assert.ok(n > 0 && n < 20000, `${n} contacts stored`);
    } finally {
      kv.close();
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
