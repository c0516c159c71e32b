import {
  assert,
  assertEquals,
  assertNotIncludes,
  assertStringIncludes,
} from "./helpers/assert.ts";
import { startServer, type TestServer } from "./helpers/server.ts";

const root = new URL("./fixtures/site", import.meta.url).pathname;

async function withSite(fn: (s: TestServer) => Promise<void>) {
  const server = await startServer({ root });
  try {
    await fn(server);
  } finally {
    await server.close();
  }
}

async function get(server: TestServer, path: string, init: RequestInit = {}) {
  const res = await fetch(server.url + path, { redirect: "manual", ...init });
  return { res, text: await res.text() };
}

Deno.test("web: static routes win over [id], [id] over [...rest], (group) adds no segment", async () => {
  await withSite(async (s) => {
    assertStringIncludes((await get(s, "/docs/new")).text, 'id="static-route"');
    assertStringIncludes((await get(s, "/docs/42")).text, "doc 42");
    assertStringIncludes((await get(s, "/docs/a/b/c")).text, "rest a/b/c");
    assertStringIncludes((await get(s, "/about")).text, 'id="about"');
    assertEquals((await get(s, "/marketing/about")).res.status, 404);
  });
});

Deno.test("web: _app wraps every page and _layout wraps its folder only", async () => {
  await withSite(async (s) => {
    const doc = (await get(s, "/docs/1")).text;
    assertStringIncludes(doc, '<div id="app-shell"><section id="docs-layout">');
    const about = (await get(s, "/about")).text;
    assertStringIncludes(about, 'id="app-shell"');
    assertNotIncludes(about, "docs-layout");
  });
});

Deno.test("web: a folder's _middleware runs before its routes and can stop them", async () => {
  await withSite(async (s) => {
    const blocked = await get(s, "/admin");
    assertEquals(blocked.res.status, 401);
    assertEquals(blocked.text, "blocked by middleware");
    const open = await get(s, "/admin?key=open");
    assertEquals(open.res.status, 200);
    assertStringIncludes(open.text, "hello from middleware");
    assertEquals(open.res.headers.get("x-middleware"), "admin");
    assertEquals(
      (await get(s, "/about")).res.headers.get("x-middleware"),
      null,
    );
  });
});

Deno.test("web: methods without a handler answer 405 with Allow", async () => {
  await withSite(async (s) => {
    const origin = { origin: s.url };
    assertEquals((await get(s, "/items")).res.status, 200);
    assertEquals(
      (await get(s, "/items", { method: "POST", headers: origin })).res.status,
      201,
    );
    const del = await get(s, "/items", { method: "DELETE", headers: origin });
    assertEquals(del.res.status, 405);
    assertEquals(del.res.headers.get("allow"), "GET, HEAD, POST");
    const pagePost = await get(s, "/plain", {
      method: "POST",
      headers: origin,
    });
    assertEquals(pagePost.res.status, 405);
    assertEquals(pagePost.res.headers.get("allow"), "GET, HEAD");
  });
});

Deno.test("web: unknown routes render the _404 page with status 404", async () => {
  await withSite(async (s) => {
    const { res, text } = await get(s, "/nowhere/at/all");
    assertEquals(res.status, 404);
    assertStringIncludes(text, 'id="not-found"');
  });
});

Deno.test("web: a thrown error renders a 500 page without the stack or message", async () => {
  await withSite(async (s) => {
    const origError = console.error;
    console.error = () => {};
    try {
      const { res, text } = await get(s, "/boom");
      assertEquals(res.status, 500);
      assertStringIncludes(text, 'id="error"');
      assertNotIncludes(text, "secret internal detail");
      assertNotIncludes(text, "app.ts");
      const api = await get(s, "/api/bad", {
        method: "POST",
        headers: { origin: s.url },
      });
      assertEquals(api.res.status, 500);
      assertEquals(JSON.parse(api.text).error.code, "internal");
      assertNotIncludes(api.text, "hidden failure");
    } finally {
      console.error = origError;
    }
  });
});

