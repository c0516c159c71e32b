import assert from "node:assert/strict";
import { type Client, signedInClient } from "./helpers/client.ts";
import { startServer, type TestServer } from "./helpers/server.ts";

const fixture = (name: string) =>
  Deno.readTextFile(new URL(`./fixtures/contacts/${name}`, import.meta.url));

type Json = Record<string, unknown>;
type ContactJson = {
  id: string;
  name: string;
  email: string;
  phone?: string;
  company?: string;
  notes?: string;
  groups: string[];
};

async function withServer(
  fn: (s: TestServer, a: Client, b: Client) => Promise<void>,
  env?: Record<string, string>,
) {
  const server = await startServer({ env });
  try {
    const a = await signedInClient(server.url);
    const b = await signedInClient(server.url);
    await fn(server, a, b);
  } finally {
    await server.close();
  }
}

async function importFile(c: Client, body: string, type: string) {
  return await c.json<Json>("/api/contacts/import", {
    method: "POST",
    body,
    headers: { "content-type": type },
  });
}

async function listAll(c: Client, query = "") {
  const out: ContactJson[] = [];
  let cursor = "";
  do {
    const sep = query ? "&" : "";
    const r = await c.json<{ contacts: ContactJson[]; cursor: string }>(
      `/api/contacts?${query}${sep}limit=200&cursor=${
        encodeURIComponent(cursor)
      }`,
    );
    assert.equal(r.status, 200);
    out.push(...r.body.contacts);
    cursor = r.body.cursor;
  } while (cursor);
  return out;
}

Deno.test("contacts http: CRUD with field errors, and another user's contact is 404", async () => {
  await withServer(async (_s, a, b) => {
    const bad = await a.json<{ error: Json & { fields: Json } }>(
      "/api/contacts",
      {
        json: { name: "X", email: "x@", phone: "none" },
      },
    );
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error.code, "invalid_contact");
    assert.deepEqual(Object.keys(bad.body.error.fields).sort(), [
      "email",
      "phone",
    ]);
    const made = await a.json<ContactJson>("/api/contacts", {
      json: {
        name: "Jane Doe",
        email: "jane@Example.com",
        phone: "+1 555 0100",
        company: "Acme",
      },
    });
    assert.equal(made.status, 201);
    const id = made.body.id;
    assert.equal(made.body.email, "jane@Example.com");
    const dup = await a.json<{ error: Json }>("/api/contacts", {
      json: { name: "J2", email: "jane@example.COM" },
    });
    assert.equal(dup.status, 409);
    assert.equal(dup.body.error.code, "duplicate_email");
    assert.equal(
      (await a.json<ContactJson>(`/api/contacts/${id}`)).body.name,
      "Jane Doe",
    );
    const patched = await a.json<ContactJson>(`/api/contacts/${id}`, {
      method: "PATCH",
      json: { company: "Globex" },
    });
    assert.equal(patched.status, 200);
    assert.equal(patched.body.company, "Globex");
    assert.equal(patched.body.email, "jane@Example.com");
    const badPatch = await a.json<{ error: Json }>(`/api/contacts/${id}`, {
      method: "PATCH",
      json: { email: "nope" },
    });
    assert.equal(badPatch.status, 400);
    assert.equal(
      (await a.json<ContactJson>(`/api/contacts/${id}`)).body.email,
      "jane@Example.com",
    );
    // Isolation: b sees nothing of a's.
    for (const method of ["GET", "PATCH", "DELETE"]) {
      const r = await b.json<{ error: Json }>(`/api/contacts/${id}`, {
        method,
        json: method === "PATCH" ? { name: "Mine" } : undefined,
      });
      assert.equal(r.status, 404, method);
      assert.equal(r.body.error.code, "not_found");
    }
    assert.deepEqual((await b.json<Json>("/api/contacts")).body, {
      contacts: [],
      cursor: "",
    });
    assert.equal(
      (await b.json<Json>("/api/contacts?q=jane")).body.contacts instanceof
        Array,
      true,
    );
    assert.equal(
      (await b.json<{ contacts: [] }>("/api/contacts?q=jane")).body.contacts
        .length,
      0,
    );
    const del = await a.fetch(`/api/contacts/${id}`, { method: "DELETE" });
    assert.equal(del.status, 204);
    assert.equal((await a.json(`/api/contacts/${id}`)).status, 404);
    const anon = await fetch(`${a.base}/api/contacts`);
    assert.equal(anon.status, 401);
    await anon.body?.cancel();
    const crossSite = await a.json("/api/contacts", {
      json: { name: "X" },
      origin: "https://evil.example",
    });
    assert.equal(crossSite.status, 403);
  });
});

