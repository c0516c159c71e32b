import { assertEquals } from "./helpers/assert.ts";
import { compareRoutes, routePattern } from "../lib/web/manifest.ts";

Deno.test("routing: file names map to URL patterns by Fresh's rules", () => {
  const cases: [string, string, string][] = [
    ["index.tsx", "route", "/"],
    ["about.tsx", "route", "/about"],
    ["docs/index.tsx", "route", "/docs"],
    ["docs/[id].tsx", "route", "/docs/:id"],
    ["docs/[...rest].tsx", "route", "/docs/:rest{.+}"],
    ["(marketing)/pricing.tsx", "route", "/pricing"],
    ["(app)/rooms/[id]/edit.tsx", "route", "/rooms/:id/edit"],
    ["_app.tsx", "app", "/"],
    ["api/_middleware.ts", "middleware", "/api"],
    ["docs/_layout.tsx", "layout", "/docs"],
    ["_404.tsx", "notFound", "/"],
    ["_error.tsx", "error", "/"],
  ];
  for (const [file, kind, pattern] of cases) {
    assertEquals(routePattern(file), { kind, pattern }, file);
  }
});

Deno.test("routing: static paths sort before dynamic ones, catch-alls last", () => {
  const sorted = [
    "/docs/:rest{.+}",
    "/docs/:id",
    "/docs/new",
    "/:slug",
    "/about",
  ].sort(
    compareRoutes,
  );
  assertEquals(sorted, [
    "/about",
    "/docs/new",
    "/docs/:id",
    "/docs/:rest{.+}",
    "/:slug",
  ]);
});
