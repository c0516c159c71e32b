import {
  assert,
  assertEquals,
  assertStringIncludes,
} from "./helpers/assert.ts";
import { Client } from "./helpers/client.ts";
import { withServer } from "./helpers/server.ts";
import { decodedText, rawGet } from "./helpers/raw_http.ts";
import { negotiate } from "../lib/web/compression.ts";
import { buildClient, readBuild, writeBuild } from "../lib/web/bundle.ts";
import { loadManifest } from "../lib/web/manifest.ts";
import { PROJECT_ROOT } from "../lib/app.ts";
import { brotliDecompressSync, gunzipSync } from "node:zlib";

Deno.test("web: signed-in HTML and every /api answer are Cache-Control: no-store; static files keep their caching", async () => {
  await withServer(async (s) => {
    const c = await new Client(s.url).signup();
    for (const path of ["/", "/contacts", "/chat", "/campaigns"]) {
      const res = await c.fetch(path);
      await res.body?.cancel();
      assertEquals(res.status, 200, path);
      assertEquals(res.headers.get("cache-control"), "no-store", path);
    }
    for (const path of ["/api/me", "/api/rooms", "/api/nope"]) {
      const res = await c.fetch(path);
      await res.body?.cancel();
      assertEquals(res.headers.get("cache-control"), "no-store", path);
    }
    const anon = await fetch(s.url + "/api/me");
    await anon.body?.cancel();
    assertEquals(anon.status, 401);
    assertEquals(anon.headers.get("cache-control"), "no-store");
    const css = await fetch(s.url + "/styles.css");
    await css.body?.cancel();
    assertEquals(
      css.headers.get("cache-control"),
      "public, max-age=0, must-revalidate",
    );
  });
});

Deno.test("web: Strict-Transport-Security is sent when APP_URL is https, and not on http", async () => {
  await withServer(async (s) => {
    const res = await fetch(s.url + "/login");
    await res.body?.cancel();
    assertEquals(
      res.headers.get("strict-transport-security"),
      "max-age=31536000; includeSubDomains",
    );
  }, { env: { APP_URL: "https://chat.example" } });
  await withServer(async (s) => {
    const res = await fetch(s.url + "/login");
    await res.body?.cancel();
    assertEquals(res.headers.get("strict-transport-security"), null);
  });
});

Deno.test("web: Accept-Encoding picks brotli, then gzip, honouring q=0", () => {
  assertEquals(negotiate("gzip, deflate, br"), "br");
  assertEquals(negotiate("gzip"), "gzip");
  assertEquals(negotiate("br;q=0, gzip;q=0.5"), "gzip");
  assertEquals(negotiate("identity"), null);
  assertEquals(negotiate("*"), "br");
  assertEquals(negotiate(null), null);
});

Deno.test("web: dynamic HTML and JSON are compressed per Accept-Encoding with Vary", async () => {
  await withServer(async (s) => {
    const c = await new Client(s.url).signup();
    for (let i = 0; i < 12; i++) {
      const r = await c.fetch("/api/contacts", {
        json: {
          name: `Person ${i}`,
          email: `p${i}@example.com`,
          notes: "x".repeat(40),
        },
      });
      await r.body?.cancel();
    }
    const headers = { cookie: c.cookieHeader };
    for (const path of ["/contacts", "/api/contacts"]) {
      const plain = await rawGet(s.url + path, headers);
      assertEquals(plain.headers["content-encoding"], undefined, path);
      assertStringIncludes(plain.headers["vary"] ?? "", "Accept-Encoding");
      const text = decodedText(plain);
      for (const enc of ["br", "gzip"]) {
        const got = await rawGet(s.url + path, {
          ...headers,
          "accept-encoding": enc,
        });
        assertEquals(got.status, 200);
        assertEquals(got.headers["content-encoding"], enc, `${path} ${enc}`);
        assertStringIncludes(got.headers["vary"], "Accept-Encoding");
        assert(got.body.byteLength < text.length / 2, `${path} ${enc} shrinks`);
        const decoded = decodedText(got);
        // Pages carry a fresh CSP nonce each time: compare the shape.
        const shape = (t: string) => t.replace(/nonce[-=][^ >;]*/g, "");
        assert(shape(decoded) === shape(text), `${path} ${enc} round-trips`);
      }
    }
  });
});

Deno.test("web: client bundles and static files are served precompressed (br, gzip) with Vary, identity otherwise", async () => {
  await withServer(async (s) => {
    const c = await new Client(s.url).signup();
    const html = await (await c.fetch("/chat")).text();
    const runtime = html.match(/from"(\/_rt\/js\/runtime-[\w-]+\.js)"/)?.[1];
    assert(runtime, "the chat page imports the runtime");
    for (const path of [runtime, "/styles.css"]) {
      const plain = await rawGet(s.url + path);
      assertEquals(plain.headers["content-encoding"], undefined);
      assertEquals(plain.headers["vary"], "Accept-Encoding");
      for (const enc of ["br", "gzip"]) {
        const got = await rawGet(s.url + path, { "accept-encoding": `${enc}` });
        assertEquals(got.headers["content-encoding"], enc, path);
        assertEquals(got.headers["vary"], "Accept-Encoding");
        assertEquals(decodedText(got), decodedText(plain));
        // A revalidation of the encoded variant answers 304.
        const again = await rawGet(s.url + path, {
          "accept-encoding": enc,
          "if-none-match": got.headers["etag"],
        });
        assertEquals(again.status, 304);
      }
    }
  });
});

Deno.test("web: `deno task build` writes brotli and gzip copies of every bundle, and a prebuilt app serves them", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const { islandFiles } = await loadManifest(PROJECT_ROOT);
    const build = await buildClient(PROJECT_ROOT, islandFiles);
    await writeBuild(build, dir);
    const read = await readBuild(dir);
    assert(read);
    assertEquals([...read.files.keys()].sort(), [...build.files.keys()].sort());
    for (const [url, body] of build.files) {
      const v = read.variants?.get(url);
      assert(v?.br && v.gzip, `${url} has both variants`);
      assertEquals(new Uint8Array(brotliDecompressSync(v.br)), body);
      assertEquals(new Uint8Array(gunzipSync(v.gzip)), body);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("web: every page has its own title", async () => {
  await withServer(async (s) => {
    const anon = new Client(s.url);
    const title = async (client: Client, path: string) => {
      const html = await (await client.fetch(path)).text();
      return html.match(/<title>([^<]*)<\/title>/)?.[1];
    };
    assertEquals(await title(anon, "/login"), "Log in · RT Messenger");
    assertEquals(await title(anon, "/signup"), "Sign up · RT Messenger");
    assertEquals(
      await title(anon, "/no-such-page"),
      "Page not found · RT Messenger",
    );
    const c = await new Client(s.url).signup();
    assertEquals(await title(c, "/"), "Home · RT Messenger");
    assertEquals(await title(c, "/contacts"), "Contacts · RT Messenger");
    assertEquals(await title(c, "/chat"), "Chat · RT Messenger");
    assertEquals(await title(c, "/campaigns"), "Mail · RT Messenger");
    assertEquals(
      await title(c, "/campaigns/new"),
      "New campaign · Mail · RT Messenger",
    );
    assertEquals(await title(c, "/settings"), "Settings · RT Messenger");
    const room = await c.json<{ id: string }>("/api/rooms", {
      json: { name: "ops & $& <team>", visibility: "public" },
    });
    assertEquals(
      await title(c, `/chat/${room.body.id}`),
      "ops &amp; $&amp; &lt;team&gt; · RT Messenger",
    );
  });
});
