/** Chat files over the real server: upload, serve, attach, delete, sweep. */
import assert from "node:assert/strict";
import type { Client } from "./helpers/client.ts";
import type { ChatClient } from "./helpers/chat_ws.ts";
import type { FileRef } from "../lib/chat/protocol.ts";
import { gif, png } from "./helpers/images.ts";
import { sweepOrphans } from "../lib/files/sweep.ts";
import { usage } from "../lib/files/store.ts";
import { CHUNK_BYTES } from "../lib/files/keys.ts";
import { chatRoomFixture } from "./helpers/chat_room.ts";

const setup = (env: Record<string, string> = {}) =>
  chatRoomFixture({ env, otherRoom: "other" });

function upload(
  cl: Client,
  room: string,
  body: BodyInit,
  name: string,
  type = "application/octet-stream",
) {
  return cl.json<FileRef & { error?: { code: string; message: string } }>(
    `/api/rooms/${room}/files`,
    {
      method: "POST",
      body,
      headers: { "content-type": type, "x-filename": encodeURIComponent(name) },
    },
  );
}

async function keysOf(kv: Deno.Kv, prefix: string): Promise<number> {
  let n = 0;
  for await (const _ of kv.list({ prefix: [prefix] })) n++;
  return n;
}

async function sendWithFiles(
  ws: ChatClient,
  room: string,
  files: string[],
  cid: string,
  text = "",
) {
  ws.send({ type: "send", room, text, cid, files });
  return await ws.next((f) =>
    (f.type === "ack" || f.type === "error") && f.cid === cid
  );
}

Deno.test("files: an image upload answers 201 {id,name,type,size,width,height}; members get it inline with ETag, nosniff and ranges", async () => {
  await using t = await setup();
  const bytes = png(640, 480, 1000);
  const up = await upload(t.a, t.room, bytes, "shot.png", "image/png");
  assert.equal(up.status, 201);
  assert.deepEqual(up.body, {
    id: up.body.id,
    name: "shot.png",
    type: "image/png",
    size: bytes.length,
    width: 640,
    height: 480,
  });
  const ws = await t.socket(t.a);
  await ws.subscribe(t.room);
  const ack = await sendWithFiles(ws, t.room, [up.body.id], "c1", "look");
  assert.equal(ack.type, "ack");
  const msg = await ws.next((f) => f.type === "message");
  assert.deepEqual(msg.message.files, [up.body]);

  const url = `/files/${up.body.id}/shot.png`;
  const res = await t.b.fetch(url);
  assert.equal(res.status, 200);
  assert.deepEqual(new Uint8Array(await res.arrayBuffer()), bytes);
  assert.equal(res.headers.get("content-type"), "image/png");
  assert.equal(res.headers.get("x-content-type-options"), "nosniff");
  assert.match(res.headers.get("content-disposition")!, /^inline;/);
  const etag = res.headers.get("etag")!;
  assert.ok(etag);
  const again = await t.b.fetch(url, { headers: { "if-none-match": etag } });
  await again.body?.cancel();
  assert.equal(again.status, 304);
  const part = await t.b.fetch(url, { headers: { range: "bytes=8-15" } });
  assert.equal(part.status, 206);
  assert.equal(part.headers.get("content-range"), `bytes 8-15/${bytes.length}`);
  assert.deepEqual(
    new Uint8Array(await part.arrayBuffer()),
    bytes.subarray(8, 16),
  );
  const tail = await t.b.fetch(url, { headers: { range: "bytes=-4" } });
  assert.deepEqual(new Uint8Array(await tail.arrayBuffer()), bytes.slice(-4));
  const bad = await t.b.fetch(url, { headers: { range: "bytes=99999-" } });
  await bad.body?.cancel();
  assert.equal(bad.status, 416);
});

Deno.test("files: non-members, signed-out users and (before it is sent) other members get 404", async () => {
  await using t = await setup();
  const up = await upload(t.a, t.room, gif(2, 2), "a.gif", "image/gif");
  const url = `/files/${up.body.id}/a.gif`;
  const own = await t.a.fetch(url);
  await own.body?.cancel();
  assert.equal(own.status, 200);
  for (const cl of [t.b, t.c]) {
    const res = await cl.fetch(url);
    await res.body?.cancel();
    assert.equal(res.status, 404);
  }
  const anon = await fetch(t.server.url + url);
  await anon.body?.cancel();
  assert.equal(anon.status, 404);
  const unknown = await t.a.fetch("/files/01UNKNOWNFILE/x.txt");
  await unknown.body?.cancel();
  assert.equal(unknown.status, 404);
  // Uploading to a room you are not in.
  assert.equal((await upload(t.c, t.room, "x", "x.txt")).status, 404);
  assert.equal(await keysOf(t.kv, "file"), 1);
});

