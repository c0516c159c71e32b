/**
 * Backup and restore (issue 15 item 6): `deno task backup` of a live store
 * and `deno task restore` into a new one give the same store byte for byte;
 * a backup taken while writes continue restores to a consistent store; bad
 * files and non-empty targets are refused with nothing written.
 */
import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { signedInClient } from "./helpers/client.ts";
import { chatSocket } from "./helpers/chat_ws.ts";
import { startServer } from "./helpers/server.ts";
import { PROJECT_ROOT } from "../lib/app.ts";
import { encode } from "../lib/backup/codec.ts";
import { BackupRefused, restoreBackup, takeBackup } from "../lib/backup/mod.ts";

async function task(
  name: "backup" | "restore",
  kvPath: string,
  ...args: string[]
): Promise<{ code: number; out: string }> {
  const r = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", `dev/${name}.ts`, ...args],
    cwd: PROJECT_ROOT,
    env: { KV_PATH: kvPath },
    stdin: "null",
  }).output();
  const dec = new TextDecoder();
  return { code: r.code, out: dec.decode(r.stdout) + dec.decode(r.stderr) };
}

async function listing(kv: Deno.Kv): Promise<string[]> {
  const out: string[] = [];
  for await (const e of kv.list({ prefix: [] })) {
    out.push(JSON.stringify([encode(e.key), encode(e.value)]));
  }
  return out;
}

function rawRows(path: string): string[] {
  const db = new DatabaseSync(path, { readOnly: true });
  try {
    const hex = (b: Uint8Array) =>
      [...b].map((x) => x.toString(16).padStart(2, "0")).join("");
    return (db.prepare("SELECT k, v, v_encoding FROM kv ORDER BY k").all() as {
      k: Uint8Array;
      v: Uint8Array;
      v_encoding: number;
    }[]).map((r) => `${hex(r.k)} ${r.v_encoding} ${hex(r.v)}`);
  } finally {
    db.close();
  }
}

/** Every index entry of chat and contacts points at an existing record. */
async function assertIndexesResolve(kv: Deno.Kv): Promise<number> {
  let checked = 0;
  const exists = async (key: Deno.KvKey, what: string) => {
    checked++;
    assert.notEqual((await kv.get(key)).versionstamp, null, what);
  };
  for await (const e of kv.list<string>({ prefix: ["contact_email"] })) {
    await exists(["contact", e.key[1], e.value], `contact_email ${e.key}`);
  }
  for await (const e of kv.list({ prefix: ["contact_sorted"] })) {
    await exists(["contact", e.key[1], e.key.at(-1)!], `sorted ${e.key}`);
  }
  for await (const e of kv.list({ prefix: ["contact_search"] })) {
    await exists(["contact", e.key[1], e.key.at(-1)!], `search ${e.key}`);
  }
  for await (const e of kv.list<number>({ prefix: ["chat_seq"] })) {
    if (e.value > 0) {
      await exists(["chat_msg", e.key[1], e.value], `seq ${e.key}`);
    }
  }
  for await (const e of kv.list({ prefix: ["chat_member"] })) {
    await exists(["chat_room", e.key[1]], `member ${e.key}`);
    await exists(["chat_user_room", e.key[2], e.key[1]], `user room ${e.key}`);
  }
  return checked;
}

