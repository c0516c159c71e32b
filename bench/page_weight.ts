/**
 * Page weights: what each page costs on the wire (HTML + its scripts and
 * stylesheets) uncompressed, gzip and brotli, against the real server with
 * seeded data. `deno run -A bench/page_weight.ts`
 * @module
 */
import { startServer } from "../tests/helpers/server.ts";
import { signedInClient } from "../tests/helpers/client.ts";
import { rawGet } from "../tests/helpers/raw_http.ts";
import { PAGES, seedWorld } from "../tests/e2e/pages.ts";

const server = await startServer({ env: { SIGNUP_POLICY: "open" } });
try {
  const user = await signedInClient(server.url);
  const world = await seedWorld(server, user);
  const rows: string[] = [];
  const kb = (n: number) => (n / 1024).toFixed(1);
  for (const spec of PAGES) {
    const path = typeof spec.path === "string"
      ? spec.path
      : await spec.path(world);
    const cookie: Record<string, string> = spec.signedIn
      ? { cookie: user.cookieHeader }
      : {};
    const totals: Record<string, number> = {};
    let js = 0;
    for (const enc of ["identity", "gzip", "br"]) {
      const page = await rawGet(server.url + path, {
        ...cookie,
        "accept-encoding": enc,
      });
      const html = new TextDecoder().decode(
        (await rawGet(server.url + path, cookie)).body,
      );
      const assets = [
        ...html.matchAll(/(?:src|href)="(\/[^"]+\.(?:js|css))"/g),
        ...html.matchAll(/from"(\/_rt\/js\/[^"]+)"/g),
      ].map((m) => m[1]);
      // Static imports of the bundles (chunks), one level is enough here.
      const seen = new Set<string>();
      let total = page.body.byteLength;
      const queue = [...assets];
      while (queue.length) {
        const a = queue.shift()!;
        if (seen.has(a)) continue;
        seen.add(a);
        const res = await rawGet(server.url + a, { "accept-encoding": enc });
        total += res.body.byteLength;
        if (a.endsWith(".js")) {
          const plain = await rawGet(server.url + a);
          if (enc === "identity") js += plain.body.byteLength;
          const text = new TextDecoder().decode(plain.body);
          for (const m of text.matchAll(/from\s*"(\.\/[^"]+)"/g)) {
            queue.push(new URL(m[1], server.url + a).pathname);
          }
          for (const m of text.matchAll(/import\s*"(\.\/[^"]+)"/g)) {
            queue.push(new URL(m[1], server.url + a).pathname);
          }
        }
      }
      totals[enc] = total;
    }
    rows.push(
      `| ${spec.name} (\`${
        spec.path instanceof Function
          ? path.replace(/[0-9A-Z]{26}/, ":id")
          : path
      }\`) | ${kb(totals.identity)} | ${kb(totals.gzip)} | ${kb(totals.br)} | ${
        kb(js)
      } |`,
    );
  }
  console.log(
    "| page | uncompressed KiB | gzip KiB | brotli KiB | JavaScript KiB (uncompressed) |",
  );
  console.log("| --- | --- | --- | --- | --- |");
  for (const r of rows) console.log(r);
} finally {
  await server.close();
}