Deno.test("contacts http: groups filter the list; deleting a group keeps its contacts; other users get 404", async () => {
  await withServer(async (_s, a, b) => {
    const g = (await a.json<Json & { id: string }>("/api/groups", {
      json: { name: "Team" },
    })).body;
    assert.equal(
      (await a.json("/api/groups", { json: { name: "team" } })).status,
      409,
    );
    assert.equal(
      (await a.json("/api/groups", { json: { name: "" } })).status,
      400,
    );
    for (let i = 0; i < 5; i++) {
      await a.json("/api/contacts", {
        json: { name: `Member ${i}`, email: `m${i}@t.example`, groups: [g.id] },
      });
    }
    await a.json("/api/contacts", {
      json: { name: "Loner", email: "l@t.example" },
    });
    assert.equal((await listAll(a, `group=${g.id}`)).length, 5);
    assert.equal((await listAll(a)).length, 6);
    assert.deepEqual(
      (await listAll(a, `group=${g.id}&q=member%203`)).map((c) => c.name),
      ["Member 3"],
    );
    assert.deepEqual(await listAll(a, `group=${g.id}&q=loner`), []);
    const renamed = await a.json<Json>(`/api/groups/${g.id}`, {
      method: "PATCH",
      json: { name: "Core team" },
    });
    assert.equal(renamed.body.name, "Core team");
    assert.deepEqual(
      (await a.json<{ groups: Json[] }>("/api/groups")).body.groups.map((x) =>
        x.name
      ),
      ["Core team"],
    );
    assert.equal(
      (await b.json(`/api/groups/${g.id}`, {
        method: "PATCH",
        json: { name: "Mine" },
      })).status,
      404,
    );
    assert.equal(
      (await b.json(`/api/groups/${g.id}`, { method: "DELETE" })).status,
      404,
    );
    assert.equal((await b.json(`/api/contacts?group=${g.id}`)).status, 404);
    assert.equal(
      (await b.json("/api/contacts", { json: { name: "X", groups: [g.id] } }))
        .status,
      400,
    );
    assert.equal(
      (await a.fetch(`/api/groups/${g.id}`, { method: "DELETE" })).status,
      204,
    );
    const left = await listAll(a);
    assert.equal(left.length, 6);
    assert.ok(left.every((c) => c.groups.length === 0));
    assert.equal((await a.json(`/api/contacts?group=${g.id}`)).status, 404);
  });
});

Deno.test("contacts http: search is prefix and case-insensitive over name, email, company, phone, with cursor paging", async () => {
  await withServer(async (_s, a) => {
    await a.json("/api/contacts", {
      json: {
        name: "Zoë Quinn",
        email: "zq@quasar.example",
        company: "Quasar Labs",
        phone: "+44 20 7946 0991",
      },
    });
    for (let i = 0; i < 23; i++) {
      await a.json("/api/contacts", {
        json: {
          name: `Pat ${String(i).padStart(2, "0")}`,
          email: `pat${i}@corp.example`,
        },
      });
    }
    const q = async (s: string) =>
      (await listAll(a, `q=${encodeURIComponent(s)}`)).map((c) => c.name);
    assert.deepEqual(await q("ZOE"), ["Zoë Quinn"]);
    assert.deepEqual(await q("quas"), ["Zoë Quinn"]);
    assert.deepEqual(await q("zq@quasar"), ["Zoë Quinn"]);
    assert.deepEqual(await q("7946 09"), ["Zoë Quinn"]);
    assert.deepEqual(await q("20794"), ["Zoë Quinn"]);
    assert.deepEqual(await q("uinn"), [], "not a substring search");
    const p1 = await a.json<{ contacts: ContactJson[]; cursor: string }>(
      "/api/contacts?q=pat&limit=10",
    );
    assert.equal(p1.body.contacts.length, 10);
    assert.ok(p1.body.cursor);
    const all = await q("PAT");
    assert.equal(all.length, 23);
    assert.equal(new Set(all).size, 23);
    const plain = await a.json<{ contacts: ContactJson[]; cursor: string }>(
      "/api/contacts?limit=5",
    );
    assert.deepEqual(plain.body.contacts.map((c) => c.name), [
      "Pat 00",
      "Pat 01",
      "Pat 02",
      "Pat 03",
      "Pat 04",
    ]);
    const next = await a.json<{ contacts: ContactJson[] }>(
      `/api/contacts?limit=5&cursor=${plain.body.cursor}`,
    );
    assert.equal(next.body.contacts[0].name, "Pat 05");
    assert.equal((await a.json("/api/contacts?limit=201")).status, 400);
    assert.equal((await a.json("/api/contacts?cursor=%%%bad")).status, 400);
  });
});