Deno.test("backup: a live store (users, rooms, messages, contacts, campaigns, every KV value type) restores into a new store identical byte for byte", async () => {
  const dir = await Deno.makeTempDir({ prefix: "rt_backup_" });
  const live = `${dir}/live.kv`;
  const server = await startServer({ kvPath: live });
  try {
    const a = await signedInClient(server.url);
    const b = await signedInClient(server.url);
    const { body: dm } = await a.json<{ id: string }>("/api/dms", {
      json: { username: b.username },
    });
    await a.json("/api/rooms", { json: { name: "ops", visibility: "public" } });
    const ws = await chatSocket(a);
    await ws.subscribe(dm.id);
    for (let i = 0; i < 30; i++) await ws.sendMessage(dm.id, `m ${i}`, `c${i}`);
    await ws.close();
    const group = await a.json<{ id: string }>("/api/groups", {
      json: { name: "Friends" },
    });
    for (let i = 0; i < 20; i++) {
      const r = await a.json("/api/contacts", {
        json: {
          name: `Person ${i}`,
          email: `p${i}@x.test`,
          groups: [group.body.id],
        },
      });
      assert.equal(r.status, 201);
    }
    const draft = await a.json("/api/campaigns", {
      json: { subject: "Hi", text: "Hello", to: { groups: [group.body.id] } },
    });
    assert.equal(draft.status, 201);
    await server.kv.set(["zz_types"], {
      bytes: new Uint8Array([0, 1, 255]),
      big: -(2n ** 70n),
      date: new Date(1234567890123),
      nan: NaN,
      negZero: -0,
      inf: -Infinity,
      undef: undefined,
      map: new Map<unknown, unknown>([[1, "a"], ["k", new Set([1n])]]),
      re: /x+/gi,
      f64: new Float64Array([1.5, -2]),
      nested: [{ $: "not a tag" }, null, true],
    });
    await server.kv.set(["zz_u64"], new Deno.KvU64(2n ** 63n + 5n));
    await server.kv.set([
      "zz_keys",
      1.5,
      -3n,
      2n ** 80n,
      true,
      new Uint8Array([0, 7]),
    ], "k");
    await new Promise((r) => setTimeout(r, 100)); // presence settles

    const file = `${dir}/store.rtbackup.gz`;
    const backed = await task("backup", live, file);
    assert.equal(backed.code, 0, backed.out);
    const restoredPath = `${dir}/restored.kv`;
    const restored = await task("restore", restoredPath, file);
    assert.equal(restored.code, 0, restored.out);
    assert.match(restored.out, /counts verified/);

    const kv2 = await Deno.openKv(restoredPath);
    try {
      const [one, two] = [await listing(server.kv), await listing(kv2)];
      assert.ok(one.length > 100, `only ${one.length} entries`);
      assert.deepEqual(two, one);
      const t = (await kv2.get<Record<string, unknown>>(["zz_types"])).value!;
      assert.ok(Object.is(t.negZero, -0) && Number.isNaN(t.nan));
      assert.equal(t.big, -(2n ** 70n));
      assert.ok(t.date instanceof Date);
      assert.equal(
        (await kv2.get<Deno.KvU64>(["zz_u64"])).value!.value,
        2n ** 63n + 5n,
      );
    } finally {
      kv2.close();
    }
    // Byte for byte, as stored: same key bytes, value encodings and bytes.
    assert.deepEqual(rawRows(restoredPath), rawRows(live));

    // Restoring again into the non-empty store is refused, unless --force.
    const again = await task("restore", restoredPath, file);
    assert.equal(again.code, 1);
    assert.match(again.out, /not empty.*--force/);
    const forced = await task("restore", restoredPath, file, "--force");
    assert.equal(forced.code, 0, forced.out);
  } finally {
    await server.close();
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
});

Deno.test("backup: taken while contacts and messages keep being written, it restores to a consistent store where every index entry resolves", async () => {
  const dir = await Deno.makeTempDir({ prefix: "rt_backup_live_" });
  const live = `${dir}/live.kv`;
  const server = await startServer({ kvPath: live });
  let writing = true;
  try {
    const a = await signedInClient(server.url);
    const { body: room } = await a.json<{ id: string }>("/api/rooms", {
      json: { name: "busy", visibility: "public" },
    });
    const ws = await chatSocket(a);
    await ws.subscribe(room.id);
    let n = 0;
    const writer = (async () => {
      while (writing) {
        n++;
        await Promise.all([
          a.json("/api/contacts", {
            json: { name: `Busy ${n}`, email: `busy${n}@x.test` },
          }),
          ws.sendMessage(room.id, `busy ${n}`, `b${n}`),
        ]);
      }
    })();
    while (n < 20) await new Promise((r) => setTimeout(r, 20));
    const file = `${dir}/busy.gz`;
    const backed = await task("backup", live, file);
    const atEnd = n;
    writing = false;
    await writer;
    await ws.close();
    assert.equal(backed.code, 0, backed.out);
    assert.ok(atEnd > 20, "writes went on during the backup");
    const target = await Deno.openKv(`${dir}/restored.kv`);
    try {
      const r = await restoreBackup(target, await Deno.readFile(file));
      assert.ok(r.written > 0);
      const checked = await assertIndexesResolve(target);
      assert.ok(checked > 40, `only ${checked} index entries checked`);
    } finally {
      target.close();
    }
  } finally {
    writing = false;
    await server.close();
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
});

Deno.test("backup: truncated, newer-version and tampered files are refused with a clear reason and nothing is written", async () => {
  const src = await Deno.openKv(":memory:");
  for (let i = 0; i < 50; i++) await src.set(["users", `u${i}`], { i });
  const { bytes } = await takeBackup(":memory:", src);
  src.close();
  const gunzip = async (b: Uint8Array) =>
    await new Response(
      new Blob([b as Uint8Array<ArrayBuffer>]).stream().pipeThrough(
        new DecompressionStream("gzip"),
      ),
    ).text();
  const gzip = async (s: string) =>
    new Uint8Array(
      await new Response(
        new Blob([s]).stream().pipeThrough(new CompressionStream("gzip")),
      ).arrayBuffer(),
    );
  const text = await gunzip(bytes);
  const [head, ...rest] = text.split("\n");
  const header = JSON.parse(head);
  const cases: [string, Uint8Array, RegExp][] = [
    ["truncated", bytes.slice(0, Math.floor(bytes.length / 2)), /truncated/],
    [
      "newer version",
      await gzip(
        [JSON.stringify({ ...header, version: 99 }), ...rest].join("\n"),
      ),
      /newer/,
    ],
    [
      "bad counts",
      await gzip(
        [JSON.stringify({ ...header, count: 49 }), ...rest].join("\n"),
      ),
      /announces 49 entries/,
    ],
    [
      "bad prefix counts",
      await gzip(
        [JSON.stringify({ ...header, prefixes: { users: 51 } }), ...rest].join(
          "\n",
        ),
      ),
      /count mismatch/,
    ],
    [
      "edited entry",
      await gzip(text.replace('"u7"', '"admin"')),
      /SHA-256/,
    ],
    [
      "lines dropped at the end",
      await gzip(text.split("\n").slice(0, 30).join("\n")),
      /truncated/,
    ],
  ];
  for (const [what, file, reason] of cases) {
    const target = await Deno.openKv(":memory:");
    try {
      await assert.rejects(
        () => restoreBackup(target, file),
        (e: unknown) => e instanceof BackupRefused && reason.test(e.message),
        what,
      );
      for await (const e of target.list({ prefix: [] })) {
        assert.fail(`${what}: wrote ${String(e.key)}`);
      }
    } finally {
      target.close();
    }
  }
});
