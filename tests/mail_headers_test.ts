import { assert, assertEquals } from "./helpers/assert.ts";
import { RateLimiter } from "../lib/mail/rate.ts";
import {
  hasHeaderBreak,
  isEmail,
  normalizeEmail,
  parseMailbox,
} from "../lib/mail/headers.ts";
import { compileTemplate } from "../lib/mail/templates.ts";

Deno.test("mail headers: CR, LF and NUL are header breaks; other text is not", () => {
  for (const bad of ["a\rb", "a\nb", "a\r\nBcc: x", "a\0b"]) {
    assert(hasHeaderBreak(bad), JSON.stringify(bad));
  }
  for (const ok of ["Zoë O'Brien", "a\tb", "Ünïcödé 日本"]) {
    assert(!hasHeaderBreak(ok), ok);
  }
});

Deno.test("mail headers: addresses are checked, parsed and normalised for dedupe", () => {
  for (
    const ok of [
      "a@b.c",
      "first.last+tag@sub.example.org",
      "ü@bücher.de",
    ]
  ) assert(isEmail(ok), ok);
  for (
    const bad of [
      "",
      "a",
      "a@",
      "@b.c",
      "a b@c.d",
      "a@b@c",
      "<a@b.c>",
      "a@b.c,d@e.f",
      `${"x".repeat(65)}@b.c`,
    ]
  ) {
    assert(!isEmail(bad), bad);
  }
  assertEquals(parseMailbox("Ada Lovelace <ada@x.test>"), {
    name: "Ada Lovelace",
    address: "ada@x.test",
  });
  assertEquals(parseMailbox('"Lovelace, Ada" <ada@x.test>'), {
    name: "Lovelace, Ada",
    address: "ada@x.test",
  });
  assertEquals(parseMailbox("  ada@x.test "), {
    name: "",
    address: "ada@x.test",
  });
  assertEquals(normalizeEmail(" Ada@Example.COM "), "ada@example.com");
  assert(!isEmail("x@localhost"), "a domain needs a dot");
});

Deno.test("mail templates: malformed tags are refused at compile time with the field named", () => {
  for (
    const bad of [
      "Hi {{first_name",
      "Hi {{ }}",
      "{{first-name}}",
      "{{name|a}b}}",
    ]
  ) {
    let code = "";
    try {
      compileTemplate(bad, "subject");
    } catch (e) {
      code = (e as { code: string }).code;
    }
    assertEquals(code, "unknown_merge_tag", bad);
  }
  assertEquals(
    compileTemplate("{{ FIRST_NAME | friend }} {}", "text").segments,
    [
      { tag: "first_name", fallback: "friend" },
      " {}",
    ],
  );
});

Deno.test("mail rate: the token bucket grants MAIL_RATE mails per second with bursts of a tenth", () => {
  const r = new RateLimiter(20, 0);
  assertEquals(r.take(5, 0), 0);
  assertEquals(r.take(5, 100), 2); // 100 ms at 20/s, burst 2
  assertEquals(r.take(5, 100), 0);
  assertEquals(r.take(5, 10_000), 2); // idle time does not pile up beyond the burst
  let granted = 0;
  for (let t = 10_000; t <= 11_000; t += 10) granted += r.take(5, t);
  assertEquals(granted, 20);
  assertEquals(new RateLimiter(0).take(7), 7);
});