Deno.test("files: SVG, HTML and anything not a real png/jpeg/gif/webp is served as an attachment", async () => {
  await using t = await setup();
  const ws = await t.socket(t.a);
  await ws.subscribe(t.room);
  const cases: [string, string, string][] = [
    ["x.svg", "image/svg+xml", "<svg onload=alert(1)></svg>"],
    ["x.html", "text/html", "<script>alert(1)</script>"],
    ["fake.png", "image/png", "<script>alert(1)</script>"],
    ["doc.pdf", "application/pdf", "%PDF-1.4"],
  ];
  let i = 0;
  for (const [name, type, body] of cases) {
    const up = await upload(t.a, t.room, body, name, type);
    assert.equal(up.status, 201);
    assert.equal(up.body.width, undefined);
    assert.equal(
      (await sendWithFiles(ws, t.room, [up.body.id], `c${i++}`)).type,
      "ack",
    );
    const res = await t.b.fetch(`/files/${up.body.id}/${name}`);
    assert.equal(await res.text(), body);
    assert.match(res.headers.get("content-disposition")!, /^attachment;/);
    assert.equal(res.headers.get("x-content-type-options"), "nosniff");
    assert.notEqual(res.headers.get("content-type"), "text/html");
  }
});

Deno.test("files: names with path separators and control characters are cleaned, 300 characters cut, empty refused", async () => {
  await using t = await setup();
  const cases: [string, string][] = [
    ["../../etc/passwd", "passwd"],
    ["C:\\Users\\x\\evil.exe", "evil.exe"],
    ["a\u0000b\u001bc\u202e.txt", "abc.txt"],
    ["..hidden", "hidden"],
  ];
  for (const [raw, clean] of cases) {
    const up = await upload(t.a, t.room, "x", raw);
    assert.equal(up.status, 201, raw);
    assert.equal(up.body.name, clean);
  }
  const long = await upload(t.a, t.room, "x", "n".repeat(296) + ".txt");
  assert.equal(long.status, 201);
  assert.equal([...long.body.name].length, 200);
  assert.ok(long.body.name.endsWith(".txt"));
  for (const raw of ["", "///", "\u0001"]) {
    const up = await upload(t.a, t.room, "x", raw);
    assert.equal(up.status, 400, JSON.stringify(raw));
  }
  const noName = await t.a.json(`/api/rooms/${t.room}/files`, {
    method: "POST",
    body: "x",
  });
  assert.equal(noName.status, 400);
  const badEnc = await t.a.json(`/api/rooms/${t.room}/files`, {
    method: "POST",
    body: "x",
    headers: { "x-filename": "%E0%A4%A" },
  });
  assert.equal(badEnc.status, 400);
});

Deno.test("files: over UPLOAD_MAX_BYTES (declared or streamed) → 413 with a clear message, nothing stored", async () => {
  await using t = await setup({ UPLOAD_MAX_BYTES: "100000" });
  const declared = await upload(
    t.a,
    t.room,
    new Uint8Array(100_001),
    "big.bin",
  );
  assert.equal(declared.status, 413);
  assert.match(declared.body.error!.message, /at most 98 KiB/);
  // No Content-Length: cut off while streaming.
  const stream = new ReadableStream<Uint8Array>({
    start(ctrl) {
      for (let i = 0; i < 5; i++) ctrl.enqueue(new Uint8Array(30_000));
      ctrl.close();
    },
  });
  const streamed = await upload(t.a, t.room, stream, "big.bin");
  assert.equal(streamed.status, 413);
  for (const p of ["file", "file_chunk", "file_pending"]) {
    assert.equal(await keysOf(t.kv, p), 0, p);
  }
  assert.equal(await usage(t.kv, t.a.username!), 0);
  const ok = await upload(t.a, t.room, new Uint8Array(100_000), "ok.bin");
  assert.equal(ok.status, 201);
});

