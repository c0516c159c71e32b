import assert from "node:assert/strict";
import { signedInClient } from "./helpers/client.ts";
import { startServer } from "./helpers/server.ts";

type C = { id: string; name: string; groups: string[]; email: string };
type Bulk = {
  action: string;
  done: number;
  notFound: string[];
  errors: Array<{ id: string; message: string }>;
  contacts: C[];
};

Deno.test("contacts bulk: add to group, remove from group, delete and restore with the same ids; another user's ids are not found", async () => {
  const server = await startServer();
  try {
    const a = await signedInClient(server.url);
    const b = await signedInClient(server.url);
    const ids: string[] = [];
    for (let i = 0; i < 20; i++) {
      const r = await a.json<C>("/api/contacts", {
        json: { name: `P${i}`, email: `p${i}@example.com`, notes: "n" },
      });
      assert.equal(r.status, 201);
      ids.push(r.body.id);
    }
    const theirs = await b.json<C>("/api/contacts", {
      json: { name: "Theirs", email: "t@example.com" },
    });
    const g = (await a.json<{ id: string }>("/api/groups", {
      json: { name: "VIP" },
    })).body.id;

    const add = await a.json<Bulk>("/api/contacts/bulk", {
      json: {
        action: "add_to_group",
        groupId: g,
        ids: [...ids, theirs.body.id],
      },
    });
    assert.equal(add.status, 200);
    assert.equal(add.body.done, 20);
    assert.deepEqual(add.body.notFound, [theirs.body.id]);
    const inGroup = await a.json<{ contacts: C[] }>(
      `/api/contacts?group=${g}&limit=200`,
    );
    assert.equal(inGroup.body.contacts.length, 20);
    // Adding again changes nothing.
    const again = await a.json<Bulk>("/api/contacts/bulk", {
      json: { action: "add_to_group", groupId: g, ids },
    });
    assert.equal(again.body.done, 0);

    const rm = await a.json<Bulk>("/api/contacts/bulk", {
      json: { action: "remove_from_group", groupId: g, ids: ids.slice(0, 5) },
    });
    assert.equal(rm.body.done, 5);
    assert.equal(
      (await a.json<{ contacts: C[] }>(`/api/contacts?group=${g}&limit=200`))
        .body.contacts.length,
      15,
    );

    // Another user's group is 404; their contact is untouched.
    const foreign = await b.json("/api/contacts/bulk", {
      json: { action: "add_to_group", groupId: g, ids: [theirs.body.id] },
    });
    assert.equal(foreign.status, 404);
    const bDel = await b.json<Bulk>("/api/contacts/bulk", {
      json: { action: "delete", ids },
    });
    assert.equal(bDel.body.done, 0);
    assert.equal(bDel.body.notFound.length, 20);

    const del = await a.json<Bulk>("/api/contacts/bulk", {
      json: { action: "delete", ids: ids.slice(0, 12) },
    });
    assert.equal(del.body.done, 12);
    assert.equal(del.body.contacts.length, 12);
    const left = await a.json<{ contacts: C[] }>("/api/contacts?limit=200");
    assert.equal(left.body.contacts.length, 8);
    // Search no longer finds them.
    assert.equal(
      (await a.json<{ contacts: C[] }>("/api/contacts?q=p0")).body.contacts
        .length,
      0,
    );

    const undo = await a.json<Bulk>("/api/contacts/bulk", {
      json: { action: "restore", contacts: del.body.contacts },
    });
    assert.equal(undo.status, 200);
    assert.equal(undo.body.done, 12);
    const all = await a.json<{ contacts: C[] }>("/api/contacts?limit=200");
    assert.deepEqual(
      all.body.contacts.map((c) => c.id).sort(),
      [...ids].sort(),
    );
    const p7 = all.body.contacts.find((c) => c.name === "P7")!;
    assert.deepEqual(p7.groups, [g]);
    // Restoring twice is an error per contact, not a duplicate.
    const twice = await a.json<Bulk>("/api/contacts/bulk", {
      json: { action: "restore", contacts: del.body.contacts.slice(0, 2) },
    });
    assert.equal(twice.body.done, 0);
    assert.equal(twice.body.errors.length, 2);
  } finally {
    await server.close();
  }
});

Deno.test("contacts bulk: limits and bad requests are 4xx (over 200 ids, unknown action, missing group)", async () => {
  const server = await startServer();
  try {
    const a = await signedInClient(server.url);
    const many = Array.from({ length: 201 }, (_, i) => `id${i}`);
    const cases: Array<[unknown, number, string]> = [
      [{ action: "delete", ids: many }, 400, "invalid_ids"],
      [{ action: "explode", ids: ["a"] }, 400, "invalid_action"],
      [{ action: "add_to_group", ids: ["a"] }, 400, "invalid_group"],
      [{ action: "delete", ids: "a" }, 400, "invalid_ids"],
      [{ action: "restore", contacts: "x" }, 400, "invalid_contacts"],
      [
        { action: "restore", contacts: [{ id: "../x", name: "A" }] },
        400,
        "invalid_contacts",
      ],
      [["delete"], 400, "invalid_json"],
    ];
    for (const [json, status, code] of cases) {
      const r = await a.json<{ error: { code: string } }>(
        "/api/contacts/bulk",
        { json },
      );
      assert.equal(r.status, status, JSON.stringify(json).slice(0, 80));
      assert.equal(r.body.error.code, code);
    }
    const exactly = await a.json<Bulk>("/api/contacts/bulk", {
      json: { action: "delete", ids: many.slice(0, 200) },
    });
    assert.equal(exactly.status, 200);
    assert.equal(exactly.body.notFound.length, 200);
    const anon = await fetch(server.url + "/api/contacts/bulk", {
      method: "POST",
      body: "{}",
    });
    await anon.body?.cancel();
    assert.ok([401, 403].includes(anon.status));
  } finally {
    await server.close();
  }
});

Deno.test("contacts bulk: a contact already in 50 groups is reported, the others still join", async () => {
  const server = await startServer();
  try {
    const a = await signedInClient(server.url);
    const groups: string[] = [];
    for (let i = 0; i < 51; i++) {
      groups.push(
        (await a.json<{ id: string }>("/api/groups", {
          json: { name: `G${i}` },
        }))
          .body.id,
      );
    }
    const full = await a.json<C>("/api/contacts", {
      json: { name: "Full", groups: groups.slice(0, 50) },
    });
    const free = await a.json<C>("/api/contacts", { json: { name: "Free" } });
    const r = await a.json<Bulk>("/api/contacts/bulk", {
      json: {
        action: "add_to_group",
        groupId: groups[50],
        ids: [full.body.id, free.body.id],
      },
    });
    assert.equal(r.body.done, 1);
    assert.equal(r.body.errors[0].id, full.body.id);
  } finally {
    await server.close();
  }
});
