import {
  assertEquals,
  assertNotIncludes,
  assertThrows,
} from "./helpers/assert.ts";
import { decode, encode, toScriptJson } from "../lib/web/serialize.ts";

Deno.test("islands: props round-trip JSON plus Date, URL, Map, Set and undefined", () => {
  const props = {
    n: 1,
    s: "text",
    nested: [{ a: null, b: true }],
    when: new Date("2026-11-25T10:00:00Z"),
    link: new URL("https://example.com/a?b=c"),
    map: new Map<string, unknown>([["k", new Set([1, 2])]]),
    missing: undefined,
    inf: Infinity,
    tricky: { "\u0001t": "Date", v: "not a date" },
  };
  const back = decode(
    JSON.parse(JSON.stringify(encode(props))),
  ) as typeof props;
  assertEquals(
    back.when instanceof Date && back.when.toISOString(),
    "2026-11-25T10:00:00.000Z",
  );
  assertEquals(
    back.link instanceof URL && back.link.href,
    "https://example.com/a?b=c",
  );
  assertEquals(back.map.get("k"), new Set([1, 2]));
  assertEquals("missing" in back && back.missing, undefined);
  assertEquals(back.inf, Infinity);
  assertEquals(back.tricky, { "\u0001t": "Date", v: "not a date" });
  assertEquals(back.nested, props.nested);
});

Deno.test("islands: props refuse functions, symbols, class instances and cycles", () => {
  assertThrows(() => encode({ onClick: () => {} }), TypeError, "function");
  assertThrows(() => encode({ s: Symbol("x") }), TypeError, "symbol");
  assertThrows(() => encode({ big: 1n }), TypeError, "bigint");
  class Thing {}
  assertThrows(() => encode({ t: new Thing() }), TypeError, "Thing");
  const cyclic: Record<string, unknown> = {};
  cyclic.self = cyclic;
  assertThrows(() => encode(cyclic), TypeError, "cycles");
});

Deno.test("islands: script JSON cannot close the script or open a comment", () => {
  const json = toScriptJson({
    a: "</script><script>alert(1)</script>",
    b: "<!-- x -->",
    c: "\u2028&",
  });
  assertNotIncludes(json, "</script");
  assertNotIncludes(json, "<!--");
  assertNotIncludes(json, "\u2028");
  assertEquals(decode(JSON.parse(json)), {
    a: "</script><script>alert(1)</script>",
    b: "<!-- x -->",
    c: "\u2028&",
  });
});