Deno.test("files: over UPLOAD_QUOTA_BYTES → 413 naming the quota; deleting the message frees it", async () => {
  await using t = await setup({ UPLOAD_QUOTA_BYTES: "300000" });
  const first = await upload(t.a, t.room, new Uint8Array(200_000), "a.bin");
  assert.equal(first.status, 201);
  // Stored in chunks of at most 60 KiB.
  const chunks: number[] = [];
  for await (const e of t.kv.list<Uint8Array>({ prefix: ["file_chunk"] })) {
    chunks.push(e.value.length);
  }
  assert.deepEqual(chunks, [
    CHUNK_BYTES,
    CHUNK_BYTES,
    CHUNK_BYTES,
    200_000 - 3 * CHUNK_BYTES,
  ]);
  const second = await upload(t.a, t.room, new Uint8Array(200_000), "b.bin");
  assert.equal(second.status, 413);
  assert.match(second.body.error!.message, /quota/);
  assert.equal(await usage(t.kv, t.a.username!), 200_000);
  const ws = await t.socket(t.a);
  await ws.subscribe(t.room);
  const ack = await sendWithFiles(ws, t.room, [first.body.id], "c1");
  ws.send({ type: "delete", room: t.room, id: ack.id });
  await ws.nextOf("deleted", t.room);
  const gone = await t.a.fetch(`/files/${first.body.id}/a.bin`);
  await gone.body?.cancel();
  assert.equal(gone.status, 404);
  assert.equal(await usage(t.kv, t.a.username!), 0);
  assert.equal(await keysOf(t.kv, "file_chunk"), 0);
  assert.equal(
    (await upload(t.a, t.room, new Uint8Array(200_000), "b.bin")).status,
    201,
  );
});

Deno.test("files: send frames refuse other people's files, other rooms' files, unknown ids, reuse and more than 10", async () => {
  await using t = await setup();
  const wa = await t.socket(t.a);
  const wb = await t.socket(t.b);
  await wa.subscribe(t.room);
  await wb.subscribe(t.room);
  const mine = (await upload(t.a, t.room, "x", "x.txt")).body.id;
  const bobs = (await upload(t.b, t.room, "y", "y.txt")).body.id;
  const elsewhere = (await upload(t.c, t.other, "z", "z.txt")).body.id;
  for (
    const [ids, code] of [
      [[bobs], "file_not_found"],
      [[elsewhere], "file_not_found"],
      [["01NOSUCHFILE"], "file_not_found"],
    ] as const
  ) {
    const r = await sendWithFiles(wa, t.room, [...ids], "c-" + ids[0]);
    assert.equal(r.type, "error");
    assert.equal(r.code, code);
  }
  const eleven = Array.from({ length: 11 }, (_, i) => `f${i}`);
  assert.equal(
    (await sendWithFiles(wa, t.room, eleven, "c11")).code,
    "bad_frame",
  );
  assert.equal((await sendWithFiles(wa, t.room, [mine], "ok")).type, "ack");
  assert.equal(
    (await sendWithFiles(wa, t.room, [mine], "again")).code,
    "file_not_found",
  );
  const msgs = (await t.a.json<{ messages: unknown[] }>(
    `/api/rooms/${t.room}/messages`,
  )).body.messages;
  assert.equal(msgs.length, 1);
});

Deno.test("files: uploads never sent are swept after the orphan time; sent ones stay", async () => {
  await using t = await setup();
  const ws = await t.socket(t.a);
  await ws.subscribe(t.room);
  const kept =
    (await upload(t.a, t.room, new Uint8Array(70_000), "k.bin")).body;
  const orphan =
    (await upload(t.a, t.room, new Uint8Array(70_000), "o.bin")).body;
  await sendWithFiles(ws, t.room, [kept.id], "c1");
  assert.equal(await sweepOrphans(t.kv, Date.now() - 3600_000), 0);
  assert.equal(await sweepOrphans(t.kv, Date.now() + 1), 1);
  const res = await t.a.fetch(`/files/${orphan.id}/o.bin`);
  await res.body?.cancel();
  assert.equal(res.status, 404);
  const ok = await t.b.fetch(`/files/${kept.id}/k.bin`);
  assert.equal((await ok.arrayBuffer()).byteLength, 70_000);
  assert.equal(await usage(t.kv, t.a.username!), 70_000);
  assert.equal(await keysOf(t.kv, "file_chunk"), 2);
  assert.equal(await keysOf(t.kv, "file_pending"), 0);
});