Deno.test("contacts http: both Google layouts and vCard import with exact counts and lines; re-import adds nothing", async () => {
  await withServer(async (_s, a) => {
    const google = await fixture("google.csv");
    const r1 = await importFile(a, google, "text/csv");
    assert.equal(r1.status, 200);
    assert.deepEqual(r1.body, {
      imported: 4,
      updated: 0,
      skipped: 0,
      errors: [{ line: 5, message: "email: The domain after @ is missing." }],
      warnings: [],
    });
    const labels = await importFile(
      a,
      await fixture("google_labels.csv"),
      "text/csv; charset=utf-8",
    );
    assert.deepEqual([
      labels.body.imported,
      labels.body.updated,
      labels.body.skipped,
    ], [2, 0, 0]);
    assert.deepEqual((labels.body.errors as Json[]).map((e) => e.line), [3, 7]);
    const cards = await importFile(a, await fixture("cards.vcf"), "text/vcard");
    assert.deepEqual([
      cards.body.imported,
      cards.body.updated,
      cards.body.skipped,
    ], [3, 0, 0]);
    assert.deepEqual((cards.body.errors as Json[]).map((e) => e.line), [21]);
    const generic = await importFile(
      a,
      await fixture("generic_semicolon.csv"),
      "text/csv",
    );
    assert.deepEqual([
      generic.body.imported,
      generic.body.updated,
      generic.body.skipped,
    ], [3, 0, 0]);
    assert.deepEqual((generic.body.errors as Json[]).map((e) => e.line), [6]);
    const total = (await listAll(a)).length;
    assert.equal(total, 12);
    const again = await importFile(a, google, "text/csv");
    assert.deepEqual([
      again.body.imported,
      again.body.updated,
      again.body.skipped,
    ], [0, 0, 4]);
    const vAgain = await importFile(
      a,
      await fixture("cards.vcf"),
      "text/x-vcard",
    );
    assert.deepEqual([
      vAgain.body.imported,
      vAgain.body.updated,
      vAgain.body.skipped,
    ], [0, 0, 3]);
    assert.equal((await listAll(a)).length, total);
    const groups = (await a.json<{ groups: Json[] }>("/api/groups")).body.groups
      .map((g) => g.name);
    assert.deepEqual(groups, [
      "Clients",
      "Design",
      "Family",
      "Friends",
      "Neighbours",
      "starred",
      "VIP",
      "Work",
    ]);
    const ana = (await listAll(a, "q=ana%20lima"))[0];
    assert.equal(ana.company, "Lima & Filhos, Ltda");
  });
});

Deno.test("contacts http: import streams progress lines then the report (application/x-ndjson)", async () => {
  await withServer(async (_s, a) => {
    const rows = ["name,email"];
    for (let i = 0; i < 300; i++) rows.push(`Person ${i},p${i}@bulk.example`);
    const res = await a.fetch("/api/contacts/import", {
      method: "POST",
      body: rows.join("\n"),
      headers: { "content-type": "text/csv", accept: "application/x-ndjson" },
    });
    assert.equal(res.status, 200);
    assert.match(res.headers.get("content-type")!, /ndjson/);
    const lines = (await res.text()).trim().split("\n").map((l) =>
      JSON.parse(l)
    );
    const progress = lines.filter((l) => l.type === "progress");
    assert.ok(
      progress.length >= 3,
      `several progress lines, got ${progress.length}`,
    );
    assert.deepEqual(progress[0], { type: "progress", done: 0, total: 300 });
    assert.deepEqual(progress.at(-1), {
      type: "progress",
      done: 300,
      total: 300,
    });
    for (let i = 1; i < progress.length; i++) {
      assert.ok(progress[i].done > progress[i - 1].done);
    }
    assert.deepEqual(lines.at(-1), {
      type: "report",
      imported: 300,
      updated: 0,
      skipped: 0,
      errors: [],
      warnings: [],
    });
  });
});

Deno.test("contacts http: oversize body is 413, binary garbage and unknown types are 4xx, nothing is written", async () => {
  await withServer(async (_s, a) => {
    const big = "name,email\n" + "x".repeat(2000) + "\n";
    const over = await importFile(a, big, "text/csv");
    assert.equal(over.status, 413);
    // A body streamed without Content-Length is cut off at the limit too.
    const stream = new ReadableStream({
      start(c) {
        c.enqueue(new TextEncoder().encode(big));
        c.close();
      },
    });
    const chunked = await a.json("/api/contacts/import", {
      method: "POST",
      body: stream,
      headers: { "content-type": "text/csv" },
    });
    assert.equal(chunked.status, 413);
    const garbage = new Uint8Array(512).map((_, i) => (i * 7919) % 256);
    const bin = await a.json<{ error: Json }>("/api/contacts/import", {
      method: "POST",
      body: garbage,
      headers: { "content-type": "text/csv" },
    });
    assert.equal(bin.status, 400);
    assert.equal(bin.body.error.code, "not_text");
    const noCols = await importFile(a, "foo,bar\n1,2\n", "text/csv");
    assert.equal(noCols.status, 400);
    const wrongType = await importFile(a, "name\nX\n", "application/json");
    assert.equal(wrongType.status, 415);
    assert.equal((await listAll(a)).length, 0);
  }, { MAX_IMPORT_BYTES: "1024" });
});

