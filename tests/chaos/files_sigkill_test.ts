/**
 * Chaos: SIGKILL the real server (a `deno run main.ts` subprocess) in the
 * middle of an upload, restart it on the same KV file: no partial file is
 * listed or served, and the orphaned chunks are swept.
 * @module
 */
import assert from "node:assert/strict";
import { Client, uniqueName } from "../helpers/client.ts";
import { PROJECT_ROOT } from "../../lib/app.ts";
import { freePort } from "../helpers/process.ts";

function spawnApp(kvPath: string, port = freePort()): {
  child: Deno.ChildProcess;
  url: Promise<string>;
} {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "main.ts", "--dev"],
    cwd: PROJECT_ROOT,
    env: {
      KV_PATH: kvPath,
      PORT: String(port),
      APP_URL: `http://127.0.0.1:${port}`,
      SIGNUP_POLICY: "open",
      // Orphans older than 2 s are swept (every second).
      UPLOAD_ORPHAN_MS: "2000",
    },
    stdin: "null",
    stdout: "piped",
    stderr: "null",
  }).spawn();
  const url = (async () => {
    const dec = new TextDecoder();
    let text = "";
    for await (const chunk of child.stdout) {
      text += dec.decode(chunk);
      const m = /listening on (http:\/\/[^\s]+)/.exec(text);
      if (m) {
        // Keep draining stdout so the child never blocks on it.
        (async () => {
          try {
            for await (const _ of child.stdout) { /* drain */ }
          } catch { /* closed */ }
        })();
        return `http://127.0.0.1:${port}`;
      }
    }
    throw new Error("the server exited before listening");
  })();
  return { child, url };
}

async function count(kv: Deno.Kv, prefix: string): Promise<number> {
  let n = 0;
  for await (const _ of kv.list({ prefix: [prefix] })) n++;
  return n;
}

async function until(pred: () => Promise<boolean>, what: string) {
  for (let i = 0; i < 1500; i++) {
    if (await pred()) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`timed out waiting for ${what}`);
}

Deno.test("chaos: SIGKILL mid-upload, restart: no partial file is listed or served, the orphan is swept", async () => {
  const dir = await Deno.makeTempDir({ prefix: "rt_files_chaos_" });
  const kvPath = `${dir}/files.kv`;
  let app = spawnApp(kvPath);
  try {
    let base = await app.url;
    const a = new Client(base);
    await a.signup(uniqueName("up"));
    const room = (await a.json<{ id: string }>("/api/rooms", {
      json: { name: "uploads", visibility: "private" },
    })).body.id;

    // Stream 1 MiB slowly; kill the server once part of it is in KV.
    const total = 1024 * 1024;
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      async pull(ctrl) {
        if (sent >= total) return ctrl.close();
        await new Promise((r) => setTimeout(r, 20));
        ctrl.enqueue(new Uint8Array(16 * 1024).fill(7));
        sent += 16 * 1024;
      },
    });
    const upload = a.fetch(`/api/rooms/${room}/files`, {
      method: "POST",
      body,
      headers: {
        "content-type": "application/octet-stream",
        "content-length": String(total),
        "x-filename": "half.bin",
      },
    }).then((r) => r.status, () => "aborted");
    const kv = await Deno.openKv(kvPath);
    try {
      await until(
        async () => (await count(kv, "file_chunk")) >= 3,
        "chunks of the upload",
      );
      app.child.kill("SIGKILL");
      await app.child.status;
      assert.equal(await upload, "aborted");
      assert.ok(sent < total, "the upload finished before the kill");
      // What the crash left: chunks and a pending marker, no manifest.
      assert.ok((await count(kv, "file_chunk")) >= 3);
      assert.equal(await count(kv, "file_pending"), 1);
      assert.equal(await count(kv, "file"), 0);

      app = spawnApp(kvPath);
      base = await app.url;
      const again = new Client(base);
      for (const [k, v] of a.cookies) again.cookies.set(k, v);
      const [pending] = await Array.fromAsync(
        kv.list({ prefix: ["file_pending"] }),
      );
      const id = pending.key[2] as string;
      const res = await again.fetch(`/files/${id}/half.bin`);
      await res.body?.cancel();
      assert.equal(res.status, 404);
      const msgs = await again.json<{ messages: unknown[] }>(
        `/api/rooms/${room}/messages`,
      );
      assert.equal(msgs.status, 200);
      assert.deepEqual(msgs.body.messages, []);
      // The restarted server sweeps the orphan.
      await until(
        async () =>
          (await count(kv, "file_chunk")) === 0 &&
          (await count(kv, "file_pending")) === 0,
        "the orphan sweep",
      );
      assert.equal(
        (await kv.get(["file_usage", a.username!])).value ?? 0,
        0,
      );
      // And uploads work again.
      const ok = await again.json(`/api/rooms/${room}/files`, {
        method: "POST",
        body: "after the crash",
        headers: { "x-filename": "ok.txt" },
      });
      assert.equal(ok.status, 201);
    } finally {
      kv.close();
    }
  } finally {
    try {
      app.child.kill("SIGKILL");
    } catch { /* already gone */ }
    await app.child.status;
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
});