Deno.test("web: typed errors under /api/ answer JSON {error:{code,message}}", async () => {
  await withSite(async (s) => {
    const { res, text } = await get(s, "/api/bad");
    assertEquals(res.status, 400);
    assertEquals(
      res.headers.get("content-type"),
      "application/json; charset=utf-8",
    );
    assertEquals(JSON.parse(text), {
      error: { code: "not_right", message: "That is not right." },
    });
  });
});

Deno.test("web: a page without islands ships no JavaScript", async () => {
  await withSite(async (s) => {
    const { text } = await get(s, "/plain");
    assertNotIncludes(text, "<script");
  });
});

Deno.test("web: an island renders between markers with escaped props and one module script", async () => {
  await withSite(async (s) => {
    const { res, text } = await get(s, "/");
    assertStringIncludes(
      text,
      '<!--rt:0:counter.Counter--><div class="counter"><span id="count">3</span>',
    );
    assertStringIncludes(text, "<!--/rt:0-->");
    assertEquals(text.match(/<script type="module"/g)?.length, 1);
    const props =
      /<script id="__rt_props" type="application\/json">(.*?)<\/script>/.exec(
        text,
      )![1];
    assertNotIncludes(props, "</script");
    assertNotIncludes(props, "<!--");
    const nonce = /script-src 'self' 'nonce-([^']+)'/.exec(
      res.headers.get("content-security-policy")!,
    )![1];
    assertStringIncludes(text, `<script type="module" nonce="${nonce}">`);
    const scriptUrls = [...text.matchAll(/from"(\/_rt\/js\/[^"]+)"/g)].map((
      m,
    ) => m[1]);
    assertEquals(scriptUrls.length, 2); // the runtime and the one island used
    for (const url of scriptUrls) {
      const js = await get(s, url);
      assertEquals(js.res.status, 200);
      assertEquals(
        js.res.headers.get("cache-control"),
        "public, max-age=31536000, immutable",
      );
      assertStringIncludes(js.res.headers.get("content-type")!, "javascript");
    }
  });
});

Deno.test("web: static files carry an ETag and answer 304 when it matches", async () => {
  await withSite(async (s) => {
    const first = await get(s, "/site.css");
    assertEquals(first.res.status, 200);
    assertEquals(
      first.text,
      await Deno.readTextFile(`${root}/static/site.css`),
    );
    const etag = first.res.headers.get("etag");
    assert(etag);
    const again = await get(s, "/site.css", {
      headers: { "if-none-match": etag },
    });
    assertEquals(again.res.status, 304);
    assertEquals(again.text, "");
  });
});

Deno.test("web: every response carries the security headers", async () => {
  await withSite(async (s) => {
    for (const path of ["/", "/nowhere", "/api/bad"]) {
      const { res } = await get(s, path);
      const csp = res.headers.get("content-security-policy") ?? "";
      assertStringIncludes(csp, "script-src 'self' 'nonce-");
      assertStringIncludes(csp, "frame-ancestors 'none'");
      assertNotIncludes(csp, "unsafe-eval");
      assertEquals(res.headers.get("x-content-type-options"), "nosniff");
      assertEquals(res.headers.get("x-frame-options"), "DENY");
      assert(res.headers.get("referrer-policy"));
    }
  });
});

Deno.test("web: a route's config can skip the origin rule and set its own body limit", async () => {
  await withSite(async (s) => {
    const crossSite = {
      origin: "https://mail.example",
      "content-type": "text/plain",
    };
    const ok = await get(s, "/hook", {
      method: "POST",
      headers: crossSite,
      body: "one-click",
    });
    assertEquals([ok.res.status, ok.text], [200, "one-click"]);
    const big = await get(s, "/hook", {
      method: "POST",
      headers: crossSite,
      body: "x".repeat(17),
    });
    assertEquals(big.res.status, 413);
    const other = await get(s, "/items", {
      method: "POST",
      headers: crossSite,
    });
    assertEquals(
      other.res.status,
      403,
      "routes without the config keep the rule",
    );
  });
});