Deno.test("contacts http: export escapes formulas (CSV with BOM) and round-trips into a fresh user, CSV and vCard", async () => {
  await withServer(async (_s, a, b) => {
    const g =
      (await a.json<{ id: string }>("/api/groups", { json: { name: "Ops" } }))
        .body;
    await a.json("/api/contacts", {
      json: {
        name: "=cmd|' /C calc'!A0",
        email: "evil@x.example",
        company: "+SUM(1)",
        notes: '@here\n-minus, "quoted"',
        groups: [g.id],
      },
    });
    await a.json("/api/contacts", {
      json: {
        givenName: "Åsa",
        familyName: "Öberg",
        emails: [{ label: "work", value: "asa@firma.se" }, "asa@home.se"],
        phones: [{ label: "cell", value: "-5 55" }],
        title: "CTO",
      },
    });
    await importFile(a, await fixture("google.csv"), "text/csv");
    const csvRes = await a.fetch("/api/contacts/export?format=csv");
    assert.equal(csvRes.status, 200);
    assert.match(csvRes.headers.get("content-type")!, /^text\/csv/);
    assert.match(
      csvRes.headers.get("content-disposition")!,
      /attachment; filename="contacts.csv"/,
    );
    const bytes = new Uint8Array(await csvRes.arrayBuffer());
    assert.deepEqual([...bytes.slice(0, 3)], [0xef, 0xbb, 0xbf], "UTF-8 BOM");
    const csv = new TextDecoder().decode(bytes);
    assert.ok(csv.includes(`,'=cmd|' /C calc'!A0,`), "formula cell escaped");
    assert.ok(csv.includes(",'+SUM(1),"));
    assert.ok(csv.includes(`"'@here\n-minus, ""quoted"""`));
    // Digits, spaces and + - ( ) . only: a phone, not a formula.
    assert.ok(csv.includes(",-5 55,"), "phone left unescaped");
    assert.ok(!csv.includes("'-5 55"));
    assert.ok(csv.split("\r\n").length > 5, "CRLF record separators");
    const vRes = await a.fetch("/api/contacts/export?format=vcard");
    assert.match(vRes.headers.get("content-type")!, /^text\/vcard/);
    const vcf = await vRes.text();
    assert.equal(vcf.match(/BEGIN:VCARD\r\nVERSION:4\.0\r\n/g)?.length, 6);
    assert.equal((await a.json("/api/contacts/export?format=xml")).status, 400);
    const strip = (cs: ContactJson[]) =>
      cs.map((
        { id: _i, groups, createdAt: _c, updatedAt: _u, ...rest }:
          & ContactJson
          & Json,
      ) => ({ ...rest, groups: groups.length }));
    const original = strip(await listAll(a));
    for (const [body, type] of [[csv, "text/csv"], [vcf, "text/vcard"]]) {
      const fresh = await signedInClient(a.base);
      const r = await importFile(fresh, body, type);
      assert.deepEqual(r.body, {
        imported: 6,
        updated: 0,
        skipped: 0,
        errors: [],
        warnings: [],
      }, type);
      assert.deepEqual(strip(await listAll(fresh)), original, type);
    }
    // b's own export is empty: a header row only.
    const bCsv = await (await b.fetch("/api/contacts/export?format=csv"))
      .text();
    assert.equal(bCsv.trim().split("\n").length, 1);
  });
});

Deno.test("contacts http: a client that leaves during a streamed import does not stop it half-way", async () => {
  await withServer(async (_s, a) => {
    const rows = ["name,email"];
    for (let i = 0; i < 2000; i++) rows.push(`Leaver ${i},l${i}@gone.example`);
    const ac = new AbortController();
    const res = await a.fetch("/api/contacts/import", {
      method: "POST",
      body: rows.join("\n"),
      headers: { "content-type": "text/csv", accept: "application/x-ndjson" },
      signal: ac.signal,
    });
    const reader = res.body!.getReader();
    await reader.read(); // the first progress line
    ac.abort();
    await reader.cancel().catch(() => {});
    let count = 0;
    for (let i = 0; i < 600 && count < 2000; i++) {
      count = (await listAll(a, "q=leaver")).length;
      if (count < 2000) await new Promise((r) => setTimeout(r, 100));
    }
    assert.equal(count, 2000);
  });
});
