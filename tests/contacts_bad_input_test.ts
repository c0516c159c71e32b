import assert from "node:assert/strict";
import { isId, parseCursor, parseIdList, parseLimit } from "../lib/params.ts";
import { signedInClient } from "./helpers/client.ts";
import { startServer } from "./helpers/server.ts";

const LONG = "A".repeat(3000);

Deno.test("params: ids, limits and cursors are checked before they reach KV", () => {
  assert.equal(isId("01J0000000000000000000000A"), true);
  for (const bad of ["", LONG, "a/b", "a\u0000", "é", 5, null, undefined]) {
    assert.equal(isId(bad), false, `isId(${JSON.stringify(bad)})`);
  }
  assert.equal(parseLimit(null, { fallback: 50, max: 200 }), 50);
  assert.equal(parseLimit("7", { fallback: 50, max: 200 }), 7);
  for (const bad of ["-5", "0", "0.5", "1e3", "abc", "201", " 5"]) {
    assert.throws(
      () => parseLimit(bad, { fallback: 50, max: 200 }),
      (e: Error & { status: number }) => e.status === 400,
      bad,
    );
  }
  assert.equal(parseCursor(""), "");
  assert.throws(() => parseCursor("\u0000"));
  assert.throws(() => parseCursor("x".repeat(5000)));
  assert.deepEqual(parseIdList(["a", "a", "b"], "ids", 5), ["a", "b"]);
  assert.throws(() => parseIdList([LONG], "ids", 5));
  assert.throws(() => parseIdList("a", "ids", 5));
  assert.throws(() => parseIdList(["a", "b", "c"], "ids", 2));
});

Deno.test("contacts http: ids over 2 KB, bad group filters, cursors and limits answer 400/404, never 500, and are not logged", async () => {
  const server = await startServer();
  const logged: string[] = [];
  const original = console.error;
  console.error = (...args: unknown[]) => {
    logged.push(args.map(String).join(" "));
  };
  try {
    const a = await signedInClient(server.url);
    const made = await a.json<{ id: string }>("/api/contacts", {
      json: { name: "Ana", email: "ana@example.com" },
    });
    assert.equal(made.status, 201);
    const group = await a.json<{ id: string }>("/api/groups", {
      json: { name: "VIP" },
    });
    const cases: Array<[string, string, unknown, number[]]> = [
      ["GET", `/api/contacts/${LONG}`, undefined, [404]],
      ["PATCH", `/api/contacts/${LONG}`, { name: "x" }, [404]],
      ["DELETE", `/api/contacts/${LONG}`, undefined, [404]],
      ["GET", `/api/groups/${LONG}`, undefined, [404]],
      ["PATCH", `/api/groups/${LONG}`, { name: "x" }, [404]],
      ["DELETE", `/api/groups/${LONG}`, undefined, [404]],
      ["GET", `/api/contacts?group=${LONG}`, undefined, [400, 404]],
      ["GET", `/api/contacts?group=%00`, undefined, [400, 404]],
      ["GET", `/api/contacts?q=ana&group=${LONG}`, undefined, [400, 404]],
      ["GET", `/api/contacts?cursor=garbage`, undefined, [400]],
      ["GET", `/api/contacts?cursor=%00`, undefined, [400]],
      ["GET", `/api/contacts?q=ana&cursor=garbage`, undefined, [400]],
      ["GET", `/api/contacts?cursor=${"Q".repeat(5000)}`, undefined, [400]],
      ["GET", `/api/contacts?limit=-5`, undefined, [400]],
      ["GET", `/api/contacts?limit=0.5`, undefined, [400]],
      ["GET", `/api/contacts?limit=1e2`, undefined, [400]],
      ["POST", `/api/contacts`, { name: "B", groups: [LONG] }, [400]],
      ["POST", `/api/contacts`, { name: "B", groups: ["nope"] }, [400]],
      ["PATCH", `/api/contacts/${made.body.id}`, { groups: [LONG] }, [400]],
      ["PATCH", `/api/contacts/${made.body.id}`, { groups: [5] }, [400]],
      ["POST", `/api/contacts/bulk`, {
        ids: [LONG],
        action: "delete",
      }, [400]],
      ["POST", `/api/contacts/bulk`, {
        ids: [made.body.id],
        action: "add_to_group",
        groupId: LONG,
      }, [400, 404]],
    ];
    for (const [method, path, json, want] of cases) {
      const r = await a.json<{ error: { code: string } }>(path, {
        method,
        json,
      });
      assert.ok(
        want.includes(r.status),
        `${method} ${path.slice(0, 60)} answered ${r.status}`,
      );
      assert.equal(typeof r.body.error.code, "string");
    }
    // The contact and group are untouched.
    const still = await a.json<{ groups: string[] }>(
      `/api/contacts/${made.body.id}`,
    );
    assert.deepEqual(still.body.groups, []);
    assert.equal(
      (await a.json(`/api/groups/${group.body.id}`)).status,
      200,
    );
    assert.deepEqual(
      logged.filter((l) => l.includes("AAAAAAAAAA")),
      [],
      "no long path in the log",
    );
  } finally {
    console.error = original;
    await server.close();
  }
});
